"""The profile feature."""
