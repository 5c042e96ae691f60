"""Notifications: an outbox table written in the caller's transaction, delivered by a worker.

`services.enqueue()` adds a message to the current transaction (a rolled-back request sends
nothing); `services.deliver()`, run by `flask outbox deliver`, claims due messages, sends them
by SMTP and records the outcome, with retries (a failed SMTP server loses nothing).
See docs/notifications.md.
"""
