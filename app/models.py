"""Import every model module so Alembic and create_app see all tables."""

from .appeals.models import Appeal, AppealCounter, Category, IdempotencyRecord  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .orgs.models import OrgUnit, RoutingRule, User  # noqa: F401
from .processes.models import PendingMessage, ProcessVersion, WorkflowError, WorkflowInstance  # noqa: F401
from .tasks.models import HumanTask  # noqa: F401
from .sla.models import CalendarOverride, CalendarRevision, CalendarYear, SlaAlert, SlaClock  # noqa: F401
from .handling.models import DispatchedUnit, ExtensionRequest, ReturnRequest  # noqa: F401
from .designer.models import ProcessDraft  # noqa: F401
