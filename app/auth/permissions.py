"""One Permission enum (`scope:resource:action`) and one role → permission map.

Object-level checks come on top: a user acts within their agency; a supervisor reads the
agency's subtree. Admins manage users, agencies and rules but never see a denunciator.
"""
from __future__ import annotations

import enum


class Role(str, enum.Enum):
    """Staff roles (DESIGN.md §5)."""

    RECEPTIONIST = "receptionist"
    HANDLER = "handler"
    LEADER = "leader"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Permission(str, enum.Enum):
    """What a role may do, named scope:resource:action."""

    PETITION_READ = "agency:petition:read"
    PETITION_REGISTER = "agency:petition:register"
    PETITION_TRIAGE = "agency:petition:triage"
    PETITION_APPROVE = "agency:petition:approve"
    PETITION_ATTACHMENT_READ = "agency:attachment:read"
    IDENTITY_REVEAL = "agency:identity:reveal"
    SUBTREE_READ = "subtree:petition:read"
    SUBTREE_URGE = "subtree:petition:urge"
    VISIT_READ = "agency:visit:read"
    VISIT_LOG = "agency:visit:log"
    SESSION_MANAGE = "agency:session:manage"
    ONLINE_MANAGE = "agency:online:manage"
    CASE_READ = "agency:case:read"
    CASE_WORK = "agency:case:work"
    CASE_APPROVE = "agency:case:approve"
    DIRECTIVE_READ = "agency:directive:read"
    DIRECTIVE_WORK = "agency:directive:work"  # progress notes, mark done
    DIRECTIVE_MANAGE = "agency:directive:manage"  # assign, change, delete
    INSPECTION_READ = "agency:inspection:read"
    INSPECTION_MANAGE = "agency:inspection:manage"
    REPORT_READ = "agency:report:read"
    IMPORT_RUN = "agency:import:run"
    CALENDAR_READ = "site:calendar:read"
    CALENDAR_MANAGE = "site:calendar:manage"
    USER_MANAGE = "site:user:manage"
    AGENCY_MANAGE = "site:agency:manage"
    CATEGORY_MANAGE = "site:category:manage"
    AUDIT_READ = "site:audit:read"  # the audit log (docs/audit.md): who did what, never what citizens wrote


_DESK = {Permission.VISIT_READ, Permission.VISIT_LOG, Permission.ONLINE_MANAGE}
_HANDLER = {
    Permission.PETITION_READ, Permission.PETITION_REGISTER, Permission.PETITION_TRIAGE,
    Permission.PETITION_ATTACHMENT_READ, Permission.CALENDAR_READ, Permission.CASE_READ, Permission.CASE_WORK,
    Permission.DIRECTIVE_READ, Permission.DIRECTIVE_WORK, Permission.INSPECTION_READ, Permission.INSPECTION_MANAGE,
} | _DESK

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.RECEPTIONIST: frozenset({Permission.PETITION_READ, Permission.PETITION_REGISTER,
                                  Permission.PETITION_ATTACHMENT_READ, Permission.CALENDAR_READ,
                                  Permission.SESSION_MANAGE} | _DESK),
    Role.HANDLER: frozenset(_HANDLER),
    Role.LEADER: frozenset(_HANDLER | {Permission.PETITION_APPROVE, Permission.IDENTITY_REVEAL,
                                       Permission.SESSION_MANAGE, Permission.CASE_APPROVE,
                                       Permission.DIRECTIVE_MANAGE, Permission.REPORT_READ, Permission.IMPORT_RUN}),
    Role.SUPERVISOR: frozenset({Permission.PETITION_READ, Permission.SUBTREE_READ, Permission.SUBTREE_URGE,
                                Permission.CALENDAR_READ, Permission.VISIT_READ, Permission.CASE_READ,
                                Permission.DIRECTIVE_READ, Permission.INSPECTION_READ, Permission.REPORT_READ}),
    Role.ADMIN: frozenset({Permission.USER_MANAGE, Permission.AGENCY_MANAGE, Permission.CATEGORY_MANAGE,
                           Permission.CALENDAR_MANAGE, Permission.CALENDAR_READ, Permission.AUDIT_READ}),
}


def role_has(role: str, permission: Permission) -> bool:
    """Whether a role carries a permission."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
