"""Problems found while checking a process model, each naming its file, element and line."""

from dataclasses import dataclass, field

STAGES = ("xml", "parse", "rules", "dry_run", "form")


def N_(text):
    """Mark a message template for translation without translating it (gettext_noop).

    Babel extracts N_ by default; the web layer translates the template with
    gettext and then fills in the parameters.
    """
    return text


@dataclass(frozen=True)
class Problem:
    """One reason a process model cannot be saved or deployed.

    ``template`` is an English message with ``%(name)s`` placeholders filled
    from ``params``. For a problem inside a form schema, ``path`` is its JSON
    pointer and ``keyword`` the offending keyword.
    """

    stage: str
    code: str
    template: str
    params: dict = field(default_factory=dict)
    file: str | None = None
    element_id: str | None = None
    line: int | None = None
    path: str | None = None
    keyword: str | None = None

    @property
    def message(self):
        return self.template % self.params

    def to_dict(self, message=None):
        """Return the problem as a JSON-ready dict, with ``message`` replacing the English text."""
        document = {
            "stage": self.stage,
            "file": self.file,
            "element_id": self.element_id,
            "line": self.line,
            "code": self.code,
            "message": message if message is not None else self.message,
        }
        if self.path is not None:
            document["path"] = self.path
        if self.keyword is not None:
            document["keyword"] = self.keyword
        return document
