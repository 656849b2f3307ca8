"""`community-bot peers plan`: plan one peer-matching round from files, sending nothing (admins' dry runs).

MEMBERS.json: a list of {"id", "stage", "languages", "country", "interests", "timezone", "exclude"?}.
HISTORY.json: a list of past rounds (oldest first), each a list of groups (lists of ids).
Output (--json): {"groups": [[ids]], "unmatched": [{"id", "reason"}], "score": N}.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.core.clock import RealClock
from bot.core.i18n import is_timezone
from bot.core.taxonomy import STAGES
from bot.services.peers.matching import MODES, Candidate, plan_round, utc_offset_minutes
from bot.settings import Settings


class InputError(ValueError):
    """The input files do not describe members or rounds as expected."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot peers plan`."""
    parser = subparsers.add_parser("peers", help="peer matching tools")
    actions = parser.add_subparsers(dest="action", required=True)
    plan = actions.add_parser("plan", help="plan one round from MEMBERS.json without sending anything")
    plan.add_argument("--input", required=True, help="MEMBERS.json: list of members")
    plan.add_argument("--history", help="HISTORY.json: past rounds, most recent last")
    plan.add_argument("--mode", choices=MODES, default="peer", help="peer (default) or mentor")
    plan.add_argument("--repeat-window", type=int,
                      help="rounds during which a pair is not repeated (default: BOT_PEERS_REPEAT_ROUNDS)")
    plan.add_argument("--json", action="store_true", help="print one JSON object")
    plan.set_defaults(run=run_plan)


def _load(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise InputError(f"{where} must be a list of strings")
    return tuple(str(v) for v in value)


def parse_member(item: Any, index: int, now: Any) -> Candidate:
    """One MEMBERS.json entry, checked field by field."""
    if not isinstance(item, dict) or "id" not in item:
        raise InputError(f"member #{index + 1} must be an object with an id")
    where = f"member #{index + 1} ({item['id']})"
    stage = item.get("stage")
    if stage not in STAGES:
        raise InputError(f"{where}: stage must be one of {', '.join(STAGES)}, got {stage!r}")
    languages = _strings(item.get("languages"), f"{where} languages")
    if not languages:
        raise InputError(f"{where}: languages must not be empty")
    country = item.get("country")
    if country is not None and not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
        raise InputError(f"{where}: country must be an ISO 3166 alpha-2 code, got {country!r}")
    tz = item.get("timezone")
    if tz is not None and not (isinstance(tz, str) and is_timezone(tz)):
        raise InputError(f"{where}: unknown timezone {tz!r}")
    return Candidate(id=str(item["id"]), stage=stage, languages=languages,
                     country=country.upper() if country else None,
                     interests=_strings(item.get("interests", []), f"{where} interests"),
                     utc_offset_minutes=utc_offset_minutes(tz, now),
                     exclude=_strings(item.get("exclude", []), f"{where} exclude"))


def parse_history(data: Any) -> list[list[list[str]]]:
    """Past rounds from HISTORY.json (rounds of groups of member ids); InputError when malformed."""
    if not isinstance(data, list):
        raise InputError("HISTORY.json must be a list of rounds")
    rounds = []
    for number, round_groups in enumerate(data, 1):
        if not isinstance(round_groups, list):
            raise InputError(f"round #{number} must be a list of groups")
        rounds.append([list(_strings(g, f"round #{number} group")) for g in round_groups])
    return rounds


def plan_files(members_path: str, history_path: str | None, mode: str, window: int) -> dict[str, Any]:
    """Read the files, plan, and return the JSON result."""
    data = _load(members_path)
    if not isinstance(data, list):
        raise InputError("MEMBERS.json must be a list of members")
    now = RealClock().now()
    members = [parse_member(item, i, now) for i, item in enumerate(data)]
    history = parse_history(_load(history_path)) if history_path else []
    return plan_round(members, history, mode=mode, repeat_window=window).to_json()


def run_plan(args: argparse.Namespace, settings: Settings) -> int:
    """Plan one round from MEMBERS.json and print the groups, sending nothing."""
    window = args.repeat_window if args.repeat_window is not None else settings.peers_repeat_rounds
    try:
        result = plan_files(args.input, args.history, args.mode, window)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for group in result["groups"]:
        print(" + ".join(group))
    for lone in result["unmatched"]:
        print(f"not matched: {lone['id']} ({lone['reason']})")
    print(f"score: {result['score']}")
    return 0
