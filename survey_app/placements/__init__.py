"""Placements: recording, importing, listing and ending them."""
