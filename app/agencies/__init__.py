"""Agencies (the tree of public bodies) and administrative units."""
