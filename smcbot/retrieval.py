"""Hybrid retrieval over the index: dense (FAISS) and lexical (BM25) search fused
into one ranking, grouped by session, diversified, and gated for relevance.

The relevance gate decides whether anything in the archive answers a question.
It looks at two independent signals for the best session:

- coverage: the share of the question's content words (IDF-weighted, counting a
  word as present when any of its French or English stems or domain
  translations is) that the session's text holds;
- dense: the best cosine similarity between the question and the session's chunks.

A session answers when most of the question's meaning is in it (coverage), or
when the embedding model finds it close and at least some words are shared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from smcbot.embedding import Embedder
from smcbot.errors import QuestionError
from smcbot.index import ArchiveIndex
from smcbot.models import Article, Passage
from smcbot.settings import RetrievalSettings
from smcbot.text import content_words, expansions, named_terms, query_terms, stems

MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search to a date range, a series and/or given sessions (a follow-up's)."""

    since: date | None = None
    until: date | None = None
    series: str | None = None
    articles: frozenset[str] = frozenset()  # article ids; empty: any

    def admits(self, article: Article) -> bool:
        """True if the article passes every filter that is set."""
        if self.articles and article.id not in self.articles:
            return False
        if self.series and self.series.casefold() not in article.series.casefold():
            return False
        if self.since and (article.date is None or article.date < self.since):
            return False
        return not (self.until and (article.date is None or article.date > self.until))

    @property
    def active(self) -> bool:
        """True if any filter is set."""
        return bool(self.since or self.until or self.series or self.articles)


@dataclass
class SessionHit:
    """A session found for a question, its best passages, and its gate signals."""

    article: Article
    passages: list[Passage]
    score: float
    coverage: float
    dense: float
    matched_words: int = 0
    answers: bool = False

    @property
    def strength(self) -> float:
        """The ranking score: fused rank score, raised by the share of the question covered."""
        return self.score * (0.5 + self.coverage)


@dataclass
class SearchResult:
    """Sessions ranked best first; `answered` is the gate's verdict on the best one."""

    question: str
    sessions: list[SessionHit] = field(default_factory=list)
    term_groups: list[list[str]] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)
    absent_words: list[str] = field(default_factory=list)

    @property
    def missing_subject(self) -> list[str]:
        """The names to mention in a refusal: set only when every question word the
        archive lacks is one of them ("TikTok"), not for "the weather in Paris"."""
        if self.unknown_names and set(self.absent_words) <= set(self.unknown_names):
            return self.unknown_names
        return []

    @property
    def answered(self) -> bool:
        """True if at least one session passed the relevance gate."""
        return any(s.answers for s in self.sessions)

    @property
    def answering(self) -> list[SessionHit]:
        """The sessions that answer the question."""
        return [s for s in self.sessions if s.answers]


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
        self._bm25 = index.bm25
        self._num_chunks = len(index.chunks)
        self._article_position = {article_id: n for n, article_id in enumerate(index.articles)}
        # Which article each chunk row belongs to, for set operations on BM25 postings.
        self._article_of_row = np.fromiter(
            (self._article_position[c.article_id] for c in index.chunks), dtype=np.int64, count=self._num_chunks
        )

    def search(self, question: str, filters: SearchFilters | None = None) -> SearchResult:
        """Find the sessions that answer `question`, best first.

        Raises:
            QuestionError: the question has no words to search for.
        """
        filters = filters or SearchFilters()
        question = question.strip()[:MAX_QUESTION_CHARS]
        groups = query_terms(question)
        if not groups:
            raise QuestionError(
                "the question has no words to search for; ask with words, e.g. What was said about brand safety?"
            )
        allowed = self._allowed_rows(filters)
        query_vector = self.embedder.encode([question])[0]
        dense = self._dense_scores(query_vector, allowed)
        lexical = self._lexical_scores(groups, allowed)
        fused = self._fuse(dense, lexical)
        sessions = self._group_by_session(fused, dense, lexical, self._term_presence(groups), query_vector)
        unknown = self._unknown_names(question)
        self._apply_gate(sessions, unknown, len(groups))
        return SearchResult(
            question=question,
            sessions=sessions,
            term_groups=groups,
            unknown_names=unknown,
            absent_words=self._absent_words(question),
        )

    def _in_archive(self, word: str) -> bool:
        """True if any form of the word (a stem, or a stem of a translation) is indexed."""
        vocab = self._bm25.vocab_dict
        return any(stem in vocab for variant in expansions(word) for stem in stems(variant))

    def _absent_words(self, question: str) -> list[str]:
        """The question's content words of which no form occurs anywhere in the archive."""
        return [word for word in dict.fromkeys(content_words(question)) if not self._in_archive(word)]

    def _unknown_names(self, question: str) -> list[str]:
        """Names in the question (TikTok, Instagram) that no chunk of the archive holds:
        the question is about something the archive does not cover."""
        return [name for name in named_terms(question) if not self._in_archive(name)]

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

    def _dense_scores(self, vector: np.ndarray, allowed: np.ndarray | None) -> dict[int, float]:
        """Cosine similarity of the best chunks, by row."""
        import faiss

        if self._num_chunks == 0 or (allowed is not None and len(allowed) == 0):
            return {}
        k = min(self.settings.candidates, self._num_chunks if allowed is None else len(allowed))
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
        scores, rows = self.index.dense.search(vector.reshape(1, -1), k, params=params)
        return {int(r): float(s) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0}

    def _lexical_scores(self, groups: list[list[str]], allowed: np.ndarray | None) -> dict[int, float]:
        """BM25 scores of the best chunks, by row; every stem of every word is searched."""
        tokens = [stem for group in groups for stem in group if stem in self._bm25.vocab_dict]
        if not tokens or self._num_chunks == 0:
            return {}
        scores = self._bm25.get_scores(tokens)
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
        presence: list[tuple[float, np.ndarray]],
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

    def _term_presence(self, groups: list[list[str]]) -> list[tuple[float, np.ndarray]]:
        """For each question word: its weight (IDF of its rarest form; a word the archive
        never uses weighs the most) and a mask of the articles (by position) holding any form."""
        scores = self._bm25.scores
        indptr, indices = scores["indptr"], scores["indices"]
        n = max(self._num_chunks, 1)
        presence = []
        for group in groups:
            ids = [self._bm25.vocab_dict[s] for s in group if s in self._bm25.vocab_dict]
            postings = [indices[indptr[t] : indptr[t + 1]] for t in ids]
            postings = [p for p in postings if len(p)]
            mask = np.zeros(len(self._article_position), dtype=bool)
            if not postings:
                presence.append((math.log(1 + n), mask))
                continue
            rarest = min(len(p) for p in postings)
            for rows in postings:
                mask[self._article_of_row[rows]] = True
            presence.append((math.log(1 + n / rarest), mask))
        return presence

    def _coverage(self, article_id: str, presence: list[tuple[float, np.ndarray]]) -> dict:
        """IDF-weighted share of the question's words found in the article's chunks,
        and how many of those words were found."""
        position = self._article_position[article_id]
        total = sum(weight for weight, _ in presence)
        found = [weight for weight, articles in presence if articles[position]]
        return {"coverage": sum(found) / total if total else 0.0, "matched_words": len(found)}

    # --- the gate --------------------------------------------------------------------

    def _passes(self, hit: SessionHit, unknown_names: list[str], words: int) -> bool:
        """The relevance gate for one session."""
        s = self.settings
        # One shared word is chance ("Lyon", "meilleur"); two independent ones are a topic.
        if hit.matched_words < min(s.min_matched_words, words):
            return False
        if hit.coverage < s.min_coverage_floor:
            return False
        if unknown_names:  # "TikTok": the question's subject may be absent from the archive
            return hit.coverage >= s.min_coverage_unknown_name
        return hit.coverage >= s.min_coverage or hit.coverage + hit.dense >= s.min_evidence

    def _apply_gate(self, sessions: list[SessionHit], unknown_names: list[str], words: int) -> None:
        """Mark the best session if it passes, then further ones close enough to it.
        `words` is how many content words the question has."""
        if not sessions or not self._passes(sessions[0], unknown_names, words):
            return
        best = sessions[0].strength
        cited = 0
        for hit in sessions:
            if (
                cited < self.settings.max_sessions
                and self._passes(hit, unknown_names, words)
                and hit.strength >= self.settings.session_ratio * best
            ):
                hit.answers = True
                cited += 1
