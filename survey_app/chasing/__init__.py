"""Chasing, so nobody has to: reminders, digests, the chasing list and QR slips."""
