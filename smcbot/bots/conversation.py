"""The conversation around an answer, shared by every front end (Telegram, Slack, the CLI).

A front end parses what arrives into a question and an `Asker`, calls
`ConversationCore.ask` (or `ask_blocking` from a thread), renders the `Reply`
and sends it. Everything else happens here, the same way for every channel:

- **checks**: an empty question, one too long, one with no words, one that is
  not text, a member asking too often (`SMCBOT_<CHANNEL>__RATE_LIMIT_PER_MINUTE`)
  each get a `Reply` holding a notice from the wording table instead of an answer;
- **the answer**, computed on a pool of threads sized to the machine's cores
  (`smcbot.bots.ordering`), with every store call of a question, so the event loop
  of an async front end is never blocked and, under a burst, the oldest question's
  steps go first: each answer is ready (and sent) as soon as its own work is done;
- **the written answer** (`SMCBOT_LLM__ENABLED`), streamed through the checked
  sentences of `smcbot.synthesis`, the quoted answer standing in when it fails;
- **recording** with one failure policy: the answer log line is always written,
  a store that fails costs the feedback buttons, never the reply (the record is
  retried in the background, then dropped with a log line), and a reply that
  could not be delivered is not counted as answered;
- **conversations**: a question asked in a conversation (`Asker.conversation`) is
  read against the context the last answer left (`smcbot.followups`), kept in the
  question store so it survives a restart and is shared by replicas;
- **start-up and shutdown** (`serving`): the index, the store, the daily retention.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from smcbot.bots.ordering import OrderedPool, run_on
from smcbot.errors import QuestionError
from smcbot.followups import Context, FollowUps, Turn
from smcbot.logs import log_answer
from smcbot.text import words
from smcbot.wording import say

if TYPE_CHECKING:
    from smcbot.answering import Answerer, Quote
    from smcbot.models import Answer
    from smcbot.retrieval import SearchFilters
    from smcbot.settings import Settings
    from smcbot.store import QuestionStore
    from smcbot.synthesis import Synthesis, Synthesizer

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1_000  # longer messages are pastes, not questions
RECORD_RETRIES = 3
RECORD_BACKOFF = 1.0  # seconds before the first retry of a failed record, doubled each time
T = TypeVar("T")


@dataclass(frozen=True)
class Asker:
    """Who asked, where: what the store hashes and the rate limit counts.

    Args:
        channel: the front end ("telegram", "slack", "cli").
        user_id: the member (hashed before it is stored).
        chat_id: the chat or channel (hashed before it is stored).
        language: the interface language the channel gives ("fr"/"en"), if any;
            notices use it, answers follow the question's language.
        conversation: the key of the conversation the question is asked in (a private
            chat, a reply to one of the bot's messages, a thread); None: no follow-ups.
        context_ttl: seconds a conversation's context is kept after its last answer.
    """

    channel: str
    user_id: str | int
    chat_id: str | int
    language: str | None = None
    conversation: str | None = None
    context_ttl: float = 30 * 60


@dataclass
class Reply:
    """What a front end sends back: a notice (why there is no answer) or an answer.

    `answer` is what is sent: the written answer when the model gave a checked one,
    else the quoted answer (`quoted`). `quotes[i]` are the quotes of
    `quoted.sessions[i]`. `question_id` is set once the question is recorded.
    """

    question: str
    language: str | None
    notice: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    answer: Answer | None = None
    quoted: Answer | None = None
    quotes: list[list[Quote]] = field(default_factory=list)
    synthesis: Synthesis | None = None
    question_id: int | None = None
    recorded: bool = False  # logged and stored (or handed to the background retries) already
    started: float = field(default_factory=time.perf_counter)
    context: Context | None = None  # what the next question of the conversation is read against
    follow_up: str = ""  # the kind of follow-up it was, "" for a question of its own

    @property
    def written(self) -> bool:
        """Whether the reply is the model's written answer."""
        return self.synthesis is not None and self.synthesis.written

    @property
    def declined(self) -> bool:
        """Whether the model found that the sessions found do not answer the question:
        `answer` then says so and names them, in place of the quoted answer."""
        return self.synthesis is not None and self.synthesis.declined

    def notice_text(self) -> str:
        """The notice in the asker's language (English when unknown)."""
        return say(self.notice, self.language, **self.values)


class RateLimiter:
    """At most `per_minute` questions per member in any sixty seconds; thread-safe."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._asked: dict[object, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_time(self, member: object) -> float:
        """Seconds before `member` may ask again; 0 means the question is allowed (and counted)."""
        with self._lock:
            now = self.clock()
            asked = self._asked.setdefault(member, deque())
            while asked and now - asked[0] >= 60:
                asked.popleft()
            if len(asked) >= self.per_minute:
                return 60 - (now - asked[0])
            asked.append(now)
            return 0.0


class SharedRateLimiter:
    """`RateLimiter` counted in the question store, so every replica sharing it counts a
    member's questions together. A store that fails lets the question through (logged):
    a limit must never silence the bot."""

    def __init__(self, store: QuestionStore, per_minute: int) -> None:
        self.store = store
        self.per_minute = per_minute

    def wait_time(self, member: tuple[str, object]) -> float:
        """Seconds before `member` (channel, user id) may ask again; 0: allowed and counted."""
        channel, user_id = member
        try:
            return self.store.rate_wait(channel, user_id, window=60, limit=self.per_minute)
        except Exception as error:
            log.warning("could not count a %s question against its rate limit (%s)", channel, error)
            return 0.0


class Recorder:
    """Writes the answer log line and the store record; a store failure never costs the reply.

    A record that fails is retried in a background thread (`RECORD_RETRIES` times,
    waiting longer each time), then dropped with an error log line.
    """

    def __init__(self, store: QuestionStore | None, settings: Settings, *, backoff: float = RECORD_BACKOFF) -> None:
        self.store = store
        self.settings = settings
        self.backoff = backoff

    def record(self, reply: Reply, asker: Asker) -> int | None:
        """Log the answer line and store the question; returns its id, None if not stored (yet)."""
        latency_ms = (time.perf_counter() - reply.started) * 1000
        log_answer(channel=asker.channel, latency_ms=latency_ms, answer=reply.answer, settings=self.settings)
        if self.store is None:
            return None
        write = self._writer(reply.answer, asker, latency_ms)
        try:
            return write()
        except Exception as error:
            log.warning("could not record a %s question (%s); retrying in the background", asker.channel, error)
            threading.Thread(target=self._retry, args=(write, asker.channel), daemon=True).start()
            return None

    def _writer(self, answer: Answer, asker: Asker, latency_ms: float) -> Callable[[], int]:
        """The store write of one question, ready to be tried again."""
        return lambda: self.store.record_question(
            channel=asker.channel, user_id=asker.user_id, chat_id=asker.chat_id, answer=answer, latency_ms=latency_ms
        )

    def _retry(self, write: Callable[[], int], channel: str) -> None:
        """Try a failed record again a few times, then give it up with a log line."""
        wait = self.backoff
        for _ in range(RECORD_RETRIES):
            time.sleep(wait)
            try:
                write()
                log.info("recorded a %s question on a later try", channel)
                return
            except Exception as error:
                reason = error
            wait *= 2
        log.error("dropped the record of a %s question after %d tries (%s)", channel, RECORD_RETRIES + 1, reason)

    def undelivered(self, question_id: int | None) -> None:
        """The reply never reached the member: the question is not counted as answered."""
        if self.store is None or question_id is None:
            return
        try:
            self.store.mark_unanswered(question_id)
        except Exception as error:
            log.error("could not mark question %s as not answered (%s)", question_id, error)


class ContextKeeper:
    """Keeps each conversation's context: in the question store when there is one (it then
    survives a restart and is shared by every process using the store), else in memory."""

    def __init__(self, store: QuestionStore | None) -> None:
        self.store = store
        self._memory: dict[tuple[str, str], tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def load(self, asker: Asker) -> Context | None:
        """The context of the asker's conversation, if one was kept and is fresh enough
        ("" is a conversation that starts with this question)."""
        if not asker.conversation:
            return None
        try:
            if self.store is not None:
                stored = self.store.load_context(asker.channel, asker.conversation, max_age=asker.context_ttl)
            else:
                with self._lock:
                    saved_at, stored = self._memory.get((asker.channel, asker.conversation), (0.0, None))
                stored = stored if time.monotonic() - saved_at <= asker.context_ttl else None
        except Exception as error:  # a conversation without its context is still answered
            log.warning("could not read a %s conversation's context (%s)", asker.channel, error)
            return None
        return Context.from_dict(stored)

    def save(self, asker: Asker, key: str, context: Context | None) -> None:
        """Keep `context` for the conversation `key` (forget it when None)."""
        try:
            if context is None:
                self.clear(asker.channel, key)
            elif self.store is not None:
                self.store.save_context(asker.channel, key, context.to_dict(), user_id=asker.user_id)
            else:
                with self._lock:
                    self._memory[(asker.channel, key)] = (time.monotonic(), context.to_dict())
        except Exception as error:
            log.warning("could not keep a %s conversation's context (%s)", asker.channel, error)

    def clear(self, channel: str, key: str) -> bool:
        """Forget a conversation's context; True if there was one."""
        if self.store is not None:
            return self.store.clear_context(channel, key)
        with self._lock:
            return self._memory.pop((channel, key), None) is not None


class ConversationCore:
    """Checks, answers, writes and records questions for every front end.

    Args:
        settings: the rate limits, the log settings and the written-answer settings.
        answerer: answers from the index.
        store: where questions are recorded (None: nothing is recorded, as for the CLI).
        synthesizer: writes answers with a language model (None: quoted answers only).
        workers: threads answering at once (default: the `conversation.workers` setting, else
            the machine's cores).
        record_backoff: seconds before a failed record is tried again (doubled each time).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        answerer: Answerer,
        store: QuestionStore | None = None,
        synthesizer: Synthesizer | None = None,
        workers: int | None = None,
        record_backoff: float = RECORD_BACKOFF,
    ) -> None:
        self.settings = settings
        self.answerer = answerer
        self.store = store
        self.synthesizer = synthesizer
        self.recorder = Recorder(store, settings, backoff=record_backoff)
        self.followups = FollowUps(answerer)
        self.contexts = ContextKeeper(store)
        self.pool = OrderedPool(workers or settings.conversation.workers or os.cpu_count() or 1)
        # One limiter per channel whose settings section has `rate_limit_per_minute`,
        # counted in the store when there is one (replicas then share the count).
        self._limiters = {
            name: SharedRateLimiter(store, section.rate_limit_per_minute)
            if store is not None
            else RateLimiter(section.rate_limit_per_minute)
            for name in type(settings).model_fields
            if hasattr(section := getattr(settings, name), "rate_limit_per_minute")
        }

    # --- checks -------------------------------------------------------------------

    def language(self, question: str) -> str:
        """The language to reply to `question` in, when the member's client does not say."""
        return self.answerer.language(question)

    def check(self, question: str, asker: Asker, *, counted: bool = True) -> Reply | None:
        """A reply with a notice when the question cannot be answered as asked, else None.

        Args:
            counted: count the question against the member's rate limit (not for a
                question asked again, such as an answer shared in a channel).
        """
        language = asker.language or (self.language(question) if words(question) else None)
        if not is_text(question):
            return Reply(question, language, "not_text")
        if not question.strip():
            return Reply(question, language, "usage")
        if len(question) > MAX_QUESTION_CHARS:
            return Reply(question, language, "too_long", {"length": len(question), "limit": MAX_QUESTION_CHARS})
        if not words(question):
            return Reply(question, language, "no_words")
        limiter = self._limiters.get(asker.channel) if counted else None
        wait = limiter.wait_time((asker.channel, asker.user_id)) if limiter else 0.0
        if wait:
            return Reply(question, language, "rate_limited", {"seconds": max(1, round(wait))})
        return None

    # --- answering ----------------------------------------------------------------

    async def ask(
        self,
        question: str,
        asker: Asker,
        *,
        show: Callable[[str], Awaitable[None]] | None = None,
        record: bool = False,
    ) -> Reply:
        """Check and answer a question without blocking the event loop.

        Args:
            show: called with the checked text of a written answer as it is written.
            record: record the answer in the same step as it is made, when no model is
                to write it (`record` then has nothing left to do): under a burst, a trip
                through the busy event loop fewer before the reply can be sent.
        """
        reply = await self.run(self._answer, question, asker, None, True, record)
        if self._writes(reply):
            words = self.answerer.retriever.index.lexicon.general
            reply.synthesis = await self.synthesizer.astream(reply.quoted, show or _ignore_async, words=words)
            reply.answer = reply.synthesis.answer
        return reply

    def ask_blocking(
        self,
        question: str,
        asker: Asker,
        *,
        show: Callable[[str], None] | None = None,
        counted: bool = True,
        filters: SearchFilters | None = None,
        record: bool = False,
    ) -> Reply:
        """`ask` for front ends that work on threads (Slack, the CLI); the answering is
        still done on the shared pool, so it stays bounded.

        Args:
            show: called with the checked text of a written answer as it is written
                (None: the written answer is made in one go).
            counted: count the question against the member's rate limit.
            filters: dates and series the answer is restricted to.
            record: record the answer in the same step, as for `ask`.
        """
        reply = self.pool.submit(self._answer, question, asker, filters, counted, record).result()
        if self._writes(reply):
            synthesizer = self.synthesizer
            words = self.answerer.retriever.index.lexicon.general  # the index's, not wordfreq's
            if show:
                reply.synthesis = synthesizer.stream(reply.quoted, show, words=words)
            else:
                reply.synthesis = synthesizer.write(reply.quoted, words=words)
            reply.answer = reply.synthesis.answer
        return reply

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        """Run one step of the question being handled on the answering threads (store calls
        included: they are what a step of an older question waits for), without blocking
        the event loop; steps of older questions go first."""
        return await run_on(self.pool, fn, *args)

    def _answer(self, question: str, asker: Asker, filters: SearchFilters | None, counted: bool, record: bool) -> Reply:
        """The checks, then the answer, and its record when asked and final: one step on the
        pool (the rate count and the record are store calls)."""
        reply = self.check(question, asker, counted=counted) or self._compose(question, asker, filters)
        if record and not self._writes(reply):
            self._record(reply, asker)
        return reply

    def _writes(self, reply: Reply) -> bool:
        """Whether a language model should write this reply."""
        return self.synthesizer is not None and reply.quoted is not None and reply.quoted.answered

    def _compose(self, question: str, asker: Asker, filters: SearchFilters | None) -> Reply:
        """Answer, in the conversation's context when there is one, and pick each cited
        session's quotes (CPU-bound: runs on the pool)."""
        started = time.perf_counter()
        try:
            if asker.conversation is None:
                turn = Turn(self.answerer.answer(question, filters), None)
            else:
                turn = self.followups.answer(question, self.contexts.load(asker), filters)
        except QuestionError:
            return Reply(question, asker.language or self.language(question), "no_words", started=started)
        answer = turn.answer
        quotes = [self.answerer.quotes(session, answer.terms) for session in answer.sessions]
        return Reply(
            question,
            answer.language,
            answer=answer,
            quoted=answer,
            quotes=quotes,
            started=started,
            context=turn.context,
            follow_up=turn.kind,
        )

    # --- recording ----------------------------------------------------------------

    async def record(self, reply: Reply, asker: Asker) -> None:
        """Log and store an answered question (off the event loop), unless it was already;
        sets `reply.question_id`."""
        if reply.answer is not None and not reply.recorded:
            await self.run(self._record, reply, asker)

    def record_blocking(self, reply: Reply, asker: Asker) -> None:
        """`record` for front ends that work on threads."""
        if reply.answer is not None and not reply.recorded:
            self.pool.submit(self._record, reply, asker).result()

    def _record(self, reply: Reply, asker: Asker) -> None:
        """Log and store an answered question, once (a store call: on the pool)."""
        if reply.answer is not None and not reply.recorded:
            reply.question_id = self.recorder.record(reply, asker)
            reply.recorded = True

    async def undelivered(self, reply: Reply) -> None:
        """The reply could not be sent: the question is not counted as answered."""
        await self.run(self.recorder.undelivered, reply.question_id)

    def undelivered_blocking(self, reply: Reply) -> None:
        """`undelivered` for front ends that work on threads."""
        self.pool.submit(self.recorder.undelivered, reply.question_id).result()

    # --- conversations ------------------------------------------------------------

    async def remember(self, reply: Reply, asker: Asker, keys: list[str] | None = None) -> None:
        """Keep what the next question of the conversation is read against (off the event loop).

        Args:
            keys: the conversations to keep it for (default: the asker's); a group chat
                keys it by the bot's reply, which is known only once it is sent.
        """
        await self.run(self._remember, reply, asker, keys)

    def remember_blocking(self, reply: Reply, asker: Asker, keys: list[str] | None = None) -> None:
        """`remember` for front ends that work on threads."""
        self.pool.submit(self._remember, reply, asker, keys).result()

    def _remember(self, reply: Reply, asker: Asker, keys: list[str] | None) -> None:
        """Keep the reply's context for each of its conversations (a store call: on the pool)."""
        if reply.answer is None:
            return
        for key in keys if keys is not None else [asker.conversation]:
            if key is not None:
                self.contexts.save(asker, key, reply.context)

    def forget(self, asker: Asker) -> bool:
        """Start the asker's conversation afresh (`/new`); True if there was a context."""
        if asker.conversation is None:
            return False
        try:
            return self.contexts.clear(asker.channel, asker.conversation)
        except Exception as error:
            log.warning("could not forget a %s conversation's context (%s)", asker.channel, error)
            return False

    def close(self) -> None:
        """Let the answers in progress finish, then stop the pool."""
        self.pool.shutdown(wait=True)


def is_text(question: str) -> bool:
    """False for text decoded from bytes that are not UTF-8 (lone surrogates, e.g. `\\xff`)."""
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def _ignore_async(_text: str) -> None:
    """A `show` that shows nothing."""


@contextlib.contextmanager
def serving(settings: Settings, *, answerer: Answerer | None = None) -> Iterator[ConversationCore]:
    """Start what a bot needs (index, store with retention applied, daily retention, the
    optional language model), yield the core, and close it all on the way out.

    Raises:
        SmcbotError: no usable index, a store that cannot be opened, a missing LLM package.
    """
    from smcbot.privacy import RetentionSchedule
    from smcbot.services import make_answerer, make_synthesizer, open_store

    synthesizer = make_synthesizer(settings)  # fails fast on a missing package, before the model load
    # The store before the model load: one it cannot use (unreachable, written by a newer
    # smcbot) is refused at once. It is upgraded to this version's schema, and the
    # retention applied once; then daily.
    store = open_store(settings)
    try:
        answerer = answerer or make_answerer(settings)
    except BaseException:
        store.close()
        raise
    core = ConversationCore(settings, answerer=answerer, store=store, synthesizer=synthesizer)
    retention = RetentionSchedule(store, settings).start()  # then daily
    try:
        yield core
    finally:
        retention.stop()
        core.close()
        store.close()
