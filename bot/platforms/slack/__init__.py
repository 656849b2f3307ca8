"""The Slack door (slack-bolt): route-driven listeners, Block Kit rendering, modals, outbox messenger."""

from bot.platforms.slack.door import SlackDoor, run_door

__all__ = ["SlackDoor", "run_door"]
