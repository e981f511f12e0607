"""Reports for QA visits, commissioners and the area, read within scope."""
