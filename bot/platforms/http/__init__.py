"""The process's one HTTP server (aiohttp): Slack HTTP mode, the admin dashboard, calendar feeds, health."""

from bot.platforms.http.server import WebServer

__all__ = ["WebServer"]
