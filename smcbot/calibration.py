"""Fit the relevance gate's thresholds to the configured embedding model.

How close a question and a passage look depends on the model: a multilingual
model gives other cosine similarities than the bundled English MiniLM, so a gate
tuned for one refuses or lets through the wrong questions with the other.
`smcbot calibrate` searches every question of an eval file once, then fits the
thresholds of the gate (`FITTED`) on the signals it saw, by coordinate descent
over a grid, preferring the shipped value on ties. The accuracy it reports is
cross-validated: each fold is scored with thresholds fitted on the other folds
only. The thresholds are stored in the index manifest for that model.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from smcbot.answering import Answerer
from smcbot.errors import SmcbotError
from smcbot.evaluation import read_questions, title_matches
from smcbot.index import current_build
from smcbot.retrieval import FITTED, GateContext, GateThresholds, SessionHit, apply_gate

GRIDS = {
    "min_coverage": [x / 100 for x in range(30, 95, 5)],
    "min_evidence": [x / 100 for x in range(50, 160, 5)],
    "min_coverage_floor": [x / 100 for x in range(5, 55, 5)],
    "min_coverage_unknown_name": [x / 100 for x in range(40, 100, 5)],
    "dense_lift_weight": [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0],
    "session_ratio": [x / 100 for x in range(30, 100, 5)],
}
FALSE_ANSWER_COST = 2.0  # a wrong answer costs more than a refusal
CITATION_WEIGHT = 0.25


@dataclass
class Sample:
    """One question searched once: its candidate sessions and what is right for it."""

    question: str
    expect: list[str]
    also: list[str]
    sessions: list[SessionHit]
    gate: GateContext

    def is_expected(self, hit: SessionHit) -> bool:
        """The session is one the question expects first."""
        return any(title_matches(hit.article.title, e) for e in self.expect)

    def is_right(self, hit: SessionHit) -> bool:
        """The session is a right citation (`expect` or `also`)."""
        return self.is_expected(hit) or any(title_matches(hit.article.title, e) for e in self.also)


def collect(path: Path, answerer: Answerer) -> list[Sample]:
    """Search every question of an eval file once (those the question router answers,
    about people, periods and series, never reach the gate and are left out)."""
    samples = []
    retriever = answerer.retriever
    for entry in read_questions(path):
        if "turns" in entry or _routed(answerer, entry["q"]):
            continue
        try:
            result = retriever.search(entry["q"])
        except SmcbotError:
            continue
        samples.append(
            Sample(
                question=entry["q"],
                expect=[str(e) for e in entry.get("expect", [])],
                also=[str(e) for e in entry.get("also", [])],
                sessions=result.sessions,
                gate=result.gate,
            )
        )
    return samples


def _routed(answerer: Answerer, question: str) -> bool:
    """A question about people, periods or series: the router answers it, not the gate."""
    router = answerer.router
    if router is None:
        return False
    try:
        query = answerer.retriever.analyse(question)
        return router.answer(query, query.language, None) is not None
    except SmcbotError:
        return False


def score(samples: Sequence[Sample], thresholds: GateThresholds) -> dict:
    """Accuracy (first citation right, or a refusal when nothing answers), wrong
    answers (a wrong first session, or any answer to an off-topic question), false
    refusals and citation precision under `thresholds`."""
    right = wrong_answers = refusals = cited = right_cited = 0
    for sample in samples:
        apply_gate(sample.sessions, thresholds, sample.gate)
        answering = [h for h in sample.sessions if h.answers]
        cited += len(answering)
        right_cited += sum(1 for h in answering if sample.is_right(h))
        if not sample.expect:
            right += not answering
            wrong_answers += bool(answering)
        elif not answering:
            refusals += 1
        elif sample.is_expected(answering[0]):
            right += 1
        else:
            wrong_answers += 1
    n = max(len(samples), 1)
    return {
        "accuracy": right / n,
        "wrong_answers": wrong_answers,
        "false_refusals": refusals,
        "citation_precision": right_cited / cited if cited else 1.0,
    }


def objective(figures: dict, n: int) -> float:
    """What the fit maximises: accuracy, wrong answers counted extra, then citations."""
    extra = (FALSE_ANSWER_COST - 1) * figures["wrong_answers"] / max(n, 1)
    return figures["accuracy"] - extra + CITATION_WEIGHT * figures["citation_precision"]


def fit(samples: Sequence[Sample], start: GateThresholds, rounds: int = 3) -> GateThresholds:
    """Coordinate descent over the grids from `start`; ties keep the value nearest `start`."""
    best = start
    best_value = objective(score(samples, best), len(samples))
    for _ in range(rounds):
        improved = False
        for name in FITTED:
            origin = getattr(start, name)
            for value in sorted(GRIDS[name], key=lambda v: abs(v - origin)):
                candidate = replace(best, **{name: value})
                candidate_value = objective(score(samples, candidate), len(samples))
                if candidate_value > best_value + 1e-9:
                    best, best_value, improved = candidate, candidate_value, True
        if not improved:
            break
    return best


def cross_validate(
    samples: Sequence[Sample],
    fitter: Callable[[Sequence[Sample]], GateThresholds],
    *,
    folds: int = 5,
    seed: int = 0,
) -> dict:
    """Score each fold with thresholds fitted on the other folds only.

    Returns the pooled figures over all held-out questions.
    """
    order = list(range(len(samples)))
    random.Random(seed).shuffle(order)
    folds = max(2, min(folds, len(samples)))
    held_out_figures = []
    for k in range(folds):
        held = [samples[i] for i in order[k::folds]]
        train = [samples[i] for n, i in enumerate(order) if n % folds != k]
        thresholds = fitter(train)
        figures = score(held, thresholds)
        held_out_figures.append((len(held), figures))
    total = sum(n for n, _ in held_out_figures) or 1
    return {
        "accuracy": sum(n * f["accuracy"] for n, f in held_out_figures) / total,
        "wrong_answers": sum(f["wrong_answers"] for _, f in held_out_figures),
        "false_refusals": sum(f["false_refusals"] for _, f in held_out_figures),
        "folds": folds,
    }


def calibrate(path: Path, answerer: Answerer, *, folds: int = 5) -> dict:
    """Fit the gate on an eval file; report shipped, fitted and cross-validated figures."""
    samples = collect(path, answerer)
    if len(samples) < 4 or not any(s.expect for s in samples) or all(s.expect for s in samples):
        raise SmcbotError(f"{path}: calibration needs answerable and unanswerable questions (at least 4)")
    shipped = answerer.retriever.thresholds
    fitted = fit(samples, shipped)
    shipped_figures = score(samples, shipped)
    validated = cross_validate(samples, lambda train: fit(train, shipped), folds=folds)
    # Fitting pays only if thresholds fitted without a question do better on it than the
    # shipped ones: on a small or easy file they do not, and the shipped ones are kept.
    kept = not _beats(validated, shipped_figures, len(samples))
    stored = shipped if kept else fitted
    return {
        "model": answerer.embedder.name,
        "questions": len(samples),
        "thresholds": {name: getattr(stored, name) for name in FITTED},
        "kept_shipped": kept,
        "shipped": shipped_figures,
        "fitted": score(samples, fitted),
        "cross_validated": validated,
    }


def _beats(validated: dict, shipped: dict, n: int) -> bool:
    """True if the cross-validated figures beat the shipped thresholds' (accuracy, wrong
    answers counted extra), by at least one question."""

    def value(figures: dict) -> float:
        return figures["accuracy"] - (FALSE_ANSWER_COST - 1) * figures["wrong_answers"] / max(n, 1)

    return value(validated) >= value(shipped) + 1 / max(n, 1) - 1e-9


def store_thresholds(index_dir: Path, report: dict) -> Path:
    """Write the fitted thresholds into the current build's manifest (atomically)."""
    build = current_build(index_dir)
    path = build / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["gate"] = {
        "model": report["model"],
        "thresholds": report["thresholds"],
        "questions": report["questions"],
        "cross_validated_accuracy": round(report["cross_validated"]["accuracy"], 4),
        "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    temporary = path.with_name(f".manifest-{os.getpid()}.json")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    os.replace(temporary, path)
    return path
