"""The lexical index: BM25 over word stems, behind the three things retrieval asks
of it — does the archive know this token, which chunks hold it, and how well does
each chunk match a list of tokens.

bm25s does the scoring; nothing outside this module reads its arrays, so another
backend (a search server, a different BM25 library) only has to answer these three.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np


class LexicalIndex:
    """BM25 over the token lists of the chunks; rows are chunk rows."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict
        self._indptr = bm25.scores["indptr"]
        self._indices = bm25.scores["indices"]
        self.rows = int(bm25.scores.get("num_docs", 0)) or (int(self._indices.max()) + 1 if len(self._indices) else 0)

    @classmethod
    def build(cls, corpus: list[list[str]]) -> LexicalIndex:
        """Index one token list per chunk (an empty list is allowed)."""
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index([tokens or [""] for tokens in corpus], show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> None:
        """Write the arrays (.npy) and the vocabulary (.json): no pickle."""
        self._bm25.save(str(folder), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by `save`."""
        import bm25s

        return cls(bm25s.BM25.load(str(folder), allow_pickle=False))

    def knows(self, token: str) -> bool:
        """True if some chunk holds the token."""
        return token in self._vocab and len(self.postings(token)) > 0

    def postings(self, token: str) -> np.ndarray:
        """The rows of the chunks holding the token (empty when none does)."""
        position = self._vocab.get(token)
        if position is None:
            return np.zeros(0, dtype=np.int64)
        return self._indices[self._indptr[position] : self._indptr[position + 1]]

    def idf(self, tokens: list[str]) -> float:
        """Inverse document frequency of the rarest known token (0.0 if none is known)."""
        counts = [len(self.postings(t)) for t in tokens]
        counts = [c for c in counts if c]
        return math.log(1 + max(self.rows, 1) / min(counts)) if counts else 0.0

    def scores(self, tokens: list[str]) -> np.ndarray:
        """The BM25 score of every chunk row for the tokens (unknown tokens are ignored)."""
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return np.zeros(self.rows, dtype=np.float32)
        return self._bm25.get_scores(known)
