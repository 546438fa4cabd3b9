"""Problems as JSON, with their messages in the user's language."""

from flask_babel import gettext


def _location(problem):
    parts = []
    if problem.file:
        parts.append(problem.file)
    if problem.line:
        parts.append(gettext("line %(line)s", line=problem.line))
    if problem.element_id:
        parts.append(gettext("element %(element)s", element=problem.element_id))
    if problem.path:
        parts.append(gettext("at %(path)s", path=problem.path))
    return ", ".join(parts)


def localized_message(problem):
    """Return the problem's message translated, prefixed with where it is."""
    template = gettext(problem.template)
    text = template % problem.params if problem.params else template
    location = _location(problem)
    return gettext("%(location)s: %(message)s", location=location, message=text) if location else text


def problem_documents(problems):
    """Return the problems as JSON-ready dicts with translated messages."""
    return [problem.to_dict(localized_message(problem)) for problem in problems]
