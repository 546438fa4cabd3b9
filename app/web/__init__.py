"""Server-rendered web UI blueprint; each domain adds its views to it."""

from flask import Blueprint

web_bp = Blueprint("web", __name__)


@web_bp.app_context_processor
def _inject_labels():
    from .labels import template_helpers, ui_language

    helpers = template_helpers()
    helpers["current_locale"] = ui_language()
    helpers["language_return_path"] = _language_return_path()
    helpers["provisional_banner"] = _provisional_banner()
    return helpers


def _provisional_banner():
    # Only admins can load schedules, so only they see the count of provisional deadlines.
    from flask_login import current_user

    from ..sla.admin import provisional_clock_count

    if not current_user.is_authenticated or not current_user.has_role("admin"):
        return 0
    return provisional_clock_count()


def _language_return_path():
    # After a POST (say a form shown again with errors) the current URL only
    # accepts POST, so the language link returns to the page the view names.
    from flask import g, request, url_for

    if request.method == "GET":
        return request.path
    return g.get("back_url") or url_for("web.home")


@web_bp.get("/language/<code>")
def set_language(code):
    """Store the chosen UI language in the session and return to the page."""
    from flask import current_app, redirect, request, session, url_for

    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.home")
    return redirect(target)

from ..auth import views as auth_views  # noqa: E402,F401
from ..appeals import views as appeal_views  # noqa: E402,F401
from ..tasks import views as task_views  # noqa: E402,F401
from ..sla import views as sla_views  # noqa: E402,F401
from ..orgs import views as org_views  # noqa: E402,F401
from ..handling import views as handling_views  # noqa: E402,F401
from ..designer import views as designer_views  # noqa: E402,F401
from ..processes import views as process_views  # noqa: E402,F401
