"""Web sign-in and sign-out."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ..core.errors import AuthenticationFailed
from ..orgs.services import authenticate
from ..web import web_bp


def _safe_next(target):
    # Only local paths, so the login form cannot redirect to another site.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.task_list")


@web_bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            user = authenticate(request.form.get("username", ""), request.form.get("password", ""))
        except AuthenticationFailed:
            error = _("Invalid username or password.")
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error), (401 if error else 200)


@web_bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("web.login"))
