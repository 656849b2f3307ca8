"""French text follows content/STYLE.fr.md (issue 13 #6): no avoided term and no English command word in what the
bot writes in French (catalogs, FAQ answers, welcome texts, feedback modules, conversation starters)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.core.i18n import LOCALES_DIR, load_language, load_plural_forms
from tests.test_french_commands import english_words_in_commands

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
QUOTED = re.compile(r"«[^»]*»")


def avoided_terms() -> list[str]:
    """The "À éviter" column of the style sheet's vocabulary table."""
    rows = [line for line in (CONTENT / "STYLE.fr.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("|") and not line.startswith("|---")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    column = header.index("À éviter")
    cells = [row.strip("|").split("|")[column] for row in rows[1:]]
    return [term.strip() for cell in cells for term in cell.split(",") if term.strip()]


def french_texts() -> dict[str, str]:
    """Everything the bot writes in French, by where it comes from."""
    folder = LOCALES_DIR / "fr" / "LC_MESSAGES"
    texts = {f"catalog {key}": text for key, text in load_language(folder).items()}
    texts.update({f"catalog {key} form {i}": form  # every form of a plural message
                  for key, forms in load_plural_forms(folder)[0].items() for i, form in enumerate(forms)})
    for path in sorted((CONTENT / "faq").glob("*.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("fr")
        if table:
            texts[f"faq {path.stem}"] = table["answer"]
    for path in sorted((CONTENT / "welcome").glob("*.fr.md")):
        texts[f"welcome {path.name}"] = path.read_text(encoding="utf-8")
    for name in ("feedback/modules.toml", "peers/starters.toml"):
        found = re.findall(r'^fr = "(.*)"$', (CONTENT / name).read_text(encoding="utf-8"), re.M)
        assert found, name
        texts.update({f"{name} {i}": text for i, text in enumerate(found)})
    return texts


def words(text: str) -> str:
    """Lower case, punctuation to spaces, accents kept ("Implementation Starter Kit" is not « implémentation »)."""
    return " " + re.sub(r"[^\w]+", " ", text.casefold()).strip() + " "


def uses(text: str, term: str) -> bool:
    return words(term) in words(QUOTED.sub(" ", text))


def test_the_style_sheet_lists_the_terms_to_avoid() -> None:
    terms = avoided_terms()
    assert {"griefs", "paquet de bénéfices", "réclamations", "implémenteurs"} <= set(terms)
    assert uses("les griefs des assurés", "griefs") and not uses("« Griefs » dans les écrans", "griefs")


def test_french_texts_use_the_style_sheets_terms() -> None:
    texts = french_texts()
    assert len(texts) > 300
    offending = {where: term for where, text in texts.items() for term in avoided_terms() if uses(text, term)}
    assert offending == {}


def test_no_french_text_names_an_english_command() -> None:
    offending = {where: words for where, text in french_texts().items()
                 if (words := english_words_in_commands(text))}
    assert offending == {}


def test_module_and_interest_names_agree() -> None:
    catalog = load_language(LOCALES_DIR / "fr" / "LC_MESSAGES")
    modules = (CONTENT / "feedback/modules.toml").read_text(encoding="utf-8")
    for key in ("enrolment", "contributions", "products"):
        assert f'fr = "{catalog[f"profile.interest.{key}"]}"' in modules, key
