"""Time: the working-day calendar and the deadline rules (the law as data)."""
