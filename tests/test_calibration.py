"""`smcbot calibrate`: the gate fitted to a model, cross-validated honestly, stored
with the index, overridden by settings, reported by the doctor."""

import json
from pathlib import Path

from smcbot.answering import Answerer
from smcbot.calibration import calibrate, collect, cross_validate, fit, score, store_thresholds
from smcbot.doctor import check_gate
from smcbot.index import current_build, load_index
from smcbot.retrieval import GateThresholds
from smcbot.settings import RetrievalSettings, load_settings

DEV = Path(__file__).resolve().parent / "data" / "dev.jsonl"
HELDOUT = Path(__file__).resolve().parent / "data" / "heldout.jsonl"


def test_cross_validation_never_scores_a_question_it_fitted_on(answerer):
    samples = collect(HELDOUT, answerer)
    seen_in_fits: list[set[str]] = []

    def recording_fitter(train):
        seen_in_fits.append({s.question for s in train})
        return fit(train, answerer.retriever.thresholds)

    figures = cross_validate(samples, recording_fitter, folds=4)
    assert len(seen_in_fits) == 4
    everyone = {s.question for s in samples}
    for fitted_on in seen_in_fits:
        held_out = everyone - fitted_on
        assert held_out and fitted_on and not held_out & fitted_on
    # Every question is held out exactly once.
    assert sum(len(everyone - f) for f in seen_in_fits) == len(samples)
    assert 0.0 <= figures["accuracy"] <= 1.0


def test_a_fitter_that_memorises_gains_nothing_in_cross_validation(answerer):
    """Thresholds that refuse everything score only the off-topic share out of fold."""
    samples = collect(HELDOUT, answerer)
    refuse_all = GateThresholds(2.0, 9.0, 2.0, 2.0, 0.0, 1.0)
    figures = cross_validate(samples, lambda train: refuse_all, folds=3)
    off_topic = sum(1 for s in samples if not s.expect) / len(samples)
    assert abs(figures["accuracy"] - off_topic) < 1e-9


def test_fit_improves_on_bad_thresholds(answerer):
    samples = collect(DEV, answerer)
    bad = GateThresholds(0.95, 1.9, 0.5, 0.95, 0.0, 0.5)
    assert score(samples, fit(samples, bad))["accuracy"] > score(samples, bad)["accuracy"]


def test_calibrate_stores_thresholds_the_retriever_then_uses(index_copy, real_embedder):
    index = load_index(index_copy, model=real_embedder.name)
    report = calibrate(DEV, Answerer(index, real_embedder, RetrievalSettings()), folds=3)
    assert 15 <= report["questions"] <= 21 and report["cross_validated"]["folds"] == 3
    store_thresholds(index_copy, report)
    manifest = json.loads((current_build(index_copy) / "manifest.json").read_text())
    assert manifest["gate"]["model"] == real_embedder.name
    # Pretend the fit chose another coverage: the retriever reads it, a setting overrides it.
    manifest["gate"]["thresholds"]["min_coverage"] = 0.77
    (current_build(index_copy) / "manifest.json").write_text(json.dumps(manifest))
    reloaded = load_index(index_copy, model=real_embedder.name)
    assert Answerer(reloaded, real_embedder, RetrievalSettings()).retriever.thresholds.min_coverage == 0.77
    explicit = Answerer(reloaded, real_embedder, RetrievalSettings(min_coverage=0.4))
    assert explicit.retriever.thresholds.min_coverage == 0.4


def test_thresholds_fitted_for_another_model_are_not_used(index_copy, real_embedder):
    manifest_path = current_build(index_copy) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["gate"] = {"model": "another-model", "thresholds": {"min_coverage": 0.99}, "questions": 9}
    manifest_path.write_text(json.dumps(manifest))
    index = load_index(index_copy, model=real_embedder.name)
    assert Answerer(index, real_embedder, RetrievalSettings()).retriever.thresholds.min_coverage == 0.45
    settings = load_settings(index_dir=index_copy)
    check = check_gate(settings, manifest)
    assert check.ok is False and "another-model" in check.detail


def test_doctor_says_when_no_thresholds_were_fitted(index_copy):
    manifest = json.loads((current_build(index_copy) / "manifest.json").read_text())
    check = check_gate(load_settings(index_dir=index_copy), manifest)
    assert check.ok is None and "smcbot calibrate" in check.detail


def test_fitted_thresholds_are_stored_only_when_they_beat_the_shipped_ones_held_out(index_copy, real_embedder):
    index = load_index(index_copy, model=real_embedder.name)
    answerer = Answerer(index, real_embedder, RetrievalSettings())
    report = calibrate(DEV, answerer, folds=3)
    shipped = {name: getattr(answerer.retriever.thresholds, name) for name in report["thresholds"]}
    if report["kept_shipped"]:  # the dev file is small and the shipped thresholds answer it well
        assert report["thresholds"] == shipped
    else:
        assert report["cross_validated"]["accuracy"] > report["shipped"]["accuracy"]
    # Thresholds that answer badly are replaced when the fit does better held out.
    bad = Answerer(index, real_embedder, RetrievalSettings(min_coverage=0.95, min_evidence=1.9, min_coverage_floor=0.5))
    bad_report = calibrate(DEV, bad, folds=3)
    assert not bad_report["kept_shipped"]
    assert bad_report["cross_validated"]["accuracy"] > bad_report["shipped"]["accuracy"]
