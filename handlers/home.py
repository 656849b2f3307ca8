"""A member's home (Slack's App Home tab), in their language: their profile, upcoming webinars with RSVP
buttons, peer matching, their feedback, language and tips; admins also see what waits for them.

Each section is a Reply (text and buttons); the sections reuse the features' own answers, so the home says
exactly what the commands say. The buttons are the features' own (RSVP, profile form...) plus a few here.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.model import Button, ButtonPressed, CommandInvoked, HomeOpened, Reply, Result
from bot.core.routes import Routes
from bot.services.container import Ctx
from bot.services.webinars import notify
from handlers import faq, faq_drafts, feedback, feedback_admin, peers
from handlers.core import language_buttons
from handlers.onboarding_steps import show_profile
from handlers.webinars import list_item

WEBINARS_SHOWN = 5
SNOOZE = timedelta(days=14)


async def home(ctx: Ctx, event: HomeOpened) -> list[Reply]:
    """The Home tab: intro, profile, webinars, matching, feedback, and the admins' part."""
    sections = [await intro(ctx), await profile(ctx), *await webinars(ctx), await matching(ctx), await mine(ctx)]
    if ctx.is_admin:
        sections += await for_admins(ctx)
    return sections


async def intro(ctx: Ctx) -> Reply:
    """The Home tab's greeting with the language buttons (and stop tips)."""
    buttons = language_buttons()
    if await ctx.services.welcome.tips_running(ctx.member.id):
        buttons += (Button(ctx.t("home.stop_tips"), "welcome.stop"),)
    return Reply(ctx.t("home.intro", name=ctx.member.display_name, community=ctx.services.settings.community_name),
                 buttons=buttons)


async def profile(ctx: Ctx) -> Reply:
    """The member's profile with edit buttons."""
    buttons = (Button(ctx.t("home.edit_profile"), "profile.form", "main", style="primary"),
               Button(ctx.t("profile.button.steps"), "onb.start", "role"))
    return Reply(ctx.t("home.profile_title") + "\n" + await show_profile(ctx), buttons=buttons)


async def webinars(ctx: Ctx) -> list[Reply]:
    """The next webinars, each with the member's answer and the Going / Maybe / Not going buttons."""
    upcoming = await ctx.services.webinars.upcoming(ctx.member.id, ctx.now)
    if not upcoming:
        return [Reply(ctx.t("home.webinars_title") + "\n" + ctx.t("webinars.list_empty"))]
    sections = [Reply(ctx.t("home.webinars_title"))]
    sections += [Reply(list_item(ctx, item), buttons=notify.rsvp_buttons(ctx.services, item.webinar.id, [ctx.locale]))
                 for item in upcoming[:WEBINARS_SHOWN]]
    return sections


async def matching(ctx: Ctx) -> Reply:
    """Peer-matching status with join, or pause and leave buttons."""
    status = await peers.status(ctx, "")  # also enrols members who consented during onboarding
    taking_part = await ctx.services.peers.taking_part(ctx.member.id)
    buttons = ((Button(ctx.t("home.peers_snooze"), "home.peers", "snooze"),
                Button(ctx.t("home.peers_leave"), "home.peers", "leave", style="danger"))
               if taking_part else (Button(ctx.t("home.peers_join"), "home.peers", "join", style="primary"),))
    return Reply(ctx.t("home.peers_title") + "\n" + status.text, buttons=buttons)


async def mine(ctx: Ctx) -> Reply:
    """The member's feedback items with a new-feedback button."""
    items = await feedback.mine(ctx, "")
    buttons = (Button(ctx.t("home.new_feedback"), "home.feedback", "new"),)
    return Reply(ctx.t("home.feedback_title") + "\n" + items.text, buttons=buttons)


async def for_admins(ctx: Ctx) -> list[Reply]:
    """Feedback waiting for triage, FAQ drafts and gaps, and when each scheduled job next runs."""
    waiting = await feedback_admin.list_items(ctx, "new")
    drafts = await faq_drafts.list_drafts(ctx)
    gaps = await faq.show_gaps(ctx)
    jobs = [ctx.t("home.job_line", job=job.name, when=ctx.when(due) if due else ctx.t("home.job_idle"))
            for job in ctx.routes.jobs for due in [await job.next_due(ctx.services, ctx.now)]]
    return [Reply(ctx.t("home.admin_title")), Reply(waiting.text), Reply(drafts.text, buttons=drafts.buttons),
            Reply(gaps.text), Reply(ctx.t("home.jobs_title") + "\n" + "\n".join(jobs))]


async def peers_button(ctx: Ctx, event: ButtonPressed) -> Result:
    """Join (the join form or what is missing), snooze two weeks, or leave peer matching."""
    if event.value == "join":
        return await peers.peers_command(ctx, CommandInvoked(ctx.actor, "peers", "join"))
    if event.value == "snooze":
        until = (ctx.now + SNOOZE).date().isoformat()
        return await peers.snooze(ctx, f"until {until}")
    if event.value == "leave":
        return await peers.leave(ctx, "")
    return ctx.reply("errors.stale_button")


async def feedback_button(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Home's new-feedback button: pick a module."""
    return feedback.module_picker(ctx)


ROUTES = Routes(
    buttons={"home.peers": peers_button, "home.feedback": feedback_button},
    home=(home,),
)
