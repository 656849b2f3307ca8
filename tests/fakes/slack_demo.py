"""A feature written only against the neutral core, to drive every kind of Slack interaction in tests."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.model import (
    Attachment,
    Button,
    ButtonPressed,
    CommandInvoked,
    Destination,
    Field,
    FieldKind,
    Form,
    FormErrors,
    FormSubmitted,
    MemberJoined,
    MessageReceived,
    Option,
    Reply,
)
from bot.core.routes import Command, Routes
from bot.core.text import mention, timestamp

SURVEY = Form(
    "demo.survey", "Tell us about you", (
        Field("name", FieldKind.SHORT_TEXT, "Your name", required=True, max_length=80),
        Field("stage", FieldKind.CHOICE, "Stage", options=(Option("pilot", "Pilot"), Option("scale", "Scale-up"))),
        Field("modules", FieldKind.MULTI_CHOICE, "Modules", options=(Option("claims", "Claims"),
                                                                      Option("policy", "Policy"))),
        Field("public", FieldKind.YES_NO, "Show to peers?"),
        Field("when", FieldKind.DATETIME, "Best time"),
    ), "Send", state="v1")


async def survey(ctx: Ctx, event: CommandInvoked) -> Form | Reply:
    if event.args == "inline":
        return Reply("inline answer", ephemeral=False)
    return SURVEY


async def submitted(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    values = event.values
    if values.get("name") == "bad":
        return FormErrors({"name": "Pick another name (not <bad> & co)", "nowhere": "also this"})
    async with ctx.services.store.transaction() as db:
        await ctx.services.outbox.enqueue(db, f"demo:{ctx.member.id}:thanks", Destination.dm(ctx.member),
                                          Reply(f"Recorded {values!r} state={event.state}"))
        await ctx.services.outbox.enqueue(db, f"demo:{ctx.member.id}:post", Destination("slack", "channel",
                                          "announcements"), Reply("Hello @channel from " + str(values["name"])))
    return Reply("Thanks " + mention(ctx.actor.user_id, ctx.actor.display_name),
                 file=Attachment("answers.json", b'{"ok": true}', "application/json"))


async def pressed(ctx: Ctx, event: ButtonPressed) -> Form | Reply:
    return SURVEY if event.value == "form" else Reply(f"pressed {event.value}")


async def joined(ctx: Ctx, event: MemberJoined) -> Reply:
    when = timestamp(1796310000, "Thursday 3 December 2026")
    return Reply("Welcome " + mention(ctx.actor.user_id, ctx.actor.display_name) + " — next webinar " + when,
                 buttons=(Button("Open", "demo.press", "form"), Button("Hi", "demo.press", "hi")))


async def echo(ctx: Ctx, event: MessageReceived) -> Reply | None:
    return Reply("You said: " + event.text, ephemeral=not event.is_dm) if event.text else None


ROUTES = Routes(
    commands=(Command("survey", survey, "help.summary", aliases=("sondage",)),),
    buttons={"demo.press": pressed},
    forms={"demo.survey": submitted},
    joins=(joined,),
    messages=(echo,),
)
