"""Staff accounts, roles and permissions, agency scope, sign-in and sessions."""
