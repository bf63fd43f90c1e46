"""Dates as members read them: "5 juillet 2019", "5 July 2019"."""

from __future__ import annotations

from datetime import date

MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}


def format_date(when: date | None, language: str) -> str:
    """ "5 juillet 2019" or "5 July 2019"; empty for an undated article."""
    if when is None:
        return ""
    return f"{when.day} {MONTHS[language][when.month - 1]} {when.year}"
