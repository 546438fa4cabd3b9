"""Designer exceptions, named after the condition; the API error handlers turn them into responses."""

from ..core.errors import Conflict, InvalidInput, NotFound


class ProcessRejected(InvalidInput):
    """A process model failed validation; ``problems`` lists every reason, and nothing was stored."""

    code = "process_invalid"

    def __init__(self, problems):
        super().__init__(f"found {len(problems)} problem(s); nothing was stored")
        self.problems = problems


class ProcessNotFound(NotFound):
    code = "process_not_found"

    def __init__(self, process_id):
        super().__init__(f"process {process_id} has no draft and no deployed version")
        self.process_id = process_id


class VersionNotFound(NotFound):
    code = "version_not_found"

    def __init__(self, process_id, version):
        super().__init__(f"process {process_id} has no version {version}")


class ProcessExists(Conflict):
    code = "process_exists"

    def __init__(self, process_id):
        super().__init__(f"process {process_id} already exists; open it instead of creating it")


class DraftMissing(Conflict):
    code = "draft_missing"

    def __init__(self, process_id):
        super().__init__(f"process {process_id} has no draft to deploy; save a draft first")


class DraftChanged(Conflict):
    code = "draft_changed"

    def __init__(self, process_id):
        super().__init__(f"the draft of process {process_id} changed while it was being deployed; deploy again")
