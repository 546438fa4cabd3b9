"""Web routes for the task page: a department returns a task or requests an extension."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import Conflict, Forbidden, InvalidInput
from ..tasks import services as tasks
from ..tasks.views import render_task
from ..web import web_bp
from ..web.labels import describe_conflict
from . import services

# Messages for the fields of the return and extension forms, in the user's language.
FIELD_MESSAGES = {
    "reason_code": lambda: _("Choose a return reason from the list."),
    "reason_text": lambda: _("Explain why the appeal is not your unit's, in 2 to 1000 characters."),
    "days": lambda: _("Enter working days above 0 and at most 10, with at most one decimal place."),
    "grounds": lambda: _("Give the grounds for the extension, in 5 to 2000 characters."),
}


def _run(task_id, panel, action, success_message):
    """Run a return or extension; on success go back to the task, else show it again with the panel open."""
    try:
        action()
    except InvalidInput as exc:
        for field in exc.fields:
            flash(FIELD_MESSAGES[field]() if field in FIELD_MESSAGES else exc.fields[field], "error")
        status = 422
    except (Conflict, Forbidden) as exc:
        flash(describe_conflict(exc), "error")
        status = exc.status
    else:
        flash(success_message, "success")
        return redirect(url_for("web.task_page", task_id=task_id))
    task = tasks.get_visible_task(current_user, task_id)
    return render_task(task, status=status, panel=panel, panel_values=request.form)


@web_bp.post("/tasks/<int:task_id>/return")
@login_required
def task_return(task_id):
    form = request.form
    return _run(
        task_id,
        "return",
        lambda: services.return_task(current_user, task_id, form.get("reason_code", ""), form.get("reason_text", "")),
        _("The appeal was returned to the dispatcher with your reason."),
    )


@web_bp.post("/tasks/<int:task_id>/extension")
@login_required
def task_extension(task_id):
    form = request.form
    return _run(
        task_id,
        "extension",
        lambda: services.request_extension(current_user, task_id, form.get("days", ""), form.get("grounds", "")),
        _("The extension request was sent to the dispatcher."),
    )
