"""The weekly digest's schedule: a due job posting to BOT_DIGEST_CHANNEL once per weekly slot.

A slot is BOT_DIGEST_WEEKDAY at BOT_DIGEST_TIME in BOT_TIMEZONE. The last slot posted is kept in the kv table
in the same transaction as the outbox rows, whose keys name the slot: a restart, a second process or a
heartbeat that runs late posts each week once. After a long stop, only the latest missed slot is posted.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.core.clock import from_iso, to_iso
from bot.core.i18n import zone
from bot.core.model import Attachment, Destination, Reply
from bot.services.channel_posts import channel_locales, channel_text
from bot.services.digest import Digest, collect
from bot.services.digest.charts import Chart, ChartMaker
from bot.services.digest.text import DigestWriter
from bot.store import members as member_sql

if TYPE_CHECKING:
    from bot.services.container import Services

log = logging.getLogger(__name__)
LAST_SLOT_KEY = "digest.last_slot"
WEEK = timedelta(days=7)
# A channel the messengers take as it is when it is not a configured name: Slack's and Discord's channel ids.
CHANNEL_IDS = {"slack": re.compile(r"[CGD][A-Z0-9]{2,}"), "discord": re.compile(r"[0-9]+")}


def channel_known(services: Services, platform: str, channel: str) -> bool:
    """Whether `platform` can post to `channel`: a name in its SLACK_CHANNELS / DISCORD_CHANNELS, or a channel
    id; other doors (the console) post to any channel name."""
    settings = services.settings
    names = {"slack": settings.slack_channels, "discord": settings.discord_channels}.get(platform)
    pattern = CHANNEL_IDS.get(platform)
    return names is None or channel in names or bool(pattern and pattern.fullmatch(channel))


def latest_slot(services: Services, now: datetime) -> datetime:
    """The most recent weekly slot at or before `now` (wall-clock time in the community's zone)."""
    settings = services.settings
    tz = zone(settings.community_timezone)
    local = now.astimezone(tz)
    hour, minute = (int(x) for x in settings.digest_time.split(":"))
    day = local.date() - timedelta(days=(local.weekday() - settings.digest_weekday) % 7)
    slot = datetime.combine(day, time(hour, minute), tz)
    if slot > now:
        slot = datetime.combine(day - WEEK, time(hour, minute), tz)
    return slot.astimezone(now.tzinfo)


def slot_after(services: Services, slot: datetime) -> datetime:
    """The next week's slot, on the same wall-clock time (so a DST change keeps 08:00 at 08:00)."""
    tz = zone(services.settings.community_timezone)
    local = slot.astimezone(tz)
    return datetime.combine(local.date() + WEEK, local.time().replace(tzinfo=None), tz).astimezone(slot.tzinfo)


def render(services: Services, digest: Digest, locale: str, names: bool) -> tuple[DigestWriter, list[Chart]]:
    """The words and the charts (CPU work: call it in a thread)."""
    writer = DigestWriter(services.catalogs, locale, digest, services.feedback, names=names,
                          tz=services.settings.community_timezone)
    return writer, ChartMaker(writer).all()


def channel_replies(services: Services, digest: Digest, writer: DigestWriter, charts: list[Chart]) -> list[Reply]:
    """The channel post in the channel's languages (BOT_DEFAULT_LOCALE): the summary and each caption in each
    language, one after the other; the charts themselves are drawn once, in the first language."""
    locales = channel_locales(services.settings)
    writers = {writer.locale: writer} | {lc: DigestWriter(services.catalogs, lc, digest, services.feedback, names=False,
                                                          tz=services.settings.community_timezone)
                                         for lc in locales[1:]}

    def caption(chart: Chart, locale: str) -> str:
        if locale == writer.locale:
            return chart.caption
        return writers[locale].t(f"digest.chart.{chart.name.removesuffix('.png')}", reminders=digest.reminders_sent)

    return [Reply(channel_text(locales, lambda lc: writers[lc].summary())),
            *(Reply(channel_text(locales, lambda lc, c=chart: caption(c, lc)),  # type: ignore[misc]
                    file=Attachment(chart.name, chart.png, "image/png")) for chart in charts)]


def replies(writer: DigestWriter, charts: list[Chart], ephemeral: bool = False) -> list[Reply]:
    """The summary, then one image per chart with its caption."""
    return [Reply(writer.summary(), ephemeral=ephemeral),
            *(Reply(chart.caption, ephemeral=ephemeral, file=Attachment(chart.name, chart.png, "image/png"))
              for chart in charts)]


class DigestJob:
    """Posts the weekly digest to the digest channels."""

    name = "digest.weekly"

    def __init__(self) -> None:
        self.skipped: set[str] = set()  # platforms already logged as lacking the channel

    def platforms(self, services: Services, channel: str) -> list[str]:
        """The chat platforms to post the digest on: those where `channel` is configured. A platform without
        it is left out (rather than queueing a post bound to fail), and said once in the log."""
        platforms = services.outbox.channel_platforms(services.settings.configured_platforms)
        for platform in platforms:
            if not channel_known(services, platform, channel) and platform not in self.skipped:
                self.skipped.add(platform)
                log.warning("digest: no %s channel named %r is configured (BOT_DIGEST_CHANNEL, %s_CHANNELS); "
                            "the digest is not posted on %s", platform, channel, platform.upper(), platform)
        return [p for p in platforms if channel_known(services, p, channel)]

    async def run(self, services: Services, now: datetime) -> None:
        """Post the weekly digest and its charts when its slot has come."""
        due = await self.next_due(services, now)
        if due is None or due > now:
            return
        slot = latest_slot(services, now)
        digest = await collect(services, slot)
        locale = channel_locales(services.settings)[0]
        writer, charts = await asyncio.to_thread(render, services, digest, locale, False)
        channel = services.settings.digest_channel
        platforms = self.platforms(services, channel)
        async with services.store.transaction() as db:
            for platform in platforms:
                for n, reply in enumerate(channel_replies(services, digest, writer, charts)):
                    await services.outbox.enqueue(db, f"digest:{to_iso(slot)}:{platform}:{n}",
                                                  Destination.channel(platform, channel), reply)
            await member_sql.kv_set(db, LAST_SLOT_KEY, to_iso(slot))
        log.info("digest for the week to %s queued for %s on %s", to_iso(slot), channel, ", ".join(platforms) or "-")

    async def next_due(self, services: Services, now: datetime) -> datetime | None:
        """The next weekly slot (the first start only records the current one)."""
        async with services.store.transaction() as db:
            last = await member_sql.kv_get(db, LAST_SLOT_KEY)
            if last is None:  # first start: the week in progress is posted at its slot, nothing earlier
                last = to_iso(latest_slot(services, now))
                await member_sql.kv_set(db, LAST_SLOT_KEY, last)
        return slot_after(services, from_iso(last))
