"""`smcbot eval`: citation precision with `also`, figures per language, bad files."""

import json

import pytest

from smcbot.errors import SourceError
from smcbot.evaluation import evaluate_file, read_questions
from tests.helpers.cli import ROOT, run_cli

DATA = ROOT / "tests" / "data"
# The shared dev set, beside the checkout (or beside its folder of worktrees) where there is one.
SHARED_DEV = [base / "shared" / "eval" / "dev.jsonl" for base in (ROOT.parent, ROOT.parent.parent)]


def write(path, lines):
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    return path


def test_citation_precision_counts_expect_and_also_as_right(answerer, tmp_path):
    question = "How should internal communication be handled in a crisis?"
    cited = [s.title for s in answerer.answer(question).sources]
    assert cited
    first_only = evaluate_file(write(tmp_path / "a.jsonl", [{"q": question, "expect": [cited[0]]}]), answerer)
    assert first_only["metrics"]["citation_precision"] == 1 / len(cited)
    everyone = [{"q": question, "expect": [cited[0]], "also": cited[1:]}]
    assert evaluate_file(write(tmp_path / "b.jsonl", everyone), answerer)["metrics"]["citation_precision"] == 1.0


def test_an_off_topic_answer_is_a_wrong_citation(answerer, tmp_path):
    lines = [{"q": "What can brands learn from WeChat?", "expect": []}]
    metrics = evaluate_file(write(tmp_path / "c.jsonl", lines), answerer)["metrics"]
    assert metrics["false_answers"] == 1 and metrics["citation_precision"] == 0.0


def test_figures_per_language(answerer, tmp_path):
    lines = [
        {"q": "What can brands learn from WeChat?", "lang": "en", "expect": ["réseaux sociaux chinois"]},
        {"q": "Que faut-il savoir sur WeChat ?", "lang": "fr", "expect": ["réseaux sociaux chinois"]},
        {"q": "Comment réparer un vélo ?", "lang": "fr", "expect": []},
    ]
    metrics = evaluate_file(write(tmp_path / "d.jsonl", lines), answerer)["metrics"]
    assert set(metrics["by_language"]) == {"fr", "en"}
    assert metrics["by_language"]["fr"]["questions"] == 2 and metrics["by_language"]["en"]["questions"] == 1
    assert metrics["by_language"]["fr"]["no_answer_accuracy"] == 1.0
    assert metrics["by_language"]["en"]["hit@1"] == 1.0


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"q": ""}', "line 1: expected"),  # no question
        ('{"q": "brand safety", "expect_speakers": "Jean"}', "line 1: expected"),  # read letter by letter
        ('{"q": "brand safety", "expect": "safety"}', "line 1: expected"),
        ("not json", "line 1: not valid JSON"),
        # Without "expect" it would count as off-topic: a right answer scored as a false one.
        ('{"q": "brand safety", "expected": ["IA"]}', 'line 1: the question has no "expect" \\("expected" is not a'),
        ('{"q": "brand safety"}', 'line 1: the question has no "expect"; .* or "expect": \\[\\] for a question'),
        ('{"turns": [{"q": "brand safety", "expect": []}, {"q": "and in 2020?"}]}', 'line 1: turn 2 has no "expect"'),
    ],
)
def test_a_malformed_line_is_named(tmp_path, content, said):
    path = tmp_path / "q.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=said):
        read_questions(path)


def test_every_shipped_question_file_reads():
    """The sets the tests and the README score (every line carries "expect")."""
    files = sorted(DATA.rglob("*.jsonl")) + [path for path in SHARED_DEV if path.exists()]
    assert len(files) > 10
    for path in files:
        assert read_questions(path), path


def test_a_byte_order_mark_is_read_as_text(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"q": "brand safety", "expect": ["IA"]}', encoding="utf-8-sig")
    assert read_questions(path) == [{"q": "brand safety", "expect": ["IA"]}]


def test_a_folder_given_as_the_questions_file_is_one_line_not_a_traceback(bundled_index_dir, tmp_path):
    for command in (["eval"], ["calibrate"]):
        result = run_cli(*command, str(tmp_path), "--index-dir", str(bundled_index_dir))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr and "is a folder" in result.stderr, result.stderr
