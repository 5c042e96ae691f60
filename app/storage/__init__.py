"""File storage outside the web root, and the checks every upload goes through."""
