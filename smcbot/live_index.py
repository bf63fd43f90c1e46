"""The index a running process answers from, swapped for a rebuilt one between questions.

`smcbot index build` points the index folder's `current` link at a new build; a
`LiveIndex` notices, loads the new build once (even when several threads ask at
once), and keeps the last good one when the new build cannot be used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smcbot.errors import SmcbotError
from smcbot.index import ArchiveIndex, load_index
from smcbot.retrieval import HybridRetriever


@dataclass(frozen=True)
class Served:
    """One loaded build and what reads it (the retriever, the question router), always
    read together so a question never mixes two builds."""

    index: ArchiveIndex
    retriever: HybridRetriever
    router: Any = None


class LiveIndex:
    """Holds the build in use and swaps to a rebuilt one.

    Args:
        index: the build loaded at start.
        serve: makes the `Served` bundle (retriever, router) for a loaded build.
        model: the embedding model name a build must have been made with.
        index_dir: the folder to watch; None for an index that never changes.
    """

    def __init__(
        self,
        index: ArchiveIndex,
        *,
        serve: Callable[[ArchiveIndex], Served],
        model: str,
        index_dir: Path | None = None,
    ) -> None:
        self.index_dir = index_dir
        self._serve = serve
        self._model = model
        self._lock = threading.Lock()
        self._served = serve(index)
        self._loaded_target = self._current_target()

    @property
    def served(self) -> Served:
        """The build in use and its retriever."""
        return self._served

    def _current_target(self) -> str:
        """Where the index folder's `current` link points (changes on every rebuild)."""
        if self.index_dir is None:
            return ""
        try:
            return os.readlink(self.index_dir / "current")
        except OSError:
            return ""

    def _use(self, index: ArchiveIndex, target: str) -> None:
        """Serve `index`, loaded when `current` pointed at `target`."""
        self._served = self._serve(index)
        self._loaded_target = target

    def reload(self) -> ArchiveIndex:
        """Load the index folder again; a broken new index is refused and the old one kept.

        Raises:
            SmcbotError: the new index cannot be used (the old one stays in use).
        """
        if self.index_dir is None:
            raise SmcbotError("this answerer was not given an index folder to reload from")
        with self._lock:
            target = self._current_target()
            fresh = load_index(self.index_dir, model=self._model)
            self._use(fresh, target)
        return fresh

    def refresh_if_rebuilt(self) -> bool:
        """Swap to a rebuilt index if the folder now points at a new build.

        Threads asking at once load the new build once: the check is repeated under
        the lock. A broken build is remembered, so it is not retried on every question.
        """
        if self.index_dir is None or self._current_target() in ("", self._loaded_target):
            return False
        with self._lock:
            target = self._current_target()
            if target in ("", self._loaded_target):
                return False
            try:
                fresh = load_index(self.index_dir, model=self._model)
            except SmcbotError:
                self._loaded_target = target  # keep the last good index
                return False
            self._use(fresh, target)
        return True
