"""What the service tells people by email, and the outbox that sends it."""
