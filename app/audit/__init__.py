"""What happened and who did it.

- `Event` rows: every state change of a record (who, when, from, to, note, public or not) — the
  record's history, shown on its page and, the public ones, to the citizen.
- `IdentityAccess` rows: every reveal of a protected denunciator (Luật Tố cáo Đ.56).
- `AuditEntry` rows (`audit_log`): the append-only, hash-chained security log of sign-ins,
  denials, reveals, exports and downloads, account changes and every workflow transition,
  checked by `flask audit verify` and read at /staff/admin/audit (docs/audit.md).
"""
