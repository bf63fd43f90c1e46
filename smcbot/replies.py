"""Replies that answer nothing: why, what may help, and sessions to read instead.

Shared by the answerer (nothing found), the question router (a practical question, an
unknown series, a period without sessions) and written answers (the model found the
passages do not answer), so that every front end renders them alike.
"""

from __future__ import annotations

from smcbot.dates import session_label
from smcbot.models import Answer, Article


def refusal(
    question: str,
    language: str,
    lead: str,
    notes: list[str],
    suggestions: list[Article],
    *,
    terms: list[list[str]] | None = None,
) -> Answer:
    """A reply that answers nothing: `lead` says why, `notes` add what may help (the last
    one heading `suggestions`, sessions listed with their links)."""
    lines = [lead, *notes]
    for article in suggestions:
        link = f"\n  {article.url}" if article.url else ""  # a local file's article may have none
        lines.append(f"■ {session_label(article, language)}{link}")
    return Answer(
        question=question,
        answered=False,
        text="\n".join(lines),
        language=language,
        lead=lead,
        notes=notes,
        suggestions=suggestions,
        terms=terms or [],
    )
