"""Translated strings for the designer's JavaScript, keyed by their English text.

The pages embed these as JSON; the scripts look every visible string up by its English
text and fall back to that text. bpmn-js and its plugins pass their own English strings
through the same table, so the entries below include the palette, context pad, replace
menu, properties panel and lint overlay texts that designers meet most often.
"""

from flask_babel import lazy_gettext as _l

PAGE_LABELS = {
    # Process list
    "No process models yet.": _l("No process models yet."),
    "Open": _l("Open the diagram"),
    "Versions": _l("Versions"),
    "Draft saved %(time)s by %(user)s": _l("Draft saved %(time)s by %(user)s"),
    "No draft": _l("No draft"),
    "Not deployed": _l("Not deployed"),
    "Version %(version)s": _l("Version %(version)s"),
    # Modeler toolbar and status
    "Loading…": _l("Loading…"),
    "Loaded the draft.": _l("Loaded the draft."),
    "Loaded version %(version)s.": _l("Loaded version %(version)s."),
    "Saving…": _l("Saving…"),
    "Draft saved.": _l("Draft saved."),
    "Deploying…": _l("Deploying…"),
    "Deployed version %(version)s.": _l("Deployed version %(version)s."),
    "Uploading…": _l("Uploading…"),
    "Upload accepted; the diagram shows the uploaded file.": _l("Upload accepted; the diagram shows the uploaded file."),
    "The server did not accept the request:": _l("The server did not accept the request:"),
    "The request was not sent:": _l("The request was not sent:"),
    "The form was not accepted:": _l("The form was not accepted:"),
    "Fix the lint errors in the diagram first.": _l("Fix the lint errors in the diagram first."),
    "Request failed with HTTP status %(status)s.": _l("Request failed with HTTP status %(status)s."),
    "The server could not be reached; nothing was changed.": _l("The server could not be reached; nothing was changed."),
    "Unsaved changes": _l("Unsaved changes"),
    "Choose a .bpmn file first.": _l("Choose a .bpmn file first."),
    "Could not show the diagram:": _l("Could not show the diagram:"),
    # Form editor
    "New form": _l("New form"),
    "New form…": _l("New form…"),
    "Edit form": _l("Edit form"),
    "Form file name must end in .json and use only letters, digits, _ and -.": _l(
        "Form file name must end in .json and use only letters, digits, _ and -."
    ),
    "A form with this name already exists.": _l("A form with this name already exists."),
    "The schema is not valid JSON:": _l("The schema is not valid JSON:"),
    "Form accepted and added to this process.": _l("Form accepted and added to this process."),
    "Form accepted.": _l("Form accepted."),
    "The preview failed:": _l("The preview failed:"),
    # Versions page
    "Active": _l("Active"),
    "Activate": _l("Activate"),
    "Migration": _l("Migration"),
    "Version %(version)s is now active.": _l("Version %(version)s is now active."),
    "No appeals are waiting on other versions.": _l("No appeals are waiting on other versions."),
    "Safe": _l("Safe"),
    "Unsafe": _l("Unsafe"),
    "Migrated %(migrated)s appeal(s); refused %(refused)s.": _l("Migrated %(migrated)s appeal(s); refused %(refused)s."),
    "No differences.": _l("No differences."),
    "Tasks added": _l("Tasks added"),
    "Tasks removed": _l("Tasks removed"),
    "Tasks changed": _l("Tasks changed"),
}

# Strings of our properties panel groups and lint rules, passed through bpmn-js's translate.
PANEL_LABELS = {
    "Hotline task": _l("Hotline task"),
    "Role": _l("Role"),
    "Lane": _l("Lane"),
    "The lane name is the role code whose users work on the lane's tasks.": _l(
        "The lane name is the role code whose users work on the lane's tasks."
    ),
    "Form file": _l("Form file"),
    "(none)": _l("(none)"),
    "Appeal status": _l("Appeal status"),
    "(unchanged)": _l("(unchanged)"),
    "Candidate org expression": _l("Candidate org expression"),
    "Python expression for the org unit id whose users may claim the task, e.g. centre_id.": _l(
        "Python expression for the org unit id whose users may claim the task, e.g. centre_id."
    ),
    "Clock classes": _l("Clock classes"),
    "Comma-separated stage clocks started with the task. Known classes: {classes}": _l(
        "Comma-separated stage clocks started with the task. Known classes: {classes}"
    ),
    "Unknown clock class: {names}": _l("Unknown clock class: {names}"),
    "Condition": _l("Condition"),
    "Condition expression": _l("Condition expression"),
    'Python expression on the task data, e.g. review["decision"] == "send_back".': _l(
        'Python expression on the task data, e.g. review["decision"] == "send_back".'
    ),
    "Default flow": _l("Default flow"),
    "Timer": _l("Timer"),
    "Timer type": _l("Timer type"),
    "Duration": _l("Duration"),
    "Date": _l("Date"),
    "Cycle": _l("Cycle"),
    "Timer expression": _l("Timer expression"),
    'Python expression: quote an ISO 8601 duration, e.g. "P3D", or name a variable.': _l(
        'Python expression: quote an ISO 8601 duration, e.g. "P3D", or name a variable.'
    ),
    # Lint rule messages
    "Flow out of an exclusive gateway needs a condition or must be the default flow": _l(
        "Flow out of an exclusive gateway needs a condition or must be the default flow"
    ),
    "User task has no form": _l("User task has no form"),
    "User task names a form file that does not exist": _l("User task names a form file that does not exist"),
    "Lane has no role; set its name to a role code": _l("Lane has no role; set its name to a role code"),
    "Lane name is not a known role code": _l("Lane name is not a known role code"),
    "Timer duration is empty": _l("Timer duration is empty"),
    'Timer duration is not a valid ISO 8601 duration such as "P3D"': _l(
        'Timer duration is not a valid ISO 8601 duration such as "P3D"'
    ),
    'Timer duration must be quoted, for example "P3D"': _l('Timer duration must be quoted, for example "P3D"'),
    "Process is missing end event": _l("Process is missing end event"),
    "Process is missing start event": _l("Process is missing start event"),
    "Element is not connected": _l("Element is not connected"),
    "SequenceFlow is a duplicate": _l("SequenceFlow is a duplicate"),
    "Duplicate outgoing sequence flows": _l("Duplicate outgoing sequence flows"),
    "Duplicate incoming sequence flows": _l("Duplicate incoming sequence flows"),
    "Sub process is missing start event": _l("Sub process is missing start event"),
    "Sub process is missing end event": _l("Sub process is missing end event"),
}

# English texts of bpmn-js 18 and its plugins that designers meet most often.
BPMN_JS_LABELS = {
    "Activate hand tool": _l("Activate hand tool"),
    "Activate lasso tool": _l("Activate lasso tool"),
    "Activate create/remove space tool": _l("Activate create/remove space tool"),
    "Activate global connect tool": _l("Activate global connect tool"),
    "Create start event": _l("Create start event"),
    "Create intermediate/boundary event": _l("Create intermediate/boundary event"),
    "Create end event": _l("Create end event"),
    "Create gateway": _l("Create gateway"),
    "Create task": _l("Create task"),
    "Create expanded sub-process": _l("Create expanded sub-process"),
    "Create pool/participant": _l("Create pool/participant"),
    "Create data object reference": _l("Create data object reference"),
    "Create data store reference": _l("Create data store reference"),
    "Create group": _l("Create group"),
    "Append task": _l("Append task"),
    "Append end event": _l("Append end event"),
    "Append gateway": _l("Append gateway"),
    "Append intermediate/boundary event": _l("Append intermediate/boundary event"),
    "Add text annotation": _l("Add text annotation"),
    "Add lane above": _l("Add lane above"),
    "Add lane below": _l("Add lane below"),
    "Divide into two lanes": _l("Divide into two lanes"),
    "Divide into three lanes": _l("Divide into three lanes"),
    "Change element": _l("Change element"),
    "Connect to other element": _l("Connect to other element"),
    "Delete": _l("Delete"),
    "Task": _l("Task"),
    "User task": _l("User task"),
    "Script task": _l("Script task"),
    "Service task": _l("Service task"),
    "Call activity": _l("Call activity"),
    "Exclusive gateway": _l("Exclusive gateway"),
    "Parallel gateway": _l("Parallel gateway"),
    "Inclusive gateway": _l("Inclusive gateway"),
    "Sequence flow": _l("Sequence flow"),
    "Conditional flow": _l("Conditional flow"),
    "Start event": _l("Start event"),
    "End event": _l("End event"),
    # Element types in the properties panel header.
    "Process": _l("Process"),
    "Collaboration": _l("Collaboration"),
    "Participant": _l("Participant"),
    "Lane": _l("Lane"),
    "Task": _l("Task"),
    "User Task": _l("User Task"),
    "Script Task": _l("Script Task"),
    "Service Task": _l("Service Task"),
    "Call Activity": _l("Call Activity"),
    "Exclusive Gateway": _l("Exclusive Gateway"),
    "Parallel Gateway": _l("Parallel Gateway"),
    "Inclusive Gateway": _l("Inclusive Gateway"),
    "Sequence Flow": _l("Sequence Flow"),
    "Default Flow": _l("Default Flow"),
    "Conditional Flow": _l("Conditional Flow"),
    "Start Event": _l("Start Event"),
    "End Event": _l("End Event"),
    "Message Start Event (Non Interrupting)": _l("Message Start Event (Non Interrupting)"),
    "Timer Boundary Event": _l("Timer Boundary Event"),
    "Timer Intermediate Catch Event": _l("Timer Intermediate Catch Event"),
    "Event Sub Process": _l("Event Sub Process"),
    "Expanded Sub Process": _l("Expanded Sub Process"),
    "Collapsed Sub Process": _l("Collapsed Sub Process"),
    "General": _l("General"),
    "Name": _l("Name"),
    "ID": _l("ID"),
    "Documentation": _l("Documentation"),
    "Element documentation": _l("Element documentation"),
    "Select an element to edit its properties.": _l("Select an element to edit its properties."),
    "Multiple elements are selected. Select a single element to edit its properties.": _l(
        "Multiple elements are selected. Select a single element to edit its properties."
    ),
    "{errors} Errors, {warnings} Warnings": _l("{errors} Errors, {warnings} Warnings"),
    "No Issues": _l("No Issues"),
    "Toggle linting overlays": _l("Toggle linting overlays"),
    "Issues for child elements": _l("Issues for child elements"),
}


def translations():
    """Return every designer string in the current UI language, keyed by its English text."""
    table = {}
    for group in (PAGE_LABELS, PANEL_LABELS, BPMN_JS_LABELS):
        table.update({english: str(text) for english, text in group.items()})
    return table
