"""The digest's charts: PNG images drawn by matplotlib (Agg, no display), labelled in the digest's language.

Figures are built with matplotlib's object API (no pyplot), so nothing global is shared between charts,
threads or processes. A section with nothing to show draws no chart; its summary line says so.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn: it costs about a second at every start
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from bot.services.digest import FAQ_DECISIONS, FEEDBACK_STEPS, ONBOARDING
from bot.services.digest.text import DigestWriter

COLOURS = ("#2b6cb0", "#38a169", "#dd6b20", "#718096")
BARS_LIMIT = 12  # categories on one axis; the rest are left out (the text names the others)


@dataclass(frozen=True)
class Chart:
    """A digest chart as PNG."""

    name: str  # file name, e.g. "members.png"
    caption: str
    png: bytes


def plain(text: str) -> str:
    """Text shown as typed: matplotlib reads $…$ as mathematics."""
    return text.replace("$", r"\$")


def short(label: str, limit: int = 34) -> str:
    """An axis label that fits the left margin."""
    return plain(label if len(label) <= limit else label[: limit - 1] + "…")


def _png(figure: Figure) -> bytes:
    """Fixed margins in inches (matplotlib's layout engines cost more than the drawing itself)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    height = figure.get_figheight()
    top, bottom = 1 - 0.4 / height, 0.55 / height
    rows = len(figure.axes)
    figure.subplots_adjust(left=0.33, right=0.95, top=top, bottom=bottom,
                           hspace=0.8 * rows / max(height * (top - bottom), 0.1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})  # the layout is constrained
    return buffer.getvalue()


def _barh(ax: Axes, labels: list[str], counts: list[int], title: str, colour: str = COLOURS[0]) -> None:
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(labels)))[::-1]  # the first label on top
    ax.barh(positions, counts, color=colour)
    ax.set_yticks(positions, [short(label) for label in labels])
    ax.set_title(plain(title))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for y, count in zip(positions, counts, strict=True):
        ax.annotate(str(count), (count, y), xytext=(3, 0), textcoords="offset points", va="center")


def _grouped(ax: Axes, labels: list[str], series: dict[str, list[float]], title: str) -> None:
    """Horizontal bars, one colour per series (e.g. filed / triaged / done per module)."""
    from matplotlib.ticker import MaxNLocator

    height = 0.8 / max(len(series), 1)
    base = list(range(len(labels)))[::-1]
    for i, (name, values) in enumerate(series.items()):
        ax.barh([y + (len(series) / 2 - i - 0.5) * height for y in base], values, height=height,
                color=COLOURS[i % len(COLOURS)], label=plain(name))
    ax.set_yticks(base, [short(label) for label in labels])
    ax.set_title(plain(title))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower right", fontsize="small")


class ChartMaker:
    """Draws every chart of one digest with the writer's labels."""

    def __init__(self, writer: DigestWriter) -> None:
        self.w = writer
        self.d = writer.digest

    def all(self) -> list[Chart]:
        """Every chart that has something to show."""
        makers: list[Callable[[], Chart | None]] = [self.members, self.onboarding, self.faq, self.webinars,
                                                    self.peers, self.feedback]
        return [chart for make in makers if (chart := make()) is not None]

    def _figure(self, rows: int, height: float) -> Figure:
        from matplotlib.figure import Figure

        figure = Figure(figsize=(8, max(height, 2.2)))
        figure.subplots(rows, 1) if rows > 1 else figure.add_subplot()
        return figure

    def members(self) -> Chart | None:
        """New members by country and by language."""
        if not self.d.new_members:
            return None
        countries = self.d.by_country.most_common(BARS_LIMIT)
        languages = self.d.by_language.most_common(BARS_LIMIT)
        figure = self._figure(2, 1.5 + 0.35 * (len(countries) + len(languages)))
        top, bottom = figure.axes
        _barh(top, [self.w.country(c) for c, _ in countries], [n for _, n in countries],
              self.w.t("digest.chart.by_country"))
        _barh(bottom, [self.w.language(c) for c, _ in languages], [n for _, n in languages],
              self.w.t("digest.chart.by_language"), COLOURS[1])
        return Chart("members.png", self.w.t("digest.chart.members"), _png(figure))

    def onboarding(self) -> Chart | None:
        """Newcomers who completed, are on or stalled in onboarding."""
        counts = self.d.onboarding
        if not sum(counts.values()):
            return None
        figure = self._figure(1, 2.2)
        _barh(figure.axes[0], [self.w.t(f"digest.onboarding.{k}") for k in ONBOARDING],
              [counts[k] for k in ONBOARDING], self.w.t("digest.chart.onboarding"))
        return Chart("onboarding.png", self.w.t("digest.chart.onboarding"), _png(figure))

    def faq(self) -> Chart | None:
        """FAQ questions answered, given suggestions, or left unanswered."""
        if not sum(self.d.faq.values()):
            return None
        figure = self._figure(1, 2.2)
        _barh(figure.axes[0], [self.w.t(f"digest.faq.{k}") for k in FAQ_DECISIONS],
              [self.d.faq[k] for k in FAQ_DECISIONS], self.w.t("digest.chart.faq"), COLOURS[2])
        return Chart("faq.png", self.w.t("digest.chart.faq"), _png(figure))

    def webinars(self) -> Chart | None:
        """RSVP answers per webinar."""
        webinars = self.d.webinars[:BARS_LIMIT]
        if not webinars:
            return None
        answers = ("going", "maybe", "no")
        series = {self.w.t(f"webinars.answer_{a}"): [float(x.answers.get(a, 0)) for x in webinars] for a in answers}
        figure = self._figure(1, 1.5 + 0.5 * len(webinars))
        title = self.w.t("digest.chart.webinars", reminders=self.d.reminders_sent)
        _grouped(figure.axes[0], [x.title[:40] for x in webinars], series, title)
        return Chart("webinars.png", title, _png(figure))

    def peers(self) -> Chart | None:
        """Groups and meetings per peer round."""
        rounds = self.d.rounds[-BARS_LIMIT:]
        if not rounds:
            return None
        figure = self._figure(1, 1.5 + 0.4 * len(rounds))
        ax = figure.axes[0]
        labels = [self.w.t("digest.chart.round", id=r.id, count=r.groups) for r in rounds]
        _barh(ax, labels, [round(100 * (r.meeting_rate or 0)) for r in rounds], self.w.t("digest.chart.peers"),
              COLOURS[1])
        ax.set_xlim(0, 110)
        ax.set_xlabel(plain(self.w.t("digest.chart.rate_axis")))
        return Chart("peers.png", self.w.t("digest.chart.peers"), _png(figure))

    def feedback(self) -> Chart | None:
        """Feedback items per module and per scope."""
        by_module = self.d.feedback_by_module
        if not by_module:
            return None
        modules = sorted(by_module, key=lambda m: -sum(by_module[m].values()))[:BARS_LIMIT]
        scopes = sorted(self.d.feedback_by_scope)
        figure = self._figure(2, 2.5 + 0.45 * (len(modules) + len(scopes)))
        top, bottom = figure.axes
        steps = {self.w.t(f"digest.feedback.{s}"): s for s in FEEDBACK_STEPS}
        _grouped(top, [self.w.module(m) for m in modules],
                 {label: [float(by_module[m][s]) for m in modules] for label, s in steps.items()},
                 self.w.t("digest.chart.feedback_modules"))
        _grouped(bottom, [self.w.scope(s) for s in scopes],
                 {label: [float(self.d.feedback_by_scope[sc][s]) for sc in scopes] for label, s in steps.items()},
                 self.w.t("digest.chart.feedback_scopes"))
        return Chart("feedback.png", self.w.t("digest.chart.feedback"), _png(figure))
