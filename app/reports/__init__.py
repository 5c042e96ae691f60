"""Reports: the official statistical forms, the narrative summary, charts and public statistics."""
