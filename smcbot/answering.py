"""Compose answers from what retrieval found: the speakers' words, quoted as
written, with the sessions they come from, in the asker's language.

No language model is needed: the answer quotes the archive. When nothing is
relevant the answer says so plainly and offers what the archive does cover.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from smcbot.dates import MONTHS, format_date, session_label  # noqa: F401  (front ends import them from here)
from smcbot.embedding import Embedder
from smcbot.errors import QuestionError
from smcbot.index import ArchiveIndex
from smcbot.live_index import LiveIndex, Served
from smcbot.models import Answer, Article, Passage, Quote, SessionQuotes, Source
from smcbot.quoting import asked_for_bonus, body_quote, clip, signed
from smcbot.replies import refusal
from smcbot.retrieval import HybridRetriever, SearchFilters, SearchResult
from smcbot.settings import RetrievalSettings
from smcbot.text import detect_language, quote_terms, stems, words
from smcbot.wording import say

SENTENCE_END = re.compile(r"(?<=[.!?…»”\"])\s+(?=[«“\"A-ZÀ-ÖØ-Ý])")
QUOTE_LIMIT = 420
# Sessions listed when a practical question's subject is only mentioned in passing.
MENTIONING_LISTED = 3


def quote_for(passage: Passage, terms: list[list[str]]) -> Quote:
    """The part of a passage to quote: a takeaway whole; in the body, a speaker's words
    (signed when the write-up says who spoke) or the write-up's own sentences."""
    chunk = passage.chunk
    if chunk.kind == "takeaway":
        return Quote(chunk.text, "", "takeaway")
    wanted = {stem for group in terms for stem in group}
    found = body_quote(passage.article, chunk.text, wanted)
    if found is not None:
        return found
    sentences = [s.strip() for s in SENTENCE_END.split(chunk.text) if s.strip()] or [chunk.text]
    windows = [sentences[i : i + size] for size in (1, 2) for i in range(len(sentences) - size + 1)]
    best = max(windows, key=lambda w: _window_score(w, wanted))
    text = clip(" ".join(best))
    return Quote(text, "", "narration")


def _window_score(window: list[str], wanted: set[str]) -> float:
    """Question words held, a bonus for reported speech, a penalty past the quote limit."""
    text = " ".join(window)
    score = _overlap(text, wanted) + (0.5 if re.search(r"[«“\"]", text) else 0.0) + asked_for_bonus(text, wanted)
    score -= 0.25 * (len(window) - 1)  # a second sentence must earn its place
    score -= 1.0 if len(text) < 80 else 0.0  # a bare attribution line says nothing alone
    return score - (2.0 if len(text) > QUOTE_LIMIT else 0.0)


def _overlap(sentence: str, wanted: set[str]) -> int:
    """How many of the question's stems a sentence holds."""
    return sum(1 for w in set(words(sentence)) if any(s in wanted for s in stems(w)))


def display_quote(text: str) -> str:
    """The quote without the quotation marks around it (if it is wholly quoted), for « » around it."""
    text = text.strip()
    if len(text) > 1 and text[0] in '«“"' and text[-1] in '»”"' and not re.search(r'[«»“”"]', text[1:-1]):
        return text[1:-1].strip()
    return text


class Answerer:
    """Answers questions from one index; swaps to a rebuilt index between questions."""

    def __init__(
        self,
        index: ArchiveIndex,
        embedder: Embedder,
        settings: RetrievalSettings,
        *,
        index_dir: Path | None = None,
        translator: Callable[[str], str | None] | None = None,
        word_translator: Callable[[str], str | None] | None = None,
    ) -> None:
        self.embedder = embedder
        self.settings = settings
        # English questions are also searched in French: translated by the language model
        # with written answers on (`translator`), else by Apertium (`word_translator`),
        # whose rough translation may only confirm the session the question finds first.
        self.translator = translator
        self.word_translator = word_translator
        self.live = LiveIndex(
            index,
            serve=self._serve,
            model=embedder.name,
            index_dir=index_dir,
        )

    def _serve(self, index: ArchiveIndex) -> Served:
        """The retriever and the question router over a loaded build."""
        from smcbot.routing import QuestionRouter  # it composes answers with this module's helpers

        retriever = HybridRetriever(index, self.embedder, self.settings)
        return Served(index, retriever, QuestionRouter(index, retriever))

    @property
    def index(self) -> ArchiveIndex:
        """The build in use."""
        return self.live.served.index

    @property
    def retriever(self) -> HybridRetriever:
        """The retriever over the build in use."""
        return self.live.served.retriever

    def language(self, question: str) -> str:
        """The language to reply to `question` in: French or English, a question with no
        function word ("marque employeur") judged by the build's word tables."""
        return detect_language(question, self.index.lexicon.general)

    @property
    def router(self):
        """The router of questions about people, periods and series, over the build in use."""
        return self.live.served.router

    @property
    def index_dir(self) -> Path | None:
        """The index folder watched for rebuilds."""
        return self.live.index_dir

    def reload(self) -> ArchiveIndex:
        """Load the index folder again (see `LiveIndex.reload`)."""
        return self.live.reload()

    def refresh_if_rebuilt(self) -> bool:
        """Swap to a rebuilt index if there is one (see `LiveIndex.refresh_if_rebuilt`)."""
        return self.live.refresh_if_rebuilt()

    def answer(self, question: str, filters: SearchFilters | None = None, *, language: str | None = None) -> Answer:
        """Answer one question in the asker's language (or in `language`, when a
        conversation asked for the other one).

        Raises:
            QuestionError: the question is empty or holds nothing to search for.
        """
        if not question or not question.strip():
            raise QuestionError("the question is empty; ask something such as: What was said about brand safety?")
        self.refresh_if_rebuilt()
        served = self.live.served
        query = served.retriever.analyse(question)
        language = language or query.language
        filters = served.router.resolve_series(filters)
        outside = served.router.outside_archive(question, language, filters)
        if outside is not None:  # dates the archive holds no session in: say so, with its span
            return outside
        routed = served.router.answer(query, language, filters)
        if routed is not None:  # a question about people, periods or series
            return routed
        filters, period = served.router.dated(question, filters)
        result = served.retriever.search(query, filters)
        if query.language == "en":
            result = self._searched_in_french(served, result, filters)
        if filters is not None:
            result.prefer_held(filters)
        if not result.answered:
            return self._nothing_found(question, language, result, period)
        if query.asks_who_ran:  # the sessions found, by their people
            return served.router.who_ran(question, language, result)
        return self._compose(question, language, result)

    def _searched_in_french(self, served: Served, result: SearchResult, filters: SearchFilters | None) -> SearchResult:
        """An English question's result merged with its French translation's (the
        language model's if on, else Apertium's); the result as it was without one."""
        if self.translator is None and (not result.sessions or result.sessions[0].answers):
            return result  # Apertium's translation could only confirm a first session that already answers
        translator = self.translator or self.word_translator
        french = translator(result.query.text) if translator is not None else None
        if not french:
            return result
        rough = self.translator is None  # Apertium's: it only adds its words, and only confirms
        try:
            translated = served.retriever.search(
                served.retriever.analyse(french), filters, asked=result, reread=not rough
            )
        except QuestionError:  # the translation kept no word to search for: the question as asked stands
            return result
        return served.retriever.merge(result, translated, confirming=rough)

    def resolve_series(self, filters: SearchFilters | None) -> SearchFilters | None:
        """The filters with their series under its canonical name (any spelling is accepted).

        Raises:
            QuestionError: no series has that name; the one-line message lists the known ones.
        """
        return self.live.served.router.resolve_series(filters)

    def _compose(self, question: str, language: str, result: SearchResult) -> Answer:
        """The lead sentence, then each answering session with its quotes."""
        sessions = [SessionQuotes(h.article, h.passages, h.score) for h in result.answering]
        return self.compose_sessions(question, language, sessions, terms=quote_terms(result.term_groups, result.query))

    def compose_sessions(
        self,
        question: str,
        language: str,
        sessions: list[SessionQuotes],
        *,
        terms: list[list[str]] | None = None,
        lead: str | None = None,
    ) -> Answer:
        """An answer citing `sessions` with their passages (also for a follow-up's further passages)."""
        terms = terms if terms is not None else self.retriever.analyse(question).term_groups
        for session in sessions:  # chosen once, so every front end shows the same quotes
            session.shown = [signed(q, language) for q in self.quotes(session, terms)]
        count = len(sessions)
        lines = [lead or say("lead" if count == 1 else "lead_many", language, n=count)]
        for session in sessions:
            lines.append("")
            lines.extend(self.session_lines(session, language, terms))
        return Answer(
            question=question,
            answered=True,
            text="\n".join(lines),
            language=language,
            sources=[self._source(s) for s in sessions],
            sessions=sessions,
            lead=lines[0],
            terms=terms,
        )

    def quotes(self, session: SessionQuotes, terms: list[list[str]]) -> list[Quote]:
        """The quotes of one cited session, without repeats."""
        if session.shown is not None:
            return session.shown
        seen, quotes = set(), []
        # Takeaways first: they are the session's own summary of what was said.
        for passage in sorted(session.quotes, key=lambda p: p.chunk.kind != "takeaway"):
            quote = quote_for(passage, terms)
            if quote.text not in seen:
                seen.add(quote.text)
                quotes.append(quote)
        return quotes

    def session_lines(self, session: SessionQuotes, language: str, terms: list[list[str]]) -> list[str]:
        """Plain-text lines for one session: title, date, link, then the quotes."""
        article = session.article
        lines = [f"■ {session_label(article, language)}"] + ([f"  {article.url}"] if article.url else [])
        for quote in self.quotes(session, terms):
            who = f" — {quote.speaker}" if quote.speaker else ""
            lines.append(f"  « {display_quote(quote.text)} »{who}")
        return lines

    @staticmethod
    def _source(session: SessionQuotes) -> Source:
        """The `sources` entry of a cited session."""
        article = session.article
        return Source(title=article.title, url=article.url, date=article.date, score=session.score)

    def _nothing_found(self, question: str, language: str, result: SearchResult, period=None) -> Answer:
        """Say plainly that nothing answers (in the period the question names, if any),
        and offer what the archive covers."""
        if result.off_subject and not result.missing_subject:
            return self._only_mentioned(question, language, result)
        if result.unstated and not result.missing_subject:
            return self._fact_unstated(question, language, result)
        if result.missing_subject:
            names = ", ".join(result.query.original(n) for n in result.missing_subject)
            lines = [say("nothing_named", language, names=names)]
        elif period is not None:
            lines = [say("nothing_in_period", language, period=period.label[language])]
        else:
            lines = [say("nothing", language)]
        series = ", ".join(name for name, _ in self.series_counts())
        notes = [say("covers", language, series=series)] if series else []
        notes.append(say("recent_sessions", language))
        return refusal(question, language, lines[0], notes, self.recent(3), terms=result.term_groups)

    def _only_mentioned(self, question: str, language: str, result: SearchResult) -> Answer:
        """A practical question (what a law provides, how to use a scheme, when a ban comes)
        whose subject sessions name without treating it, or any question whose subject
        they name only in passing: say so, and list them (the member may still read them)."""
        mentioning = [hit.article for hit in result.sessions if hit.article.id in result.off_subject]
        mentioning = mentioning[:MENTIONING_LISTED]
        notes = [say("mentioned_in", language)]
        lead = say("only_mentioned" if result.query.practical else "only_in_passing", language)
        return refusal(question, language, lead, notes, mentioning, terms=result.term_groups)

    def _fact_unstated(self, question: str, language: str, result: SearchResult) -> Answer:
        """A question asking a kind of fact (a price, what the law allows) whose closest
        sessions state none: say so, and list them (the member may still read them)."""
        closest = [hit.article for hit in result.sessions if hit.article.id in result.unstated]
        notes = [say("closest_sessions", language)]
        lead = say(result.query.asks_for.reply, language)
        return refusal(question, language, lead, notes, closest[:MENTIONING_LISTED], terms=result.term_groups)

    def recent(self, count: int = 5) -> list[Article]:
        """The latest sessions, newest first."""
        return self.index.ordered_articles()[:count]

    def series_counts(self) -> list[tuple[str, int]]:
        """Each series and how many sessions it has, largest first."""
        counts = Counter(a.series for a in self.index.articles.values() if a.series)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
