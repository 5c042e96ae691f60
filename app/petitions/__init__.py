"""Petitions (đơn): intake, the petitioners, attachments, tracking codes, and (later) triage."""
