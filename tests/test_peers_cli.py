"""`community-bot peers plan`: the JSON contract of the issue, history and mentor mode, and input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

MEMBERS = [
    {"id": "a", "stage": "pilot", "languages": ["en"], "country": "TZ", "interests": ["claims"],
     "timezone": "Africa/Dar_es_Salaam"},
    {"id": "b", "stage": "pilot", "languages": ["en", "fr"], "country": "CM", "interests": ["claims"],
     "timezone": "Africa/Douala"},
    {"id": "c", "stage": "design", "languages": ["fr"], "country": "TD", "interests": ["enrolment"],
     "timezone": "Africa/Ndjamena", "exclude": ["b"]},
    {"id": "d", "stage": "scale-up", "languages": ["ne"], "country": "NP", "interests": [],
     "timezone": "Asia/Kathmandu"},
    {"id": "e", "stage": "adaptation", "languages": ["fr"], "country": "NE", "interests": ["enrolment"],
     "timezone": "Africa/Niamey"},
]


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def plan(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["--env-file", "", "peers", "plan", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_plan_prints_groups_unmatched_with_reasons_and_score(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    result = plan(capsys, "--input", write(tmp_path, "m.json", MEMBERS))
    assert set(result) == {"groups", "unmatched", "score"}
    assert result["groups"] == [["a", "b"], ["c", "e"]]
    assert result["unmatched"] == [{"id": "d", "reason": "no_shared_language"}]
    assert isinstance(result["score"], int) and result["score"] > 0


def test_history_avoids_repeats_and_mentor_mode_prefers_later_stages(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    members = [{"id": f"{stage}{k}", "stage": stage, "languages": ["fr"], "country": "CM", "interests": [],
                "timezone": "Africa/Douala"} for stage in ("design", "adaptation") for k in (1, 2)]
    path = write(tmp_path, "m.json", members)
    assert plan(capsys, "--input", path)["groups"] == [["adaptation1", "adaptation2"], ["design1", "design2"]]
    history = write(tmp_path, "h.json", [[["design1", "design2"], ["adaptation1", "adaptation2"]]])
    repeated = plan(capsys, "--input", path, "--history", history)["groups"]
    assert ["design1", "design2"] not in repeated and len(repeated) == 2
    mentor = plan(capsys, "--input", path, "--mode", "mentor")["groups"]
    assert all(g[0].startswith("adaptation") and g[1].startswith("design") for g in mentor)


@pytest.mark.parametrize(("change", "message"), [
    ({"stage": "launch"}, "stage must be one of"),
    ({"languages": "en"}, "languages must be a list"),
    ({"country": "Cameroon"}, "ISO 3166 alpha-2"),
    ({"timezone": "Mars/Olympus"}, "unknown timezone"),
])
def test_bad_input_says_which_member_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               change: dict, message: str) -> None:
    path = write(tmp_path, "m.json", [MEMBERS[0], {**MEMBERS[1], **change}])
    assert main(["--env-file", "", "peers", "plan", "--input", path, "--json"]) == 2
    err = capsys.readouterr().err
    assert "member #2 (b)" in err and message in err


def test_unreadable_files_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--env-file", "", "peers", "plan", "--input", str(tmp_path / "none.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("[{", encoding="utf-8")
    assert main(["--env-file", "", "peers", "plan", "--input", str(tmp_path / "bad.json")]) == 2
    assert "not valid JSON" in capsys.readouterr().err
