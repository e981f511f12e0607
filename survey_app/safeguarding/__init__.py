"""Safeguarding: screening pupils' words, alerts, triage and comment review."""
