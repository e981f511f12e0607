"""Running the service: the audit log, backups, data rights, demo data."""
