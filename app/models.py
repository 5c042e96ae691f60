"""Import every model so that the metadata (and so Alembic) sees all tables."""
from app.agencies.models import AdminUnit, Agency  # noqa: F401
from app.audit.models import AuditEntry, Event, IdentityAccess  # noqa: F401
from app.auth.models import RecoveryCode, User  # noqa: F401
from app.api.models import ApiToken  # noqa: F401
from app.cases.models import Case, CaseExtension, CasePause  # noqa: F401
from app.cases.urge_models import CaseUrge  # noqa: F401
from app.calendar.models import CalendarOverride, DeadlineRule  # noqa: F401
from app.petitions.models import (  # noqa: F401
    Attachment,
    ContentCategory,
    Petition,
    Petitioner,
    ProtectedIdentity,
    StagedUpload,
)
from app.counters import Counter  # noqa: F401
from app.documents.models import IssuedDocument  # noqa: F401
from app.notifications.models import OutboxMessage  # noqa: F401
from app.reception.models import (  # noqa: F401
    OnlineRequest,
    OnlineSlot,
    Person,
    ReceptionDutyRule,
    ReceptionSession,
    Visit,
    VisitVisitor,
)
from app.oversight.models import Directive, DirectiveNote  # noqa: F401
from app.inspections.models import Inspection, InspectionFollowUp, InspectionRecovery  # noqa: F401
from app.imports.models import ImportBatch, ImportedRow  # noqa: F401
from app.retention.models import DestructionItem, DestructionRequest  # noqa: F401
