"""Admin page for the workflow error queue: list failed appeals and retry them after a fix."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import Conflict, Forbidden
from ..web import web_bp
from . import failures

STATUSES = ("open", "resolved", "all")


def _require_admin():
    if not current_user.has_role("admin"):
        raise Forbidden("only administrators can see and retry workflow errors")


@web_bp.get("/admin/workflow-errors")
@login_required
def workflow_errors_page():
    _require_admin()
    status = request.args.get("status", "open")
    if status not in STATUSES:
        status = "open"
    return render_template("admin/workflow_errors.html", rows=failures.list_errors(status), status=status, statuses=STATUSES)


@web_bp.post("/admin/workflow-errors/<int:error_id>/retry")
@login_required
def workflow_error_retry(error_id):
    _require_admin()
    try:
        outcome = failures.retry_error(current_user, error_id)[1]
        flash(_("Workflow error %(id)s retried: %(outcome)s.", id=error_id, outcome=outcome), "success")
    except Conflict as exc:
        flash(_("Workflow error %(id)s was not retried: %(message)s", id=error_id, message=exc.message), "error")
    return redirect(url_for("web.workflow_errors_page"))
