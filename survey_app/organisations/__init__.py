"""Organisations: the LA, its schools and its provider register."""
