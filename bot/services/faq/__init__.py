"""Bilingual FAQ: content loading, a lexical ranker and the answer / suggest / none decision."""

from bot.services.faq.content import ContentError, Entry, Version, load_dir, load_file
from bot.services.faq.engine import Decision, FaqService, ReloadResult, Thresholds

__all__ = ["ContentError", "Decision", "Entry", "FaqService", "ReloadResult", "Thresholds", "Version",
           "load_dir", "load_file"]
