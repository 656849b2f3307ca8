"""Every feature's routes, listed explicitly."""

from bot.core.routes import Routes, merge
from handlers import (
    core,
    dashboard,
    digest,
    faq,
    faq_drafts,
    feedback,
    home,
    message_actions,
    peers,
    privacy,
    profile,
    webinars,
    welcome,
)


def all_routes() -> Routes:
    """Every feature's routes merged, the FAQ's catch-all message route last."""
    # faq last: its message route answers every DM and mention the other features leave alone
    return merge(core.ROUTES, webinars.ROUTES, welcome.ROUTES, profile.ROUTES, privacy.ROUTES, peers.ROUTES,
                 feedback.ROUTES, digest.ROUTES, dashboard.ROUTES, faq.ROUTES, faq_drafts.ROUTES,
                 message_actions.ROUTES, home.ROUTES)
