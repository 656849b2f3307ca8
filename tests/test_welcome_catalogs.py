"""The welcome, profile and privacy messages exist in English and French with the same placeholders,
every message id those modules use exists, and the welcome templates render in both languages."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.core.i18n import LOCALES_DIR, load_language
from bot.services.welcome import CONTENT_DIR, PLACEHOLDER, WelcomeContent
from bot.settings import Settings
from handlers import onboarding_steps

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("handlers/welcome.py", "handlers/profile.py", "handlers/onboarding_steps.py", "handlers/privacy.py",
           "bot/services/welcome/__init__.py", "bot/services/welcome/onboarding.py", "bot/services/privacy/__init__.py")
CALL = r"""(?:\.t\(|\.reply\(|UserError\(|catalogs\.t\([a-z_]+,\s*|Command\([^)]*?)"""
USE = re.compile(CALL + r"""\s*"([a-z][\w\-]*\.[\w.\-]+)\"""")
KEPT = re.compile(r'\("(privacy\.kept\.[a-z_]+)"')


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_messages_and_placeholders() -> None:
    en, fr = load_language(LOCALES_DIR / "en" / "LC_MESSAGES"), load_language(LOCALES_DIR / "fr" / "LC_MESSAGES")
    mine = [k for k in en if k.split(".")[0] in ("welcome", "profile", "privacy")]
    assert len(mine) > 60
    for key in mine:
        assert key in fr, key
        assert placeholders(en[key]) == placeholders(fr[key]), key
        assert en[key] != fr[key] or key in ("profile.step", "profile.none", "welcome.usage",
                                             "profile.label.organisation"), key


def test_every_message_id_used_exists() -> None:
    en, fr = load_language(LOCALES_DIR / "en" / "LC_MESSAGES"), load_language(LOCALES_DIR / "fr" / "LC_MESSAGES")
    used: set[str] = set()
    for module in MODULES:
        source = (ROOT / module).read_text(encoding="utf-8")
        used |= set(USE.findall(source)) | set(KEPT.findall(source))
    used |= set(onboarding_steps.QUESTIONS.values()) | set(onboarding_steps.INTERESTS.values())
    assert {"profile.view", "welcome.language_set", "privacy.notice", "profile.zone_read"} <= used
    missing = sorted(k for k in used if k not in en or k not in fr)
    assert missing == []


def test_templates_render_in_both_languages_with_known_placeholders() -> None:
    content = WelcomeContent(CONTENT_DIR)
    names = ["dm", "greeting", "fallback", *(f"followup-{s}" for s, _ in Settings().welcome_followups)]
    values = {"name": "NAME", "community": "COMMUNITY", "links": "LINKS", "help_channel": "HELP"}
    for locale in ("en", "fr"):
        assert (CONTENT_DIR / f"dm.{locale}.md").is_file()
        for name in names:
            text = content.render(name, locale, values)
            assert "NAME" in text and not PLACEHOLDER.search(text), (name, locale)
            assert not re.search(r"\{[a-z_]+\}", text), (name, locale)  # no unknown placeholder left
    assert "https://openimis.org" in content.links("fr") and "Site web" in content.links("fr")


def test_a_typo_in_a_template_never_breaks_a_welcome(tmp_path: Path) -> None:
    (tmp_path / "welcome.toml").write_text("", encoding="utf-8")
    (tmp_path / "dm.en.md").write_text("Hi {name} {nmae} {", encoding="utf-8")
    content = WelcomeContent(tmp_path)
    assert content.render("dm", "fr", {"name": "Ana", "community": "", "links": "", "help_channel": ""}) == \
        "Hi Ana {nmae} {"
