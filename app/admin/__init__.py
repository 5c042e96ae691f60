"""Administration: users, agencies, content categories."""
