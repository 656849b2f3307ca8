"""Measurements (run from the repository root: python -m bench.<name>); each module exposes `run() -> dict`."""
