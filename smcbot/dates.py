"""Dates as members read them: "5 juillet 2019", "5 July 2019"."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smcbot.models import Article

MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}


def format_date(when: date | None, language: str) -> str:
    """ "5 juillet 2019" or "5 July 2019"; empty for an undated article."""
    if when is None:
        return ""
    return f"{when.day} {MONTHS[language][when.month - 1]} {when.year}"


def session_label(article: Article, language: str, *, title: str | None = None) -> str:
    """ "title — 5 July 2019": how every reply names a session (`title` replaces the plain
    title, e.g. with a link to it; the date is left out for an undated article)."""
    shown = article.title if title is None else title
    when = format_date(article.date, language)
    return f"{shown} — {when}" if when else shown
