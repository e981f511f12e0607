"""Staff accounts: users, passwords, second factor, sessions, roles and scoping."""
