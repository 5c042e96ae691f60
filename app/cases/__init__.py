"""Cases (vụ việc): the matter being resolved. Opened when a petition is accepted."""
