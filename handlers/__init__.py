"""Every feature's routes, listed explicitly."""

from bot.core.routes import Routes, merge
from handlers import core, privacy, profile, webinars, welcome


def all_routes() -> Routes:
    return merge(core.ROUTES, webinars.ROUTES, welcome.ROUTES, profile.ROUTES, privacy.ROUTES)
