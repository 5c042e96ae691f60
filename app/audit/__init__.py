"""The event log: every state change, who, when, from, to, note, and whether the citizen sees it."""
