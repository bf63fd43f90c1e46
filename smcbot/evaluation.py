"""Score answers against questions whose answering sessions are known.

Each line of the file is `{"q": str, "expect": [title fragments]}`; an empty
`expect` means nothing in the archive answers the question. A line may add
`"also"` (other sessions that answer it: right citations, not counted for
hit@1), `"lang"` (`fr` or `en`), `expect_speakers` (names the answer must show)
and `expect_titles_all` (sessions that must all be cited). A line
`{"turns": [{"q", "expect"}, ...]}` is a conversation, asked in order with
follow-ups read against the answers before. Titles match when a
fragment is found in them ignoring case, typographic quotes and apostrophes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from smcbot.answering import Answerer
from smcbot.errors import SmcbotError, SourceError
from smcbot.followups import FollowUps
from smcbot.models import Answer
from smcbot.text import fold


def title_matches(title: str, fragment: str) -> bool:
    """True if `fragment` occurs in `title`, ignoring case and typographic marks."""
    return _comparable(fragment) in _comparable(title)


def _comparable(text: str) -> str:
    """Folded text with quotation marks dropped and spaces collapsed."""
    return " ".join(fold(text).replace('"', " ").split())


def read_questions(path: Path) -> list[dict]:
    """Read the question file, naming the line of any malformed entry.

    Raises:
        SourceError: the file cannot be read, holds no question, or a line is malformed
            (not JSON, not a question or conversation, or a question without `"expect"`).
    """
    questions = [_entry(path, number, line) for number, line in enumerate(_lines(path), 1) if line.strip()]
    if not questions:
        raise SourceError(f"{path}: no questions in the file")
    return questions


def _lines(path: Path) -> list[str]:
    """The file's lines, or one line saying why it cannot be read."""
    try:
        # utf-8-sig: a file saved with a byte-order mark reads like one without
        return path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise SourceError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a folder; give a .jsonl file of questions, one per line") from None
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror or error})") from None


def _entry(path: Path, number: int, line: str) -> dict:
    """One line's question or conversation, checked."""
    where = f"{path}, line {number}"
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as error:
        raise SourceError(f"{where}: not valid JSON ({error.msg})") from None
    turns = entry.get("turns") if isinstance(entry, dict) else None
    if not (_is_question(entry) or (isinstance(turns, list) and turns and all(map(_is_question, turns)))):
        raise SourceError(f'{where}: expected {{"q": "...", "expect": [...]}} or {{"turns": [{{"q": ...}}, ...]}}')
    for turn, question in enumerate(turns or [entry], 1):
        if "expect" not in question:
            raise SourceError(f"{where}: {_missing_expect(question, turn if turns else None)}")
    return entry


def _missing_expect(question: dict, turn: int | None) -> str:
    """What to say of a question without `"expect"`. Read as off-topic, a typo ("expected")
    would score a right answer as a false one, so the line is refused instead."""
    which = f"turn {turn} has" if turn else "the question has"
    typo = [key for key in question if key.startswith("expect") and key not in LIST_FIELDS]
    hint = f' ("{typo[0]}" is not a field: a typo?)' if typo else ""
    return (
        f'{which} no "expect"{hint}; give the title fragments of the sessions that answer it, '
        'or "expect": [] for a question nothing in the archive answers'
    )


# The fields holding lists of title fragments or names: a string there would be read
# letter by letter.
LIST_FIELDS = ("expect", "also", "expect_speakers", "expect_titles_all")


def _is_question(entry: object) -> bool:
    """A line (or a conversation's turn) of the form {"q": "a question", "expect": [...],
    "also": [...]}: a question with words, and lists where lists are expected."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("q"), str)
        and bool(entry["q"].strip())
        and all(isinstance(entry.get(field, []), list) for field in LIST_FIELDS)
    )


def evaluate_file(path: Path, answerer: Answerer) -> dict:
    """Answer every question of the file and score the answers.

    A line `{"turns": [...]}` is a conversation: its questions are asked in order in
    one fresh conversation, each read against the answers before it (follow-ups).

    Returns:
        `{"metrics": {...}, "results": [{"q", "answered", "sources", "seconds", ...}
        or {"turns": [{"q", "answered", "sources", "seconds", ...}, ...]}]}`.
    """
    results = [
        _evaluate_conversation(entry, answerer) if "turns" in entry else _evaluate_one(entry, answerer.answer)
        for entry in read_questions(path)
    ]
    questions = [r for r in results if "turns" not in r]
    turns = [turn for r in results if "turns" in r for turn in r["turns"]]
    metrics = _metrics(questions) if questions else {}
    if turns:
        metrics.update(_turn_metrics(turns))
    return {"metrics": metrics, "results": results}


def _evaluate_conversation(entry: dict, answerer: Answerer) -> dict:
    """Ask a conversation's turns in order, each a follow-up of the answers before it."""
    followups, context = FollowUps(answerer), None

    def in_conversation(question: str) -> Answer:
        nonlocal context
        turn = followups.answer(question, context)
        context = turn.context
        return turn.answer

    conversation = {"turns": [_evaluate_one(turn, in_conversation) for turn in entry["turns"]]}
    if "kind" in entry:
        conversation["kind"] = entry["kind"]
    return conversation


def _turn_metrics(turns: list[dict]) -> dict:
    """Turn-level figures of the conversations: hit@1 on the answerable turns, refusals."""
    answerable = [t for t in turns if t["expect"]]
    off_topic = [t for t in turns if not t["expect"]]
    return {
        "turns": len(turns),
        "turn_hit@1": _share([t["rank"] == 1 for t in answerable]),
        "turn_refusals": sum(1 for t in answerable if not t["answered"]),
        "turn_no_answer_accuracy": _share([not t["answered"] for t in off_topic]),
        "turn_accuracy": _share([t["ok"] for t in turns]),
    }


def _evaluate_one(entry: dict, answer_question: Callable[[str], Answer]) -> dict:
    """Answer one question and note where the expected session ranks."""
    started = time.perf_counter()
    try:
        answer = answer_question(entry["q"])
        answered, titles, language = answer.answered, [s.title for s in answer.sources], answer.language
        text = answer.text
    except SmcbotError:
        answered, titles, language, text = False, [], "", ""
    seconds = time.perf_counter() - started
    expect = [str(e) for e in entry.get("expect", [])]
    right = expect + [str(e) for e in entry.get("also", [])]
    rank = next((n for n, t in enumerate(titles, 1) if any(title_matches(t, e) for e in expect)), None)
    ok = (rank == 1) if expect else not answered
    result = {"q": entry["q"], "answered": answered, "sources": titles, "seconds": round(seconds, 4)}
    result.update({"expect": expect, "rank": rank, "ok": ok, "language": language})
    # Every cited session is right or wrong; an off-topic question's citations are all wrong.
    result["right_citations"] = sum(1 for t in titles if any(title_matches(t, e) for e in right))
    if "lang" in entry:
        result["lang"] = entry["lang"]
        result["language_ok"] = language == entry["lang"]
    result.update(_extra_checks(entry, text, titles))
    result["ok"] = ok and result.get("speakers_ok", True) and result.get("titles_all_ok", True)
    return result


def _extra_checks(entry: dict, text: str, titles: list[str]) -> dict:
    """`expect_speakers` (every name appears in the answer) and `expect_titles_all`
    (every listed session is cited), for the lines that carry them."""
    checks = {}
    if entry.get("expect_speakers"):
        shown = _comparable(text)
        checks["speakers_ok"] = all(_comparable(name) in shown for name in entry["expect_speakers"])
    if entry.get("expect_titles_all"):
        fragments = [str(f) for f in entry["expect_titles_all"]]
        checks["titles_all_ok"] = all(any(title_matches(t, f) for t in titles) for f in fragments)
    return checks


def _metrics(results: list[dict]) -> dict:
    """The totals, and the same figures for each language the file marks (`lang`)."""
    metrics = _figures(results)
    by_language = {
        lang: _figures([r for r in results if r.get("lang") == lang])
        for lang in ("fr", "en")
        if any(r.get("lang") == lang for r in results)
    }
    metrics["by_language"] = by_language
    return metrics


def _figures(results: list[dict]) -> dict:
    """hit@1, hit@3, MRR, no-answer accuracy, false refusals, citation precision, timings."""
    answerable = [r for r in results if r["expect"]]
    off_topic = [r for r in results if not r["expect"]]
    ranks = [r["rank"] for r in answerable]
    seconds = sorted(r["seconds"] for r in results)
    metrics = {
        "questions": len(results),
        "hit@1": _share([r is not None and r <= 1 for r in ranks]),
        "hit@3": _share([r is not None and r <= 3 for r in ranks]),
        "mrr": sum(1.0 / r for r in ranks if r) / len(ranks) if ranks else 0.0,
        "no_answer_accuracy": _share([not r["answered"] for r in off_topic]),
        "false_refusals": sum(1 for r in answerable if not r["answered"]),
        "false_answers": sum(1 for r in off_topic if r["answered"]),
        "citation_precision": _citation_precision(results),
        "median_seconds": seconds[len(seconds) // 2] if seconds else 0.0,
    }
    languages = [r["language_ok"] for r in results if "language_ok" in r]
    if languages:
        metrics["language_accuracy"] = _share(languages)
    for check in ("speakers_ok", "titles_all_ok"):
        flags = [r[check] for r in results if check in r]
        if flags:
            metrics[check.replace("_ok", "_accuracy")] = _share(flags)
    metrics["all_checks"] = _share([r["ok"] for r in results])
    return metrics


def _citation_precision(results: list[dict]) -> float:
    """Cited sessions named by `expect` or `also`, over all sessions cited (1.0 if none)."""
    cited = sum(len(r["sources"]) for r in results)
    return sum(r["right_citations"] for r in results) / cited if cited else 1.0


def _share(flags: list[bool]) -> float:
    """Fraction of true values (1.0 for an empty list: nothing failed)."""
    return sum(flags) / len(flags) if flags else 1.0
