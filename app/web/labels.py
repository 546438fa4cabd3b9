"""Display labels for codes stored in the database; translated through Babel."""

from flask_babel import lazy_gettext as _l

from ..sla.presenters import format_local

APPEAL_TYPE_LABELS = {
    "consultation": _l("Consultation"),
    "help": _l("Help"),
    "complaint": _l("Complaint"),
    "report": _l("Report"),
    "suggestion": _l("Suggestion"),
    "praise": _l("Praise"),
}
CHANNEL_LABELS = {
    "phone_12345": _l("12345 phone"),
    "merged_line": _l("Merged line"),
    "web": _l("Website"),
    "app": _l("App"),
    "wechat": _l("WeChat"),
    "enterprise_line": _l("Enterprise line"),
}
URGENCY_LABELS = {"normal": _l("Normal"), "urgent": _l("Urgent"), "very_urgent": _l("Very urgent")}
APPEAL_STATUS_LABELS = {
    "registered": _l("Registered"),
    "awaiting_triage": _l("Awaiting answer or dispatch"),
    "awaiting_dispatch": _l("Awaiting dispatch"),
    "dispatched": _l("Dispatched"),
    "awaiting_review": _l("Awaiting review"),
    "awaiting_callback": _l("Awaiting callback"),
    "awaiting_judgment": _l("Awaiting judgment"),
    "reprocessing": _l("Reprocessing"),
    "co_handling": _l("Assisting departments replying"),
    "awaiting_return_review": _l("Return awaiting review"),
    "awaiting_owner_decision": _l("Awaiting the supervisor's decision on the handling unit"),
    "in_progress": _l("In progress"),
    "archived": _l("Archived"),
}
CLOSURE_LABELS = {
    "direct_answer": _l("Answered directly"),
    "satisfied": _l("Citizen satisfied"),
    "basically_satisfied": _l("Citizen basically satisfied"),
    "dissatisfied": _l("Citizen dissatisfied"),
    "dissatisfaction_unreasonable": _l("Dissatisfaction judged unreasonable"),
    "unresolved": _l("Unresolved after the reprocessing limit"),
}
TASK_STATUS_LABELS = {
    "open": _l("Open"),
    "claimed": _l("Claimed"),
    "completed": _l("Completed"),
    "returned": _l("Returned"),
    "cancelled": _l("Cancelled"),
}
TASK_TITLE_LABELS = {
    "triage": _l("Answer or dispatch"),
    "dispatch": _l("Dispatch"),
    "reply": _l("Reply"),
    "review": _l("Review reply"),
    "callback": _l("Callback"),
    "judgment": _l("Judge dissatisfaction"),
    "rework": _l("Reply again"),
    "rework_review": _l("Review reply"),
    "rework_callback": _l("Callback"),
    "assist_reply": _l("Assisting reply"),
    "return_review": _l("Review return"),
    "decide_owner": _l("Decide the handling unit"),
    "extension_review": _l("Review extension request"),
    "supervise": _l("Supervise overdue appeal"),
}
ROLE_LABELS = {
    "agent": _l("Agent"),
    "dispatcher": _l("Dispatcher"),
    "handler": _l("Handler"),
    "supervisor": _l("Supervisor"),
    "commissioner": _l("Policy commissioner"),
    "designer": _l("Process designer"),
    "admin": _l("Administrator"),
}
EVENT_LABELS = {
    "appeal.registered": _l("Registered"),
    "appeal.confidential_read": _l("Confidential appeal read"),
    "task.claimed": _l("Claimed"),
    "task.released": _l("Released"),
    "task.completed": _l("Completed"),
    "appeal.archived": _l("Archived"),
    "dispatch.override": _l("Dispatched against the suggestion"),
    "dispatch.routed": _l("Dispatched"),
    "task.returned": _l("Returned by the department"),
    "return.accepted": _l("Return accepted"),
    "return.rejected": _l("Return rejected"),
    "extension.requested": _l("Extension requested"),
    "extension.approved": _l("Extension approved"),
    "extension.rejected": _l("Extension rejected"),
    "extension.withdrawn": _l("Extension request withdrawn"),
    "process.deployed": _l("Process deployed"),
    "clock.urged": _l("Urging notice sent"),
    "clock.supervised": _l("Supervision opened"),
    "clock.paused": _l("Clock paused"),
    "clock.resumed": _l("Clock resumed"),
    "clock.recomputed": _l("Deadline recomputed"),
    "timer.fired": _l("Timer fired"),
    "appeal.migrated": _l("Moved to another process version"),
    "workflow.failed": _l("Process error"),
    "workflow_error.retried": _l("Process error retried"),
    "message.received": _l("Message received"),
    "message.queued": _l("Message queued"),
}

CLOCK_KIND_LABELS = {
    "overall": _l("Overall limit"),
    "claim": _l("Claim limit"),
    "return": _l("Return window"),
    "reply": _l("Reply limit"),
    "callback": _l("Callback limit"),
    "rework": _l("Reprocessing limit"),
    "dispatch": _l("Dispatch limit"),
    "assist": _l("Assisting reply limit"),
}
ORG_KIND_LABELS = {"province": _l("Province"), "city": _l("City"), "district": _l("District or county"), "department": _l("Department")}
CLOCK_STATUS_LABELS = {"running": _l("Running"), "paused": _l("Paused"), "stopped": _l("Stopped")}
CLOCK_OUTCOME_LABELS = {"met": _l("Met"), "overdue": _l("Overdue")}
CLOCK_LEVEL_LABELS = {"green": _l("On time"), "yellow": _l("Due soon"), "red": _l("Overdue")}


def countdown(minutes, minutes_per_day):
    """Describe remaining working time, or working time overdue, in working days, hours and minutes."""
    from flask_babel import gettext

    if minutes is None:
        return ""
    days, rest = divmod(abs(minutes), minutes_per_day)
    hours, rest = divmod(rest, 60)
    amount = gettext("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)
    if days:
        amount = gettext("%(days)d working day(s) %(rest)s", days=days, rest=amount)
    if minutes >= 0:
        return gettext("%(amount)s left", amount=amount)
    return gettext("%(amount)s overdue", amount=amount)


# Messages for form field errors, by FieldError.code.
FIELD_ERROR_LABELS = {
    "required": _l("This field is required."),
    "enum": _l("Choose one of the listed options."),
    "type": _l("This value has the wrong type."),
    "min_length": _l("Enter at least %(limit)s characters."),
    "max_length": _l("Enter at most %(limit)s characters."),
    "minimum": _l("Enter a value of at least %(limit)s."),
    "maximum": _l("Enter a value of at most %(limit)s."),
    "unknown_department": _l("Choose a department under %(unit)s."),
    "unknown_unit": _l("Choose a department or lower centre under %(unit)s."),
    "assisting_needs_department": _l("Assisting departments need a department as lead; leave them empty when dispatching to a lower centre."),
    "returning_unit": _l("Choose another unit: this one returned the appeal. Reject the return to send it back."),
    "assisting_is_lead": _l("The lead department cannot also assist; remove it from the assisting departments."),
    "unknown_field": _l("This field is not part of the form."),
    "too_large": _l("The form is too large."),
}


# Hints shown under an invalid intake field; the API's English detail stays in its JSON response.
INTAKE_FIELD_HINTS = {
    "appeal_type": _l("Choose one of the listed options."),
    "channel": _l("Choose one of the listed options."),
    "urgency": _l("Choose one of the listed options."),
    "region_id": _l("Choose the province, city or district the appeal concerns."),
    "category_code": _l("Choose an active category from the list."),
    "citizen_name": _l("The name may have at most 100 characters."),
    "citizen_phone": _l("Use only digits, spaces, +, -, * or brackets, at most 32 characters."),
    "content": _l("Record what the citizen asked: it must not be empty and may have at most 5000 characters."),
    "triage": _l("Only consultations can be answered directly at intake; untick the box for this appeal type."),
    "triage.answer": _l("Enter the answer given to the citizen (at least 2 characters) to close it directly."),
    "triage.resolution": _l("Choose one of the listed options."),
}


HOP_KIND_LABELS = {
    "dispatch": _l("Dispatch"),
    "redispatch": _l("Dispatched again after a return"),
    "owner_decision": _l("Handling unit decided by the supervisor"),
}
RETURN_STATUS_LABELS = {
    "pending": _l("Awaiting review"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "escalated": _l("Sent to a supervisor"),
}
EXTENSION_STATUS_LABELS = {
    "pending": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

RETURN_REASON_LABELS = {
    "not_our_duty": _l("Not within our unit's duties"),
    "not_our_area": _l("Not within our area"),
    "duplicate": _l("Duplicate appeal"),
    "insufficient_information": _l("Information missing, cannot be handled"),
    "legal_procedure": _l("Belongs to litigation, arbitration or another legal procedure"),
    "other": _l("Other"),
}


def return_reason_label(code):
    """Return a return reason's label: translated for the standard codes, else the configured label."""
    from flask import current_app

    if code in RETURN_REASON_LABELS:
        return str(RETURN_REASON_LABELS[code])
    return current_app.config["RETURN_REASONS"].get(code, code)


# Messages for conflicts a department can run into, by error code; params come from the error.
CONFLICT_LABELS = {
    "not_returnable": _l("Only the lead department's reply task can be returned."),
    "return_window_closed": _l("The return window has closed. Reply to the appeal, or request an extension."),
    "not_extendable": _l("This task has no running reply limit, so no extension can be requested."),
    "extension_after_deadline": _l("The reply deadline has passed. Extensions must be requested before it; reply now and explain the delay."),
    "extension_pending": _l("Another extension request on this appeal is waiting for the dispatcher. Ask again after it is decided."),
}


def local_time_text(text):
    """Format an ISO 8601 instant stored in an audit event as Asia/Shanghai wall time; other text is returned as is."""
    from datetime import datetime

    try:
        return format_local(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return text or "—"


def describe_conflict(exc):
    """Return a conflict's message in the user's language, or its English message when none is translated."""
    text = CONFLICT_LABELS.get(getattr(exc, "code", None))
    return str(text) if text is not None else exc.message


def ui_language():
    """Return the UI language as the form schemas name it: "zh_CN" or "en".

    Babel reports the default locale as zh_Hans_CN, so compare the language only.
    """
    from flask_babel import get_locale

    return "zh_CN" if get_locale().language == "zh" else "en"


def describe_error(error):
    """Return a field error in the user's language."""
    from flask_babel import gettext

    code = getattr(error, "code", None)
    if code in FIELD_ERROR_LABELS:
        return str(FIELD_ERROR_LABELS[code]) % {key: value for key, value in error.params.items()}
    return gettext(str(getattr(error, "message", error)))


def task_title(task):
    """Return a task's title: translated for the shipped tasks, else the name the diagram gives it."""
    if task.name in TASK_TITLE_LABELS:
        return str(TASK_TITLE_LABELS[task.name])
    return task.title or task.name


def label(mapping, code):
    """Return the translated label of a code, or the code itself when it has none."""
    return mapping.get(code, code) if code is not None else ""


def template_helpers():
    """Return the label tables and helper made available to every template."""
    return {
        "APPEAL_TYPE_LABELS": APPEAL_TYPE_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "URGENCY_LABELS": URGENCY_LABELS,
        "APPEAL_STATUS_LABELS": APPEAL_STATUS_LABELS,
        "CLOSURE_LABELS": CLOSURE_LABELS,
        "TASK_STATUS_LABELS": TASK_STATUS_LABELS,
        "TASK_TITLE_LABELS": TASK_TITLE_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "EVENT_LABELS": EVENT_LABELS,
        "label": label,
        "task_title": task_title,
        "describe_error": describe_error,
        "countdown": countdown,
        "local_time": format_local,
        "local_time_text": local_time_text,
        "CLOCK_KIND_LABELS": CLOCK_KIND_LABELS,
        "ORG_KIND_LABELS": ORG_KIND_LABELS,
        "CLOCK_STATUS_LABELS": CLOCK_STATUS_LABELS,
        "CLOCK_OUTCOME_LABELS": CLOCK_OUTCOME_LABELS,
        "CLOCK_LEVEL_LABELS": CLOCK_LEVEL_LABELS,
        "INTAKE_FIELD_HINTS": INTAKE_FIELD_HINTS,
        "HOP_KIND_LABELS": HOP_KIND_LABELS,
        "return_reason_label": return_reason_label,
        "RETURN_STATUS_LABELS": RETURN_STATUS_LABELS,
        "EXTENSION_STATUS_LABELS": EXTENSION_STATUS_LABELS,
    }
