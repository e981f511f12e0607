"""Providers' QA records: status, stage, rating, visits and actions."""
