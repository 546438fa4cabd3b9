"""Web pages: task queues and the task form."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import Conflict, Forbidden, InvalidInput
from ..web import web_bp
from ..web.formdata import parse_submission
from . import services
from ..core.db import utcnow
from ..sla import services as sla_services
from ..sla.presenters import task_clocks
from ..handling.presenters import task_actions, task_context
from ..processes.version_forms import appeal_spec_hash
from ..web.formdata import form_values
from ..handling.services import return_reasons
from .api import task_choices
from .schemas import TaskQuerySchema

FILTERS = ("scope", "appeal_type", "category", "urgency", "status", "sort")


@web_bp.get("/")
@login_required
def home():
    return redirect(url_for("web.task_list"))


@web_bp.get("/tasks")
@login_required
def task_list():
    errors = TaskQuerySchema().validate(request.args.to_dict())
    query = {key: request.args.get(key) or None for key in FILTERS if key not in errors}
    query["scope"] = query.get("scope") or "all"
    query["sort"] = query.get("sort") or "created"
    tasks = services.list_tasks(current_user, **query)
    now = utcnow()
    return render_template(
        "tasks/list.html",
        tasks=tasks,
        clocks=task_clocks(tasks, now),
        notices=sla_services.notices_for(current_user, now),
        filters=query,
        filter_errors=errors,
    )


def _reply_values(task, context):
    """Return the labelled values of the reply a review task checks, or []."""
    reply = context.get("reply")
    if reply is None:
        return []
    form_name, values, _, _ = reply
    return form_values({"form_name": form_name, "form": values}, appeal_spec_hash(task.appeal_id))


def render_task(task, errors=None, values=None, status=200, panel=None, panel_values=None):
    context = task_context(task)
    form = services.task_form(task)
    return render_template(
        "tasks/detail.html",
        task=task,
        clock=task_clocks([task], utcnow()).get(task.id),
        paused=services.has_paused_clocks(task),
        form=form,
        choices=task_choices(task, form),
        suggestion=services.dispatch_suggestion(task, form),
        errors=errors or {},
        values=values or {},
        can_act=services.can_act(current_user, task),
        actions=task_actions(task),
        context=context,
        reply_values=_reply_values(task, context),
        return_reasons=return_reasons(),
        panel=panel,
        panel_values=panel_values or {},
    ), status


@web_bp.get("/tasks/<int:task_id>")
@login_required
def task_page(task_id):
    return render_task(services.get_visible_task(current_user, task_id))


def _task_action(task_id, action, success_message):
    try:
        action(current_user, task_id)
        flash(success_message, "success")
    except (Conflict, Forbidden) as exc:
        flash(exc.message, "error")
    return redirect(url_for("web.task_page", task_id=task_id))


@web_bp.post("/tasks/<int:task_id>/claim")
@login_required
def task_claim(task_id):
    return _task_action(task_id, services.claim_task, _("Task claimed."))


@web_bp.post("/tasks/<int:task_id>/release")
@login_required
def task_release(task_id):
    return _task_action(task_id, services.release_task, _("Task released to your unit's queue."))


@web_bp.post("/tasks/<int:task_id>/pause-clocks")
@login_required
def task_pause_clocks(task_id):
    reason = request.form.get("reason", "").strip()
    if len(reason) < 2:
        flash(_("Give the reason for pausing, such as the material the citizen must send."), "error")
        return redirect(url_for("web.task_page", task_id=task_id))
    return _task_action(task_id, lambda user, ident: sla_services.pause_task_clocks(user, ident, reason[:500]), _("Clocks paused."))


@web_bp.post("/tasks/<int:task_id>/resume-clocks")
@login_required
def task_resume_clocks(task_id):
    return _task_action(task_id, sla_services.resume_task_clocks, _("Clocks resumed."))


@web_bp.post("/tasks/<int:task_id>/complete")
@login_required
def task_complete(task_id):
    g.back_url = url_for("web.task_page", task_id=task_id)
    task = services.get_visible_task(current_user, task_id)
    form = services.task_form(task)
    data = parse_submission(form.schema, request.form)
    try:
        services.complete_task(current_user, task_id, data)
    except InvalidInput as exc:
        return render_task(task, errors=exc.field_errors or exc.fields, values=request.form, status=422)
    except (Conflict, Forbidden) as exc:
        flash(exc.message, "error")
        return redirect(url_for("web.task_page", task_id=task_id))
    flash(_("Task completed."), "success")
    return redirect(url_for("web.appeal_page", number=task.appeal.number))
