"""The snapshot model and its I/O: no knowledge of planning."""
