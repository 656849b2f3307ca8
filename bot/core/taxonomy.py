"""Shared vocabularies: implementation stages, roles, spoken languages (message ids are `taxonomy.*`)."""

from __future__ import annotations

STAGES = ("exploration", "design", "adaptation", "pilot", "scale-up", "operations")
NOT_IMPLEMENTING = "not-implementing"
ROLES = ("implementer", "developer", "policy-maker", "academic", "other")


def stage_index(stage: str | None) -> int | None:
    """Position of a stage in the implementation sequence (None when unknown or not implementing)."""
    return STAGES.index(stage) if stage in STAGES else None


def stage_key(stage: str) -> str:
    """Message id of a stage's name, e.g. taxonomy.stage.pilot."""
    return f"taxonomy.stage.{stage}"


def role_key(role: str) -> str:
    """The message id of `role`'s label."""
    return f"taxonomy.role.{role}"
