"""Choose what an answer quotes from a session's body.

The body is cut into units (`smcbot.people.units_of`): a speaker's words, without
the narration that reports them, signed only when the write-up says who spoke;
and sentences of narration, which are the write-up's own words. The unit (or two
consecutive sentences of narration) holding most of the question's words is quoted.
"""

from __future__ import annotations

import re
from functools import lru_cache

from smcbot.models import Article, Quote, Speaker
from smcbot.people import Unit, units_of
from smcbot.text import states_an_amount, stems, wants_an_amount, words

QUOTE_LIMIT = 420
# Asked a price, the sentence stating an amount is quoted before any that only shares words.
AMOUNT_BONUS = 2.0
UNSIGNED = {"fr": "d'après le compte rendu", "en": "from the session write-up"}


@lru_cache(maxsize=2048)
def _units(body: str, speakers: tuple[Speaker, ...]) -> tuple[Unit, ...]:
    """The units of one body (the same article is quoted by many questions)."""
    return tuple(units_of(body, list(speakers)))


def body_quote(article: Article, chunk_text: str, wanted: set[str]) -> Quote | None:
    """The best unit of the body that a chunk covers; None if the chunk is not in the body."""
    start = article.body.find(chunk_text[:80])
    if start < 0:
        return None
    end = start + len(chunk_text)
    every = _units(article.body, tuple(article.speakers))
    # A chunk may start inside a speech (chunks overlap): then that speech is the candidate.
    units = [u for u in every if _inside(u, start, end)] or [u for u in every if u.start < end and u.end > start]
    if not units:
        return None
    windows = [[u] for u in units]
    windows += [[a, b] for a, b in zip(units, units[1:], strict=False) if not a.speech and not b.speech]
    best = max(windows, key=lambda w: _score(w, wanted))
    text = clip(" ".join(u.text for u in best))
    if best[0].speech:
        return Quote(text, _label(article, best[0].speaker), "speech")
    return Quote(text, "", "narration")


def _inside(unit: Unit, start: int, end: int) -> bool:
    """True when most of the unit lies within [start, end)."""
    overlap = min(unit.end, end) - max(unit.start, start)
    return overlap > 0 and overlap >= 0.6 * (unit.end - unit.start)


def _score(window: list[Unit], wanted: set[str]) -> float:
    """Question words held, a bonus for a speaker's words, penalties for length."""
    text = " ".join(u.text for u in window)
    score = _overlap(text, wanted) + (0.5 if window[0].speech else 0.0) + asked_for_bonus(text, wanted)
    score -= 0.25 * (len(window) - 1)  # a second sentence must earn its place
    score -= 1.0 if len(text) < (40 if window[0].speech else 80) else 0.0  # too short to say anything
    return score - (2.0 if len(text) > QUOTE_LIMIT else 0.0)


def asked_for_bonus(text: str, wanted: set[str]) -> float:
    """What a text earns for stating what the question asks: an amount of money, for a
    price question."""
    return AMOUNT_BONUS if wants_an_amount(wanted) and states_an_amount(text) else 0.0


def _overlap(text: str, wanted: set[str]) -> int:
    """How many of the question's stems a text holds."""
    return sum(1 for w in set(words(text)) if any(s in wanted for s in stems(w)))


def _label(article: Article, name: str) -> str:
    """ "Name, role (Organisation)" for a named speaker, "" when nobody is named."""
    if not name:
        return ""
    speaker = next((s for s in article.speakers if s.name == name), None)
    return speaker.label() if speaker else name


def clip(text: str) -> str:
    """A quote cut at a word past the length limit, marked with […]; guillemets inside
    it become “ ” (it is shown between guillemets, which must not nest)."""
    text = unnested(re.sub(r"\s+", " ", text).strip())
    if len(text) <= QUOTE_LIMIT:
        return text
    return text[:QUOTE_LIMIT].rsplit(" ", 1)[0] + " […]"


def unnested(text: str) -> str:
    """Guillemets inside a quote made “ ”: the quote is shown between « », which must not nest."""
    return text.replace("«", "“").replace("»", "”").replace("“ ", "“").replace(" ”", "”")


def signed(quote: Quote, language: str) -> Quote:
    """The quote as shown: unsigned words (narration, or speech whose speaker the
    write-up does not name) are marked as the write-up's, never left to look like
    the previous speaker's."""
    text = unnested(quote.text)
    if quote.kind == "takeaway" or quote.speaker:
        return Quote(text, quote.speaker, quote.kind)
    return Quote(text, UNSIGNED.get(language, UNSIGNED["en"]), quote.kind)
