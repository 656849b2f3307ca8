"""community-bot: a bilingual community bot for openIMIS on Slack, Discord and a console."""

__version__ = "0.1.0"
