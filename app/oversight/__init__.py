"""Oversight pages: cases at risk of escalation, and urging overdue cases (đôn đốc)."""
