"""Server-rendered web UI blueprint; each domain adds its views to it."""

from flask import Blueprint

web_bp = Blueprint("web", __name__)


@web_bp.app_context_processor
def _inject_labels():
    from flask_babel import get_locale

    from .labels import template_helpers

    helpers = template_helpers()
    helpers["current_locale"] = str(get_locale())
    return helpers

from ..auth import views as auth_views  # noqa: E402,F401
from ..appeals import views as appeal_views  # noqa: E402,F401
from ..tasks import views as task_views  # noqa: E402,F401
