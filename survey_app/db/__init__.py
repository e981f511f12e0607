"""The storage edge: the engine, the one transaction helper, tables and migrations."""
