"""Backups: one archive with the database dump, the stored files and a manifest (`flask backup`).

See app.backup.archive for the format and docs/reliability.md for how to run and test a restore.
"""
