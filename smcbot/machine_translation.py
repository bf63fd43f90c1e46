"""Machine translation between English and French without a language model: Apertium.

The archive is French and the bundled embedding model reads English. At index
build, each passage gets an English gloss from Apertium, the rule-based
translation system Debian packages (`apertium-fr-es`, `apertium-eng-spa`; GPL,
run as separate programs, never part of our code; `scripts/setup.sh` installs
them). Apertium has no French–English pair, so the gloss goes through Spanish.
The model embeds the gloss beside the French text and BM25 indexes its words
(`smcbot.glosses`), so an English question meets the archive in the language the
model knows, in its own words.

A translation is rough ("les réseaux sociaux" may come out "the social
coverages"), but retrieval needs the words and the gist, not the style.
(Translating English questions into French the same way and letting either search
answer made English answers worse; `english_to_french` now serves a narrower use, off
by default: a refused question's translation may only confirm its first session,
see `smcbot.answering`. Single English words are translated too:
`english_words_in_french` gives the lexicon the common words FreeDict lacks, see
`smcbot.language`.)
The pipelines start once and stay up in "null flush" mode: a passage costs a few
milliseconds, not the 0.2 s of starting them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import select
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

APERTIUM_MODES = Path("/usr/share/apertium/modes")
FRENCH_TO_ENGLISH = ("fr-es", "spa-eng")
ENGLISH_TO_FRENCH = ("eng-spa", "es-fr")
# Characters Apertium's stream format reserves; escaped in what it is given.
RESERVED = re.compile(r"([\\\[\]^$/@*<>{}#~])")
# A blank and a full stop before each null: the bilingual lookup looks one character
# past a word, and without them waits for more input instead of flushing.
END = " .\n"
REPLY_SECONDS = 5.0
MAX_CHARS = 4000  # a passage is cut well below this


def available(pairs: Iterable[str], modes: Path = APERTIUM_MODES) -> bool:
    """True if Apertium and every language pair named are installed."""
    return shutil.which("lt-proc") is not None and all((modes / f"{pair}.mode").exists() for pair in pairs)


def key(modes: Path = APERTIUM_MODES) -> str:
    """What the English glosses of a build are made with (a rebuild redoes them when it changes)."""
    return "glosses-2" if available(FRENCH_TO_ENGLISH, modes) else "no-glosses"


# Raised when the words are translated differently (2: a word Apertium knows only
# capitalised, "Christmas"), so that caches and builds are made again.
WORDS_METHOD = 2


def words_key(modes: Path = APERTIUM_MODES) -> str:
    """What the English→French word translations of a build are made with (an upgraded
    dictionary changes it, so the next build redoes the lexicon)."""
    return f"words-{WORDS_METHOD}:{pairs_stamp(modes)}" if available(ENGLISH_TO_FRENCH, modes) else "no-words"


class Translator:
    """A text translator through a chain of Apertium pairs (French → Spanish → English).

    One text at a time goes through the pipelines (a lock). A pipeline that fails or
    stalls is stopped, and started again for the next text; that text gets None.
    """

    def __init__(self, pairs: tuple[str, ...], modes: Path = APERTIUM_MODES) -> None:
        self.pairs = pairs
        self.modes = modes
        self._lock = threading.Lock()
        self._pipes: list[subprocess.Popen] = []

    def __call__(self, text: str) -> str | None:
        """The translation of one text, or None when Apertium failed or was too slow."""
        with self._lock:
            try:
                if not self._pipes:
                    self._pipes = [self._start(pair) for pair in self.pairs]
                text = text[:MAX_CHARS]
                for pipe in self._pipes:
                    text = _through(pipe, text)
            except (OSError, TimeoutError, ValueError) as error:
                log.warning("Apertium did not translate a text (%s); it restarts for the next one", error)
                self.close()
                return None
        return _clean(text) or None

    def _start(self, pair: str) -> subprocess.Popen:
        """One language pair's pipeline, every stage flushing at each null character."""
        mode = (self.modes / f"{pair}.mode").read_text(encoding="utf-8").strip()
        mode = mode.replace("$1", "-n").replace("$2", "")  # -n: no marks on unknown words
        stages = [re.sub(r"^(\S+)", r"\1 -z", stage.strip()) for stage in mode.split("|")]
        return subprocess.Popen(
            ["sh", "-c", " | ".join(stages)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: close() stops every stage
        )

    def close(self) -> None:
        """Stop the pipelines (they start again on the next text)."""
        for pipe in self._pipes:
            with contextlib.suppress(OSError):
                os.killpg(pipe.pid, signal.SIGTERM)
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                pipe.wait(timeout=1)
        self._pipes = []


def _through(pipe: subprocess.Popen, text: str) -> str:
    """Send one text through one pipeline and read its translation.

    Raises:
        TimeoutError: no reply in REPLY_SECONDS. ValueError: the pipeline stopped.
    """
    assert pipe.stdin is not None and pipe.stdout is not None
    # A NUL in the text would end it early for every stage (null-flush mode) and shift
    # the pipeline by one reply for good: it is a space here.
    clean = " ".join(text.replace("\0", " ").split())
    pipe.stdin.write(RESERVED.sub(r"\\\1", clean).encode() + END.encode() + b"\0")
    pipe.stdin.flush()
    out = b""
    deadline = time.monotonic() + REPLY_SECONDS
    while not out.endswith(b"\0"):
        ready, _, _ = select.select([pipe.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise TimeoutError("no reply from Apertium")
        chunk = os.read(pipe.stdout.fileno(), 65536)
        if not chunk:
            raise ValueError("Apertium stopped")
        out += chunk
    return out[:-1].decode("utf-8", "replace")


def _clean(text: str) -> str:
    """The translation without the end marks added for flushing and Apertium's escapes."""
    text = text.replace("\\", "")
    text = re.sub(r"(?:\s*\.\s*)+$", "", text.strip())  # the flush marks, once per pair
    return " ".join(re.sub(r"[*#@~]", "", text).split())


def english_words_in_french(words: Sequence[str], modes: Path = APERTIUM_MODES) -> dict[str, str]:
    """Each English word's French translation through Spanish, as Apertium's bilingual
    dictionaries give it out of context ("phone" → "Téléphone", "crew" → "Équipage"); a
    word Apertium does not know ("bigots") is left out, and so is everything when
    Apertium or a pair is missing. Words go `WORDS_PER_TEXT` to a text, one sentence
    each, so that thousands take seconds; those it does not know are tried again
    capitalised ("Christmas", `_as_names`)."""
    if not available(ENGLISH_TO_FRENCH, modes):
        return {}
    to_spanish, to_french = Translator(ENGLISH_TO_FRENCH[:1], modes), Translator(ENGLISH_TO_FRENCH[1:], modes)
    try:
        # A word a dictionary lacks comes back as it went in; the next would then read
        # it as a word of its own language ("seo", a Spanish cathedral): left out.
        spanish = _translated_only(_word_by_word(to_spanish, words))
        spanish |= _as_names(to_spanish, [word for word in words if word not in spanish])
        french = _translated_only(_word_by_word(to_french, list(dict.fromkeys(spanish.values()))))
    finally:
        to_spanish.close()
        to_french.close()
    return {word: french[found] for word, found in spanish.items() if found in french}


def _as_names(translator: Translator, words: Sequence[str]) -> dict[str, str]:
    """The words Apertium knows only capitalised, as it keeps holidays, days, peoples and
    languages ("Christmas" → "Navidad", "Monday", "French"; "christmas" comes back as it
    went in), each under the word as asked."""
    capitalised = {word.capitalize(): word for word in words if word.isalpha()}
    found = _translated_only(_word_by_word(translator, list(capitalised)))
    return {capitalised[name]: translation for name, translation in found.items()}


def _translated_only(found: dict[str, str]) -> dict[str, str]:
    """The words a dictionary knew: those that did not come back as they went in."""
    return {word: translation for word, translation in found.items() if translation.lower() != word.lower()}


WORDS_PER_TEXT = 200


def cached_english_words_in_french(words: Sequence[str], cache: Path, modes: Path = APERTIUM_MODES) -> dict[str, str]:
    """`english_words_in_french`, kept in `cache` (a JSON file) for the next build: the
    same words through the same dictionaries give the same translations, and every build
    needs them (seconds each). A damaged cache file is only made again. The process also
    keeps the last translations it made or read: a bot that rebuilds its live index, or
    builds of several folders, translate once."""
    stamp = hashlib.sha256(("\n".join(words) + words_key(modes)).encode()).hexdigest()[:16]
    remembered = _LAST_WORDS.get(stamp)
    saved = _read_cache(cache, stamp) if remembered is None else None
    found = remembered or saved or english_words_in_french(words, modes)
    if found:  # nothing is kept from a missing Apertium: installing it later takes effect
        _LAST_WORDS.clear()
        _LAST_WORDS[stamp] = found
        # the file is read at most once: written when it was found lacking or not read
        if saved is None and (remembered is None or _read_cache(cache, stamp) is None):
            with contextlib.suppress(OSError):
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_text(json.dumps({"stamp": stamp, "words": found}, ensure_ascii=False), encoding="utf-8")
    return dict(found)


# The last word translations this process made or read, by their stamp (one entry).
_LAST_WORDS: dict[str, dict[str, str]] = {}


def _read_cache(cache: Path, stamp: str) -> dict[str, str] | None:
    """The translations kept in `cache` for this stamp; None if it is missing, damaged
    or made for other words or dictionaries."""
    try:
        saved = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = saved.get("words") if isinstance(saved, dict) and saved.get("stamp") == stamp else None
    if not isinstance(found, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in found.items()):
        return None
    return found


def pairs_stamp(modes: Path = APERTIUM_MODES) -> str:
    """A digest of the English→French pairs' files (their paths, sizes and times), so
    that an upgraded dictionary gives the words again."""
    digest = hashlib.sha256()
    for pair in ENGLISH_TO_FRENCH:
        mode = modes / f"{pair}.mode"
        text = mode.read_text(encoding="utf-8") if mode.exists() else ""
        digest.update(text.encode())
        for path in sorted(set(re.findall(r"/[^\s'\"|]+", text))):
            with contextlib.suppress(OSError):
                info = os.stat(path)
                digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _word_by_word(translator: Translator, words: Sequence[str]) -> dict[str, str]:
    """Each word's translation, by texts of many words each a sentence; a text whose
    translation does not split back into as many sentences is done one word at a time.
    When Apertium fails (no translation at all), the words found so far are all there is:
    retrying thousands of words one by one through a broken pipeline would take hours."""
    found: dict[str, str] = {}
    for start in range(0, len(words), WORDS_PER_TEXT):
        batch = list(words[start : start + WORDS_PER_TEXT])
        translated = translator(" . ".join(batch))
        if translated is None:
            log.warning("Apertium failed on English words; the lexicon keeps the %d translated so far", len(found))
            return found
        parts = re.split(r"\s*\.\s*", translated.strip())
        if len(parts) == len(batch) and all(parts):
            found.update(zip(batch, parts, strict=True))
            continue
        for word in batch:  # a translation with a full stop of its own ("EE.UU."): one at a time
            if one := (translator(word) or "").strip():
                found[word] = one
    return found


def french_to_english(modes: Path = APERTIUM_MODES) -> Translator | None:
    """A passage translator into English, or None when Apertium or a pair is missing."""
    return Translator(FRENCH_TO_ENGLISH, modes) if available(FRENCH_TO_ENGLISH, modes) else None


@functools.lru_cache(maxsize=4)
def english_to_french(modes: Path = APERTIUM_MODES) -> Translator | None:
    """The process's question translator into French (through Spanish), or None when
    Apertium or a pair is missing. One per process: its pipelines hold about 300 MB, and
    it translates one text at a time for every thread (a few milliseconds each)."""
    return Translator(ENGLISH_TO_FRENCH, modes) if available(ENGLISH_TO_FRENCH, modes) else None
