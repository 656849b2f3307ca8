"""The Discord door: discord.py client, application commands, persistent buttons, modals, outbox messenger."""

from bot.platforms.discord.door import run_door

__all__ = ["run_door"]
