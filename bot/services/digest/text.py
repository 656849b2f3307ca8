"""The digest in words: a short chat summary and the Markdown file, in the reader's language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from babel.numbers import format_percent

from bot.core import values
from bot.core.i18n import Catalogs, spell_day, zone
from bot.services.digest import UNKNOWN, Digest, RoundStats
from bot.services.feedback import excerpt
from bot.services.feedback.service import FeedbackService
from bot.services.feedback.votes import scope_label

LIST_LIMIT = 6  # countries or modules named in one line; the rest are "others"


class DigestWriter:
    """Words for one digest in one language; `names` adds the stalled newcomers' names (admins only)."""

    def __init__(self, catalogs: Catalogs, locale: str, digest: Digest, feedback: FeedbackService,
                 names: bool = False, tz: str = "UTC") -> None:
        self.catalogs, self.locale, self.digest = catalogs, locale, digest
        self.feedback, self.names, self.tz = feedback, names, tz

    def t(self, key: str, /, **kw: object) -> str:
        """Message `key` in the digest's language."""
        return self.catalogs.t(self.locale, key, **kw)

    # ---- labels shared with the charts ---------------------------------------------------------

    def country(self, code: str) -> str:
        """A country's name in the digest's language."""
        return self.t("digest.unknown_country") if code == UNKNOWN else values.label("country", code, self.locale)

    def language(self, code: str) -> str:
        """A language's name in the digest's language."""
        return values.label("language", code, self.locale)

    def module(self, key: str) -> str:
        """A feedback module's label."""
        return self.feedback.module_label(self.catalogs, self.locale, key)

    def scope(self, key: str) -> str:
        """A feedback scope's label."""
        return scope_label(self.catalogs, self.locale, key)

    def rate(self, round_: RoundStats) -> str:
        """A round's meeting rate as a percentage, or "unknown"."""
        rate = round_.meeting_rate
        return self.t("digest.rate_unknown") if rate is None else format_percent(rate, locale=self.locale)

    def title(self) -> str:
        """The digest's title with its first and last day."""
        tz = zone(self.tz)
        first_day = self.digest.since.astimezone(tz).date()
        last_day = (self.digest.until - timedelta(seconds=1)).astimezone(tz).date()
        return self.t("digest.title", start=spell_day(first_day, self.locale), end=spell_day(last_day, self.locale))

    # ---- the summary -------------------------------------------------------------------------------

    def lines(self) -> list[str]:
        """One line per section (the chat summary; also the Markdown's paragraphs)."""
        return [*self.members_lines(), self.onboarding_line(), *self.faq_lines(), self.webinars_line(),
                self.peers_line(), *self.feedback_lines()]

    def summary(self) -> str:
        """The title and one bullet per line, as posted."""
        return "\n".join([self.title(), *(f"• {line}" for line in self.lines())])

    def members_lines(self) -> list[str]:
        """New members, by country and language."""
        d = self.digest
        if not d.new_members:
            return [self.t("digest.members_none")]
        return [self.t("digest.members", count=d.new_members, countries=self._counted(d.by_country, self.country),
                       languages=self._counted(d.by_language, self.language))]

    def onboarding_line(self) -> str:
        """Onboarding progress, with the stalled newcomers' names when shown."""
        counts = self.digest.onboarding
        line = self.t("digest.onboarding", completed=counts["completed"], in_progress=counts["in_progress"],
                      stalled=counts["stalled"])
        if self.names and self.digest.stalled_names:
            line += " " + self.t("digest.stalled_names", names=", ".join(self.digest.stalled_names))
        return line

    def faq_lines(self) -> list[str]:
        """FAQ decisions and the questions most often left unanswered."""
        faq = self.digest.faq
        lines = [self.t("digest.faq", answer=faq["answer"], suggest=faq["suggest"], none=faq["none"])]
        if self.digest.faq_gaps:
            gaps = self.t("digest.separator").join(self.t("digest.gap", question=excerpt(q, 50), times=n)
                                                   for q, n in self.digest.faq_gaps)
            lines.append(self.t("digest.faq_gaps", gaps=gaps))
        return lines

    def webinars_line(self) -> str:
        """RSVP answers and reminders sent."""
        answers: Counter[str] = Counter()
        for webinar in self.digest.webinars:
            answers.update(webinar.answers)
        return self.t("digest.webinars", count=sum(answers.values()), going=answers["going"], maybe=answers["maybe"],
                      no=answers["no"], reminders=self.digest.reminders_sent)

    def peers_line(self) -> str:
        """Peer rounds, their groups and how many met."""
        rounds = self.digest.rounds
        if not rounds:
            return self.t("digest.peers_none")
        total = RoundStats(0, rounds[0].started_at, sum(r.groups for r in rounds), sum(r.seats for r in rounds),
                           sum(r.answered for r in rounds), sum(r.met for r in rounds))
        return self.t("digest.peers", count=len(rounds), groups=self.t("text.count.groups", count=total.groups),
                      rate=self.rate(total), met=total.met, answered=total.answered)

    def feedback_lines(self) -> list[str]:
        """Feedback filed, triaged and done, by module."""
        d = self.digest
        lines = [self.t("digest.feedback", filed=d.feedback_total("filed"), triaged=d.feedback_total("triaged"),
                        done=d.feedback_total("done"))]
        if d.feedback_by_module:
            filed = Counter({m: c["filed"] for m, c in d.feedback_by_module.items() if c["filed"]})
            if filed:
                lines.append(self.t("digest.feedback_modules", modules=self._counted(filed, self.module)))
            scopes = Counter({s: c["filed"] for s, c in d.feedback_by_scope.items() if c["filed"]})
            if scopes:
                lines.append(self.t("digest.feedback_scopes", scopes=self._counted(scopes, self.scope)))
        if d.top_voted:
            items = self.t("digest.separator").join(
                self.t("digest.voted_item", ref=v.item.ref, summary=excerpt(v.item.description, 40), votes=v.votes,
                       countries=v.countries) for v in d.top_voted)
            lines.append(self.t("digest.top_voted", items=items))
        return lines

    def _counted(self, counts: Counter[str], label: Callable[[str], str]) -> str:
        ranked = counts.most_common()
        parts = [f"{label(key)} {count}" for key, count in ranked[:LIST_LIMIT]]
        rest = sum(count for _, count in ranked[LIST_LIMIT:])
        if rest:
            parts.append(self.t("digest.others", count=rest))
        return ", ".join(parts)

    # ---- Markdown --------------------------------------------------------------------------------

    def markdown(self, charts: list[tuple[str, str]]) -> str:
        """digest.md: the title, the summary lines, and the charts (file name, caption) as images."""
        out = [f"# {self.title()}", ""]
        out += [f"- {_md(line)}" for line in self.lines()]
        if charts:
            out += ["", f"## {self.t('digest.md_charts')}", ""]
            out += [f"![{_md(caption)}]({name})\n" for name, caption in charts]
        return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Member-written text (questions, feedback excerpts, names) kept literal in Markdown."""
    for char in "\\`*_[]<>#|!":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")
