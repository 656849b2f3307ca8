"""The console door: reads lines, turns them into neutral events, prints what the bot says."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.core.clock import SimClock, from_iso, to_iso
from bot.core.model import (
    Actor,
    Attachment,
    Button,
    ButtonPressed,
    CommandInvoked,
    Destination,
    Event,
    Form,
    FormErrors,
    FormSubmitted,
    MemberJoined,
    MessageReceived,
    Reply,
    Result,
)
from bot.core.ports import StorageUnavailable
from bot.core.text import inert, plain
from bot.platforms.console.files import save_attachment
from bot.platforms.console.forms import AnswerError, FormFilling
from bot.platforms.console.render import render_field, render_form_title, render_reply
from bot.platforms.console.transcript import Transcript
from bot.services import field_checks

log = logging.getLogger(__name__)
PLATFORM = "console"
CLOCK_KEY = "console.clock"
DURATION = re.compile(r"(\d+)\s*([wdhms])")
CANCEL_WORDS = frozenset({"cancel", "annuler"})  # :cancel, and /cancel while a form is open or set aside
META_HELP = ("[console] meta commands: :as NAME, :join NAME [en|fr], :admin NAME, :click N, :advance 3d4h, :now, "
             ":messages, :reply N TEXT, :action N NAME, :cancel, :resume (a form set aside), :quit")
UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta | None:
    """'3d4h' -> 3 days 4 hours; None if the text is not a duration."""
    compact = text.replace(" ", "").lower()
    parts = DURATION.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        return None
    return sum((timedelta(**{UNITS[u]: int(n)}) for n, u in parts), timedelta())


class ConsoleMessenger:
    """Delivers outbox messages by printing them."""

    platform = PLATFORM

    def __init__(self, door: ConsoleDoor) -> None:
        self.door = door

    async def send(self, dest: Destination, reply: Reply, key: str) -> str | None:
        """Print it; a printed line cannot be changed afterwards, so the console keeps no reference to edit."""
        where = {"dm": "DM", "channel": "#", "group": "group"}[dest.kind]
        label = f"#{dest.target}" if dest.kind == "channel" else f"{where} {dest.target.replace(',', ', ')}"
        self.door.show(label, reply, visible_to=None if dest.kind == "channel" else dest.target.split(","))
        return None


class ConsoleDoor:
    """The bot in a terminal: lines typed are events, replies are printed."""

    def __init__(self, app: App, clock: SimClock, out: TextIO, user: str, lang: str | None,
                 files: Path | None = None) -> None:
        self.app = app
        self.files = files if files is not None else Path(app.services.settings.console_files)
        self.clock = clock
        self.out = out
        self.user = user.strip().lower() or "you"
        self.langs: dict[str, str | None] = {self.user: lang}
        self.buttons: dict[str, tuple[int, tuple[Button, ...]]] = {}  # recipient -> (seq, buttons)
        self.seq = 0
        self.form: FormFilling | None = None
        self.set_aside: dict[str, FormFilling] = {}  # member -> the form a / or : line left, kept to resume
        self.quitting = False
        self.locales: dict[str, str] = {}
        self.transcript = Transcript()
        app.services.outbox.register(ConsoleMessenger(self))

    # ---- output ---------------------------------------------------------------------------

    def say(self, line: str) -> None:
        """Print one line."""
        print(line, file=self.out, flush=True)

    def show(self, where: str, reply: Reply, visible_to: Iterable[str] | None) -> None:
        """Print a reply (its file saved, its buttons numbered) and keep it in the transcript."""
        for line in render_reply(where, reply):
            self.say(line)
        self.transcript.add(where, "", plain(reply.text))
        if reply.file is not None:
            self.say("  " + self.saved_file_line(reply.file))
        if reply.buttons:
            self.seq += 1
            for who in visible_to if visible_to is not None else ["#"]:
                self.buttons[who] = (self.seq, reply.buttons)

    def saved_file_line(self, file: Attachment) -> str:
        """Write an attached file into the files folder and say where it is (or that it could not be)."""
        try:
            path = save_attachment(self.files, file)
        except OSError as exc:
            log.warning("console: could not save %s in %s: %s", file.filename, self.files, exc)
            return self.t("console.file_not_saved", filename=file.filename, folder=str(self.files))
        return self.t("console.file_saved", filename=file.filename, size=len(file.content), path=str(path))

    def t(self, key: str, **values: object) -> str:
        """A console message in the acting member's language (as last read from the database)."""
        locale = self.locales.get(self.user) or self.app.services.settings.default_locale
        return self.app.services.catalogs.t(locale, key, **values)

    async def refresh_locale(self) -> None:
        """The acting member's language as the dispatcher resolves it (their choice, else the language they
        joined with, kept in the database across restarts)."""
        self.locales[self.user] = await self.app.dispatcher.locale_for(self.actor())

    # ---- the clock --------------------------------------------------------------------------

    async def restore_clock(self) -> None:
        """A console restarted on the same database continues at the simulated time it had reached."""
        saved = await self.app.door_state.recall(CLOCK_KEY)
        if saved:
            self.clock.set(from_iso(saved))

    async def save_clock(self) -> None:
        """Remember the simulated time for the next session."""
        await self.app.door_state.remember(CLOCK_KEY, to_iso(self.clock.now()))

    # ---- input ------------------------------------------------------------------------------

    def actor(self, name: str | None = None) -> Actor:
        """The console member `name` (default: the current user)."""
        who = name or self.user
        return Actor(PLATFORM, who, who, platform_locale=self.langs.get(who))

    async def handle_line(self, line: str) -> None:
        """One line of input: a meta command, a form answer, a slash command or a message."""
        line = line.rstrip("\n")
        if not line.strip() and self.form is None:
            return
        try:
            await self.refresh_locale()
            await self._handle(line)
            await self.app.heartbeat.tick()
            await self.save_clock()
        except StorageUnavailable:
            log.exception("database unavailable in the console")
            self.say(f"[DM {self.user}] {self.t('errors.storage')}")

    async def _handle(self, line: str) -> None:
        command = line.strip()
        if command[:1] in ("/", ":") and command[1:].strip().lower() in CANCEL_WORDS:
            self.cancel_form()
        elif command[:1] in ("/", ":"):
            self.leave_form()
            if command.startswith(":"):
                await self.meta(command[1:].strip())
            else:
                name, _, args = command[1:].partition(" ")
                await self.dispatch(CommandInvoked(self.actor(), name.lower(), args.strip()))
        elif self.form is not None:
            await self.answer_form(line)
        else:
            self.transcript.add(f"DM {self.user}", self.user, line)
            await self.dispatch(MessageReceived(self.actor(), line))

    async def dispatch(self, event: Event) -> None:
        """Handle an event and show its result."""
        result = await self.app.dispatcher.handle(event)
        await self.refresh_locale()
        self.show_result(result)

    def show_result(self, result: Result) -> None:
        """Show a handler's result: a form opened, its errors, or replies."""
        where = f"DM {self.user}"
        if isinstance(result, Form):
            self.open_form(FormFilling(result))
        elif isinstance(result, FormErrors):
            self.show_form_errors(result)
        elif isinstance(result, Reply):
            self.show(where, result, [self.user])
        elif isinstance(result, list):
            for reply in result:
                self.show(where, reply, [self.user])

    # ---- forms ------------------------------------------------------------------------------

    def open_form(self, filling: FormFilling) -> None:
        """Start filling a form (one set aside before is dropped, with a note)."""
        dropped = self.set_aside.pop(self.user, None)
        if dropped is not None:
            self.say(f"[DM {self.user}] {self.t('console.form_replaced', title=dropped.form.title)}")
        self.form = filling
        self.say(render_form_title(f"DM {self.user}", filling.form))
        self.say(f"  {self.t('console.form_how_to_leave')}")
        self.prompt_field()

    def leave_form(self) -> None:
        """A / or : line while a form is open: the form is set aside with its answers, to resume later."""
        if self.form is None:
            return
        self.set_aside[self.user], self.form = self.form, None
        self.say(f"[DM {self.user}] {self.t('console.form_set_aside', title=self.set_aside[self.user].form.title)}")

    def cancel_form(self) -> None:
        """:cancel (or /cancel): drop the open form, else the one set aside."""
        if self.form is None and self.set_aside.pop(self.user, None) is None:
            self.say(f"[DM {self.user}] {self.t('console.no_form')}")
            return
        self.form = None
        self.say(f"[DM {self.user}] {self.t('console.form_cancelled')}")

    def prompt_field(self) -> None:
        """Show the current form field."""
        assert self.form is not None
        spec = self.form.current()
        if spec is not None:
            yes_no = (self.t("console.yes"), self.t("console.no"))
            for line in render_field(spec, self.t("console.form_skip"), self.t("console.form_required"), yes_no):
                self.say(line)

    def field_problem(self, line: str) -> str | None:
        """What is wrong with this answer to the current field (checked now, not when the form is sent)."""
        assert self.form is not None
        spec = self.form.current()
        locale = self.locales.get(self.user) or self.app.services.settings.default_locale
        try:
            self.form.check(line)
        except AnswerError as exc:
            return self.t(exc.key, **exc.values)
        if spec is None or not spec.check:
            return None
        return field_checks.problem(spec.check, line, locale, self.clock.now(), self.app.services.catalogs)

    async def answer_form(self, line: str) -> None:
        """Take a line as the answer to the current field, or say why it does not fit."""
        assert self.form is not None
        problem = self.field_problem(line)
        if problem is not None:
            self.say(f"[DM {self.user}] {plain(problem)}")
        else:
            self.form.answer(line)
        if self.form.current() is not None:
            self.prompt_field()
            return
        filling, self.form = self.form, None
        event = FormSubmitted(self.actor(), filling.form.id, dict(filling.values), filling.form.state)
        result = await self.app.dispatcher.handle(event)
        if isinstance(result, FormErrors):
            self.form = FormFilling(filling.form, dict(filling.values), 0, tuple(result.errors))
        self.show_result(result)

    def show_form_errors(self, result: FormErrors) -> None:
        """Print each field's error, then ask the current field again."""
        for message in result.errors.values():
            self.say(f"[DM {self.user}] {plain(message)}")
        if self.form is not None:
            self.prompt_field()

    # ---- meta commands ----------------------------------------------------------------------

    async def meta(self, text: str) -> None:
        """Run a `:command` of the console itself (act as someone, click, advance the clock…)."""
        verb, _, rest = text.partition(" ")
        args = rest.split()
        handler = {
            "as": self.meta_as, "join": self.meta_join, "admin": self.meta_admin, "click": self.meta_click,
            "advance": self.meta_advance, "now": self.meta_now, "messages": self.meta_messages,
            "reply": lambda _: self.meta_reply(rest), "action": self.meta_action, "resume": self.meta_resume,
            "reprendre": self.meta_resume, "quit": self.meta_quit, "quitter": self.meta_quit, "exit": self.meta_quit,
        }.get(verb.lower())
        if handler is None:
            self.say(META_HELP)
            return
        await handler(args)

    async def meta_messages(self, args: list[str]) -> None:
        """`:messages`: the latest messages shown, numbered for :reply and :action."""
        shown = self.transcript.recent()
        self.say("[console] " + ("\n  ".join(m.line() for m in shown) if shown else "no messages yet"))

    async def meta_reply(self, rest: str) -> None:
        """`:reply N TEXT`: answer message N in its thread."""
        number, _, text = rest.strip().partition(" ")
        shown = self.transcript.reply(int(number), self.user, inert(text).strip()) if (
            number.isdigit() and text.strip()) else None
        self.say(f"[console] {shown.line()}" if shown else "[console] usage: :reply N TEXT (N from :messages)")

    async def meta_action(self, args: list[str]) -> None:
        """`:action N NAME`: run a message action (e.g. send as feedback) on message N."""
        names = ", ".join(a.name for a in self.app.routes.actions)
        event = self.transcript.action(self.actor(), int(args[0]), args[1]) if (
            len(args) == 2 and args[0].isdigit()) else None
        if event is None:
            self.say(f"[console] usage: :action N NAME (N from :messages; NAME one of {names})")
            return
        await self.dispatch(event)

    async def meta_quit(self, args: list[str]) -> None:
        """`:quit`: end the session."""
        self.quitting = True

    async def meta_resume(self, args: list[str]) -> None:
        """`:resume`: go back to the form set aside."""
        filling = self.set_aside.pop(self.user, None)
        if filling is None:
            self.say(f"[DM {self.user}] {self.t('console.no_form')}")
            return
        self.form = filling
        self.say(render_form_title(f"DM {self.user}", filling.form))
        self.prompt_field()

    async def meta_as(self, args: list[str]) -> None:
        """`:as NAME`: act as another member."""
        if not args:
            self.say("[console] usage: :as NAME")
            return
        self.user = args[0].lower()
        self.say(f"[console] acting as {self.user}")

    async def meta_join(self, args: list[str]) -> None:
        """`:join NAME [en|fr]`: a member joins the community, with a platform language."""
        if not args:
            self.say("[console] usage: :join NAME [en|fr]")
            return
        name = args[0].lower()
        self.langs[name] = args[1].lower() if len(args) > 1 else self.langs.get(name)
        self.say(f"[console] {name} joined the community")
        result = await self.app.dispatcher.handle(MemberJoined(self.actor(name)))
        previous, self.user = self.user, name
        self.show_result(result)
        self.user = previous

    async def meta_admin(self, args: list[str]) -> None:
        """`:admin NAME`: make a member an admin."""
        if not args:
            self.say("[console] usage: :admin NAME")
            return
        name = args[0].lower()
        await self.app.dispatcher.members.make_admin(self.actor(name), self.clock.now())
        self.say(f"[console] {name} is now an admin")

    async def meta_click(self, args: list[str]) -> None:
        """`:click N`: press button N of the latest message that has buttons."""
        candidates = [self.buttons[k] for k in (self.user, "#") if k in self.buttons]
        buttons = max(candidates, key=lambda item: item[0])[1] if candidates else ()
        number = int(args[0]) if args and args[0].isdigit() else 0
        if not 1 <= number <= len(buttons):
            self.say(f"[DM {self.user}] {self.t('console.no_buttons', number=args[0] if args else '?')}")
            return
        button = buttons[number - 1]
        await self.dispatch(ButtonPressed(self.actor(), button.action, button.value))

    async def meta_advance(self, args: list[str]) -> None:
        """`:advance 3d4h`: move the simulated clock, running what falls due."""
        delta = parse_duration("".join(args))
        if delta is None:
            self.say("[console] usage: :advance 3d4h (w, d, h, m, s)")
            return
        await self.app.heartbeat.advance_to(self.clock, self.clock.now() + delta)
        await self.meta_now([])

    async def meta_now(self, args: list[str]) -> None:
        """`:now`: the simulated time."""
        self.say(f"[console] now {self.clock.now():%Y-%m-%d %H:%M} UTC")
