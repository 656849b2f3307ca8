"""Closed vocabularies (stage, role, interest, session language, yes/no, on/off/default, feedback status,
category and scope) in English and French.

Each value has a stable code (what is stored), labels from the catalogs (both languages are accepted
when typed) and synonyms people actually type. Matching ignores case, accents and punctuation; a word
that appears in the labels or synonyms of one value only ("pilote", "conception") picks that value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from bot.core.i18n import SUPPORTED, Catalogs
from bot.core.taxonomy import NOT_IMPLEMENTING, ROLES, STAGES

INTERESTS = ("enrolment", "claims", "contributions", "products", "social-protection", "interoperability",
             "mobile", "reporting", "deployment", "development")
FEEDBACK_STATUSES = ("new", "triaged", "planned", "done", "declined", "duplicate")
FEEDBACK_CATEGORIES = ("usability", "bug", "feature", "documentation", "translation", "other")
FEEDBACK_SCOPES = ("core", "country", "undecided")
MIN_WORD = 4  # a shorter word must match a whole name


def fold(text: str) -> str:
    """Lower case, accents removed (œ is oe), punctuation and spaces squeezed to one space: for matching typed text."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[^\w+]+|_", " ", plain).strip()


@cache
def catalogs() -> Catalogs:
    """The shipped catalogs, for labels outside of an event."""
    return Catalogs()


@dataclass(frozen=True)
class Vocabulary:
    """The codes of one kind of value, how each is labelled and what else people call it."""

    kind: str
    codes: tuple[str, ...]
    key: Callable[[str], str]  # the message id of a code's label
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_keys: tuple[Callable[[str], str], ...] = ()  # other labels of the same code, also accepted

    def label(self, code: str, locale: str) -> str:
        """How `code` reads in `locale`."""
        return catalogs().t(locale, self.key(code))

    def names(self, code: str) -> list[str]:
        """Every name of `code`, folded: the code, its labels in each language, its synonyms."""
        keys = (self.key, *self.extra_keys)
        labels = [catalogs().t(lang, key(code)) for lang in SUPPORTED for key in keys]
        return [fold(name) for name in (code, *labels, *self.synonyms.get(code, ())) if fold(name)]

    def lookup(self, text: str, among: tuple[str, ...] | None = None) -> str | None:
        """The code `text` names, or None when it names none or several."""
        wanted = fold(text)
        codes = among or self.codes
        if not wanted:
            return None
        exact = [code for code in codes if wanted in self.names(code)]
        if exact:
            return exact[0]
        if len(wanted) < MIN_WORD:
            return None
        partial = [code for code in codes if any(f" {wanted} " in f" {name} " for name in self.names(code))]
        return partial[0] if len(partial) == 1 else None


STAGE_SYNONYMS = {
    "exploration": ("explore", "feasibility", "feasibility study", "etude", "etude de faisabilite", "faisabilite"),
    "design": ("scheme design", "planning", "conception", "planification", "conception du regime"),
    "adaptation": ("configuration", "customisation", "customization", "integration", "parametrage",
                   "personnalisation"),
    "pilot": ("pilot phase", "piloting", "pilote", "phase pilote", "phase de pilote", "projet pilote"),
    "scale-up": ("scale up", "scaling", "scaling up", "rollout", "roll out", "passage a l echelle",
                 "mise a l echelle", "extension", "generalisation"),
    "operations": ("operation", "operating", "maintenance", "production", "running", "exploitation",
                   "en production", "mise a niveau"),
    NOT_IMPLEMENTING: ("not implementing", "none", "no", "n/a", "aucune", "non", "pas de mise en oeuvre",
                       "je ne mets pas en oeuvre openimis"),
}
ROLE_SYNONYMS = {
    "implementer": ("implementor", "implementation", "project manager", "manager", "mise en oeuvre",
                    "responsable", "chef de projet", "gestionnaire", "implementeur"),
    "developer": ("dev", "developper", "programmer", "engineer", "software engineer", "developpeur",
                  "developpeuse", "programmeur", "programmeuse", "ingenieur", "ingenieure", "informaticien"),
    "policy-maker": ("policy maker", "policymaker", "decision maker", "donor", "funder", "government",
                     "decideur", "decideuse", "bailleur", "bailleur de fonds", "gouvernement", "ministere"),
    "academic": ("researcher", "student", "university", "chercheur", "chercheuse", "etudiant", "etudiante",
                 "universitaire", "enseignant"),
    "other": ("autre", "autres", "something else"),
}
INTEREST_SYNONYMS = {
    "enrolment": ("enrollment", "registration", "policies", "insurees", "inscription", "inscriptions",
                  "polices", "assures", "affiliation", "adhesion"),
    "claims": ("claim", "reimbursement", "prestations", "demandes de remboursement", "remboursement",
               "reclamations", "factures"),
    "contributions": ("contribution", "payments", "premiums", "cotisations", "paiements", "cotisation"),
    "products": ("product", "benefit packages", "benefits", "paquets de prestations", "paquets de benefices",
                 "produits", "garanties"),
    "social-protection": ("social protection", "coremis", "core mis", "protection sociale"),
    "interoperability": ("interop", "fhir", "dhis2", "api", "interoperabilite"),
    "mobile": ("mobile apps", "apps", "applications mobiles", "application mobile"),
    "reporting": ("reports", "dashboards", "rapports", "tableaux de bord", "statistiques"),
    "deployment": ("hosting", "installation", "deploy", "deploiement", "hebergement"),
    "development": ("module development", "coding", "developpement", "developpement de modules",
                    "developpement logiciel"),
}
SESSION_SYNONYMS = {
    "en": ("english", "anglais", "eng", "in english", "en anglais"),
    "fr": ("french", "francais", "fra", "in french", "en francais"),
    "bilingual": ("both", "bilingue", "en+fr", "fr+en", "en fr", "fr en", "english and french",
                  "francais et anglais", "les deux"),
}
YES_NO_SYNONYMS = {
    "yes": ("y", "yes", "yeah", "sure", "ok", "okay", "true", "1", "o", "oui", "ouais", "vrai", "d accord",
            "bien sur", "volontiers"),
    "no": ("n", "nope", "false", "0", "non", "faux", "pas du tout", "non merci", "no thanks"),
}
SWITCH_SYNONYMS = {
    "on": ("on", "enable", "enabled", "yes", "active", "activer", "active", "oui", "marche"),
    "off": ("off", "disable", "disabled", "none", "no", "stop", "0", "non", "aucun", "aucune", "desactive",
            "desactiver", "desactivee", "desactives", "arret", "arreter", "jamais"),
    "default": ("default", "defaults", "reset", "standard", "par defaut", "defaut", "reinitialiser",
                "valeur par defaut", "valeurs par defaut"),
}
FEEDBACK_SCOPE_SYNONYMS = {
    "core": ("coeur", "produit", "product"),
    "country": ("pays", "national"),
    "undecided": ("indecis", "a decider"),
}

VOCABULARIES = {
    "stage": Vocabulary("stage", (*STAGES, NOT_IMPLEMENTING), lambda c: f"taxonomy.stage.{c}", STAGE_SYNONYMS),
    "role": Vocabulary("role", ROLES, lambda c: f"taxonomy.role.{c}", ROLE_SYNONYMS),
    "interest": Vocabulary("interest", INTERESTS, lambda c: f"profile.interest.{c}", INTEREST_SYNONYMS,
                           (lambda c: f"peers.interest.{c.replace('-', '_')}",)),
    "session_language": Vocabulary("session_language", ("en", "fr", "bilingual"), lambda c: f"webinars.lang_{c}",
                                   SESSION_SYNONYMS),
    "yes_no": Vocabulary("yes_no", ("yes", "no"), lambda c: f"values.{c}", YES_NO_SYNONYMS),
    "switch": Vocabulary("switch", ("on", "off", "default"), lambda c: f"values.switch.{c}", SWITCH_SYNONYMS),
    "feedback_status": Vocabulary("feedback_status", FEEDBACK_STATUSES, lambda c: f"feedback.status.{c}"),
    "feedback_category": Vocabulary("feedback_category", FEEDBACK_CATEGORIES, lambda c: f"feedback.category.{c}"),
    "feedback_scope": Vocabulary("feedback_scope", FEEDBACK_SCOPES, lambda c: f"feedback.scope.{c}",
                                 FEEDBACK_SCOPE_SYNONYMS),
}
