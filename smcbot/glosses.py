"""English glosses of the archive's passages, embedded beside the French text.

The bundled embedding model reads English; the archive is French. At index build
each passage is machine-translated into English (`smcbot.machine_translation`) and
the model embeds that gloss too (`gloss.faiss`, same rows as `dense.faiss`), so an
English question ("getting our staff to speak up for the company online") meets
the passages in the language the model knows. Retrieval takes, for each passage,
the closer of its two vectors. Glosses are cached by passage text, like vectors:
an unchanged passage is neither translated nor embedded again.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from smcbot.embedding import text_hash
from smcbot.machine_translation import french_to_english

log = logging.getLogger(__name__)

GLOSS_FILE = "gloss.faiss"
GLOSS_VARIANT = "english-gloss"  # gloss vectors share the embedding cache under their own key


class GlossCache:
    """English glosses already made, by passage text hash, in a SQLite file. A fault
    only means the passages are translated again."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(path)
            self._db.execute("CREATE TABLE IF NOT EXISTS glosses (text_hash TEXT PRIMARY KEY, gloss TEXT NOT NULL)")
        except sqlite3.Error as error:
            log.warning("the gloss cache %s cannot be used (%s); translating without it", path, error)
            self._db = None

    def get(self, hashes: list[str]) -> dict[str, str]:
        """The cached glosses among `hashes`."""
        if self._db is None:
            return {}
        found: dict[str, str] = {}
        for start in range(0, len(hashes), 500):
            batch = hashes[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(f"SELECT text_hash, gloss FROM glosses WHERE text_hash IN ({marks})", batch)
            found.update(dict(rows))
        return found

    def keep(self, glosses: dict[str, str]) -> None:
        """Hold exactly these glosses (the archive's, no more)."""
        if self._db is None:
            return
        with self._db:
            self._db.execute("DELETE FROM glosses")
            self._db.executemany("INSERT INTO glosses VALUES (?, ?)", list(glosses.items()))

    def close(self) -> None:
        """Close the file."""
        if self._db is not None:
            self._db.close()


def english_glosses(
    texts: list[str],
    cache_path: Path,
    progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
) -> list[str]:
    """The English gloss of each text, translated where the cache lacks it; a text
    Apertium fails on keeps itself as its gloss (its names and English terms still count).
    `stop`, once set, ends the translation (the build it was for failed).

    Raises:
        LookupError: Apertium or one of its language pairs is not installed.
        InterruptedError: `stop` was set.
    """
    translator = french_to_english()
    if translator is None:
        raise LookupError("Apertium's French→English pairs are not installed")
    cache = GlossCache(cache_path)
    try:
        hashes = [text_hash(text) for text in texts]
        known = cache.get(list(dict.fromkeys(hashes)))
        for position, (text, digest) in enumerate(zip(texts, hashes, strict=True)):
            if stop is not None and stop.is_set():
                raise InterruptedError("the build stopped")
            if digest not in known:
                known[digest] = translator(text) or text
            if progress and position % 20 == 19:
                progress(20)
        if progress and len(texts) % 20:
            progress(len(texts) % 20)
        cache.keep({digest: known[digest] for digest in hashes})
        return [known[digest] for digest in hashes]
    finally:
        translator.close()
        cache.close()
