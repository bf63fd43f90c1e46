"""Follow-up questions: a question read against the conversation it is asked in.

A conversation's `Context` is what the last answered question left behind: what
was searched, its topic words as the member wrote them, its filters, the sessions
it cited and the language. `FollowUps.answer(question, context)` tells what kind
of question it is, in French or English, and answers it:

- **a language switch** ("in English please", "en français") → the same answer in
  the other language;
- **who said that** ("qui a dit ça ?", "who else was on the panel?") → the
  speakers of the sessions just cited;
- **more** ("plus de détails", "tell me more") → further passages of those sessions;
- **a new filter** ("et en 2020 ?", "only Cercle Dircoms", "just the May session")
  → the last question again, filtered;
- **a new subject in the same frame** ("et sur les freins ?", "and about
  advertising there?") → the new words searched in the sessions just cited (a
  short question leans on them first; a longer one is tried on its own first), and
  on the whole archive when those sessions do not answer;
- anything else → answered on its own, exactly as in a fresh conversation.

The rules read the shape of the question (its first words, the words that are not
filler), never a list of known questions. When the context was used, the answer
says so in its first line.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date

from smcbot.answering import Answerer
from smcbot.errors import QuestionError
from smcbot.models import Answer, Passage, SessionQuotes
from smcbot.retrieval import SearchFilters
from smcbot.routing import MONTH_NAMES, parse_period
from smcbot.text import content_words, fold, quote_terms, stems, words
from smcbot.wording import say

# Words that open or pad a follow-up without saying anything about its subject.
OPENERS = re.compile(
    r"^(?:(?:ok(?:ay)?|bon|bien|d'accord|fine|alright|so|well|alors|merci|thanks|et puis|oui|yes)[\s,!.]+)+"
)
NEW_SUBJECT = re.compile(
    r"^(?:et|and|what about|how about|et pour|et cote|et du cote|quid de|also|aussi|same for|pareil pour)\b"
)
LANGUAGE_SWITCH = {
    "en": re.compile(r"\b(?:in english|en anglais)\b"),
    "fr": re.compile(r"\b(?:in french|en francais)\b"),
}
WHO_SAID = re.compile(
    r"\b(?:qui (?:a dit|l'a dit|disait|parlait|d'autre)|c'est qui|who (?:said|says|else|was it|were they)"
    r"|who was on the panel|qui etait autour de la table|qui etait la)\b"
)
MORE = re.compile(
    r"^(?:(?:plus|encore plus) de details?|(?:more|further) details?|tell me more|more\b|en savoir plus"
    r"|developpe|detaille|precise|go on|continue|dis m'en plus|dites m'en plus|d'autres extraits|more quotes)"
)
# Words a follow-up uses around its filter or its request, that are not a subject.
FILLER = set(
    """et and en in only just seulement uniquement juste les the ones one celles celle ceux celui session sessions
    cycle series serie from de du des of stp svp please plait s'il vous te tu peux pouvez me le la redire dire
    again encore that ca cela this ones autour table panel qui who else d'autre said dit etait was were avait
    plus more details detail tell developpe give donne about sur dans la le what about how english anglais
    french francais peux pourrais could can you repeat say autre autres other others else club smc""".split()
)
SHORT = 3  # content words: a follow-up this short leans on the conversation first
MORE_PER_SESSION = 3


@dataclass
class Context:
    """What the last answered question leaves for the next one (stored as JSON)."""

    question: str
    topic: str
    language: str
    sessions: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # chunk ids already quoted
    since: str | None = None
    until: str | None = None
    series: str | None = None

    def to_dict(self) -> dict:
        """The JSON form kept in the question store."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> Context | None:
        """Inverse of `to_dict`; None for nothing, or for what an older version kept."""
        if not data:
            return None
        try:
            return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})
        except TypeError:
            return None

    @property
    def filters(self) -> SearchFilters:
        """The filters the last question was answered with."""
        since = date.fromisoformat(self.since) if self.since else None
        until = date.fromisoformat(self.until) if self.until else None
        return SearchFilters(since, until, self.series)


@dataclass
class Turn:
    """An answer, the context it leaves, and the kind of follow-up it was ("" if none)."""

    answer: Answer
    context: Context | None
    kind: str = ""


class FollowUps:
    """Answers questions in the context of a conversation."""

    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer

    def answer(self, question: str, context: Context | None, filters: SearchFilters | None = None) -> Turn:
        """Answer `question`, a follow-up of `context` or a question of its own.

        Raises:
            QuestionError: the question holds nothing to search for.
        """
        folded = OPENERS.sub("", fold(question).strip())
        if context is None or not context.sessions:
            return self._alone(question, filters)
        for kind in ("language", "who", "more", "filter", "subject"):
            turn = getattr(self, f"_{kind}")(question, folded, context)
            if turn is not None:
                turn.kind = turn.kind or kind
                if turn.context is None and turn.kind != "alone":  # "and in 2018?" found nothing:
                    turn.context = context  # the conversation's subject is still the same
                return self._noted(turn, context)
        return self._alone(question, filters)

    # --- the kinds of follow-up ---------------------------------------------------------

    def _language(self, question: str, folded: str, context: Context) -> Turn | None:
        """ "in English please" → the last answer again, in the other language."""
        target = next((lang for lang, pattern in LANGUAGE_SWITCH.items() if pattern.search(folded)), None)
        if target is None or _subject_words(folded):
            return None
        answer = self.answerer.answer(context.question, context.filters, language=target)
        return Turn(answer, self._context_of(context.question, context.topic, answer, context.filters))

    def _who(self, question: str, folded: str, context: Context) -> Turn | None:
        """ "who said that?" → the speakers of the sessions just cited."""
        if not WHO_SAID.search(folded) or _subject_words(folded):
            return None
        language = self.answerer.language(question)
        asked = f"Qui est intervenu sur {context.topic} ?" if language == "fr" else f"Who spoke about {context.topic}?"
        answer = self.answerer.answer(asked, self._within(context), language=language)
        if not answer.answered:
            return None
        return Turn(answer, replace(context, language=language))

    def _more(self, question: str, folded: str, context: Context) -> Turn | None:
        """ "plus de détails" → further passages of the sessions just cited."""
        if not MORE.search(folded) or _subject_words(folded):
            return None
        language = self.answerer.language(question) if words(folded) and not _only_filler(folded) else context.language
        sessions = self._further_passages(context)
        if not sessions:
            return None
        answer = self.answerer.compose_sessions(context.question, language, sessions, lead=say("more", language))
        shown = context.shown + [p.chunk.id for s in sessions for p in s.quotes]
        return Turn(answer, replace(context, shown=shown, language=language))

    def _filter(self, question: str, folded: str, context: Context) -> Turn | None:
        """ "et en 2020 ?", "only the Cercle Dircoms ones" → the last question, filtered."""
        filters = self._filters_in(question, folded, context)
        if filters is None or _subject_words(folded, ignore=self._filter_words(question, folded)):
            return None
        language = self.answerer.language(question) if not _only_filler(folded) else context.language
        answer = self.answerer.answer(context.question, filters, language=language)
        if not answer.answered:  # the topic is known to be answerable: the best session the filter keeps
            answer = self._found(context.question, filters, language) or answer
        return Turn(answer, self._context_of(context.question, context.topic, answer, filters))

    def _subject(self, question: str, folded: str, context: Context) -> Turn | None:
        """ "et sur les freins ?" → the new words, in the sessions just cited first when short."""
        if not NEW_SUBJECT.search(folded):
            return None
        subject = _subject_words(folded)
        if not subject:
            return None
        tries = [self._within_gated, self._within_found, self._alone_gated]
        if len(subject) > SHORT:  # a fuller question stands on its own first
            tries = [self._alone_gated, self._within_gated, self._within_found]
        for attempt in tries:
            answer = attempt(question, context)
            if answer is not None:
                alone = attempt == self._alone_gated
                filters = None if alone else context.filters
                return Turn(answer, self._context_of(question, _topic_of(question), answer, filters), "alone" * alone)
        return None

    def _within_gated(self, question: str, context: Context) -> Answer | None:
        """The new words searched in the sessions just cited, if the relevance gate lets them through."""
        answer = self._ask(question, self._within(context))
        return answer if answer is not None and answer.answered else None

    def _within_found(self, question: str, context: Context) -> Answer | None:
        """The session just cited that holds some of the new words, even below the gate."""
        return self._found(question, self._within(context), self.answerer.language(question))

    def _found(self, question: str, filters: SearchFilters, language: str) -> Answer | None:
        """The best session among those `filters` admit that holds some of the question's
        words, even below the relevance gate: the conversation already established that the
        archive speaks of its subject. None when no session holds enough of them (less than
        the gate's floor), so a new subject the archive lacks is still refused."""
        try:
            result = self.answerer.retriever.search(question, filters)
        except QuestionError:
            return None
        floor = self.answerer.settings.min_coverage_floor
        # a question asking a kind of fact (a price) is not answered from a session that
        # does not state it (`unstated`)
        found = [
            hit
            for hit in result.sessions
            if hit.matched_words and hit.coverage >= floor and hit.article.id not in result.unstated
        ]
        if not found:
            return None
        best = max(found, key=lambda hit: hit.strength)
        session = SessionQuotes(best.article, best.passages, best.score)
        return self.answerer.compose_sessions(
            question, language, [session], terms=quote_terms(result.term_groups, result.query)
        )

    def _alone_gated(self, question: str, context: Context) -> Answer | None:
        """The question on its own, if the archive answers it."""
        answer = self._ask(question, None)
        return answer if answer is not None and answer.answered else None

    # --- helpers ------------------------------------------------------------------------

    def _alone(self, question: str, filters: SearchFilters | None) -> Turn:
        """A question of its own, answered as in a fresh conversation."""
        answer = self.answerer.answer(question, filters)
        return Turn(answer, self._context_of(question, _topic_of(question), answer, filters))

    def _ask(self, question: str, filters: SearchFilters | None) -> Answer | None:
        """The answer, or None when the question holds nothing to search for."""
        try:
            return self.answerer.answer(question, filters)
        except QuestionError:
            return None

    @staticmethod
    def _within(context: Context) -> SearchFilters:
        """The last filters, restricted to the sessions just cited."""
        return replace(context.filters, articles=frozenset(context.sessions))

    @staticmethod
    def _noted(turn: Turn, context: Context) -> Turn:
        """Say in the answer's first line that the conversation's context was used."""
        if turn.kind == "alone":
            turn.kind = ""
            return turn
        note = say("follow_up", turn.answer.language, topic=context.topic)
        answer = turn.answer
        answer.lead = f"{note}\n{answer.lead}" if answer.lead else note
        answer.text = f"{note}\n{answer.text}"
        return turn

    @staticmethod
    def _context_of(question: str, topic: str, answer: Answer, filters: SearchFilters | None) -> Context | None:
        """The context an answer leaves (None for a refusal: the next question starts afresh)."""
        if not answer.answered or not answer.sessions:
            return None
        filters = filters or SearchFilters()
        return Context(
            question=question,
            topic=topic,
            language=answer.language,
            sessions=[s.article.id for s in answer.sessions],
            shown=[p.chunk.id for s in answer.sessions for p in s.quotes],
            since=filters.since.isoformat() if filters.since else None,
            until=filters.until.isoformat() if filters.until else None,
            series=filters.series,
        )

    def _filters_in(self, question: str, folded: str, context: Context) -> SearchFilters | None:
        """The last filters with the period or series this question names; None if it names none."""
        filters, named = context.filters, False
        period = parse_period(question)
        month = _month_in(question) if period is None else None
        if period is not None:
            filters, named = replace(filters, since=period.since, until=period.until), True
        elif month is not None:
            year = self._year_for(month, context)
            if year is not None:
                last = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
                filters, named = replace(filters, since=date(year, month, 1), until=date.fromordinal(last)), True
        series = self._series_in(folded)
        if series:
            filters, named = replace(filters, series=series), True
        return filters if named else None

    def _filter_words(self, question: str, folded: str) -> set[str]:
        """The words that name the filter (the period, the month, the series)."""
        named = {w for w in words(folded) if w in MONTH_NAMES or re.fullmatch(r"(?:19|20)\d{2}", w)}
        series = self._series_in(folded)
        return named | set(words(series or ""))

    def _series_in(self, folded: str) -> str:
        """The archive's series this question names ("Cercle Dircoms"), or ""."""
        for name, _ in self.answerer.series_counts():
            if re.search(rf"\b{re.escape(fold(name))}\b", folded):
                return name
        return ""

    def _year_for(self, month: int, context: Context) -> int | None:
        """The year a month named alone means: that of a session just cited in that month,
        else the latest year the archive has a session in that month."""
        articles = self.answerer.index.articles
        cited = [articles[key].date for key in context.sessions if key in articles and articles[key].date]
        for when in sorted(cited, reverse=True):
            if when.month == month:
                return when.year
        years = sorted({a.date.year for a in articles.values() if a.date and a.date.month == month}, reverse=True)
        return years[0] if years else None

    def _further_passages(self, context: Context) -> list[SessionQuotes]:
        """Passages of the sessions just cited that were not shown yet, best first."""
        index, shown = self.answerer.index, set(context.shown)
        wanted = {stem for group in self.answerer.retriever.analyse(context.question).term_groups for stem in group}
        sessions = []
        for key in context.sessions:
            if key not in index.articles:
                continue
            rows = index.chunk_rows_by_article.get(key, [])
            fresh = [index.chunks[row] for row in rows if index.chunks[row].id not in shown]
            fresh = [c for c in fresh if c.kind != "title"]
            fresh.sort(key=lambda chunk: (-_overlap(chunk.text, wanted), chunk.position))
            passages = [Passage(chunk, index.articles[key], 1.0) for chunk in fresh[:MORE_PER_SESSION]]
            if passages:
                sessions.append(SessionQuotes(index.articles[key], passages, 1.0))
        return sessions


def _subject_words(folded: str, ignore: set[str] = frozenset()) -> list[str]:
    """The words of a follow-up that name a subject (not filler, not the filter)."""
    return [w for w in content_words(folded) if w not in FILLER and w not in ignore]


def _only_filler(folded: str) -> bool:
    """True when nothing but filler words is left: the language is the conversation's."""
    return all(w in FILLER for w in words(folded))


def _month_in(question: str) -> int | None:
    """A month named without a year ("et en juin ?", "the May session"); "may" and
    short forms count only when written with a capital, as months are in English."""
    for token in re.findall(r"[\w']+", question):
        word = fold(token)
        if word in MONTH_NAMES and (len(word) > 3 and word != "may" or token[0].isupper()):
            return MONTH_NAMES[word]
    return None


def _overlap(text: str, wanted: set[str]) -> int:
    """How many of the wanted stems a passage holds."""
    return sum(1 for w in set(words(text)) if any(s in wanted for s in stems(w)))


def _topic_of(question: str) -> str:
    """The subject of a question as the member wrote it: its content words, in order."""
    wanted = set(content_words(question))
    tokens = re.findall(r"[\w’'-]+", question)
    kept = []
    for token in tokens:
        bare = re.sub(r"^(?:[lLdDjJ]|[qQ]u)['’]", "", token)
        if fold(bare) in wanted and fold(bare) not in FILLER and bare not in kept:
            kept.append(bare)
    return " ".join(kept) or question.strip().rstrip("?").strip()
