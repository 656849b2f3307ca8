"""Every feature's routes, listed explicitly."""

from bot.core.routes import Routes, merge
from handlers import core, webinars


def all_routes() -> Routes:
    return merge(core.ROUTES, webinars.ROUTES)
