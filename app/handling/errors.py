"""Conflicts specific to returns and extensions; each names the rule and what to do instead."""

from ..core.errors import Conflict


class NotReturnable(Conflict):
    code = "not_returnable"

    def __init__(self, task_id):
        super().__init__(f"task {task_id} cannot be returned: only the lead department's reply task can be returned")
        self.task_id = task_id


class ReturnWindowClosed(Conflict):
    code = "return_window_closed"

    def __init__(self, task_id, deadline):
        when = deadline.isoformat() if deadline else "unknown"
        super().__init__(f"the return window of task {task_id} closed at {when}; reply to the appeal or request an extension")
        self.task_id = task_id
        self.params = {"deadline": deadline}


class NotExtendable(Conflict):
    code = "not_extendable"

    def __init__(self, task_id):
        super().__init__(f"task {task_id} has no running reply clock, so no extension can be requested for it")
        self.task_id = task_id


class ExtensionAfterDeadline(Conflict):
    code = "extension_after_deadline"

    def __init__(self, task_id, deadline):
        super().__init__(
            f"the reply deadline of task {task_id} passed at {deadline.isoformat()}; "
            "extensions must be requested before the deadline, so reply now and explain the delay"
        )
        self.task_id = task_id
        self.params = {"deadline": deadline}


class ExtensionPending(Conflict):
    code = "extension_pending"

    def __init__(self, task_id):
        super().__init__(
            f"another extension request on the appeal of task {task_id} is waiting for the dispatcher; "
            "ask again after it is decided"
        )
        self.task_id = task_id
