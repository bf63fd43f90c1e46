"""Privacy chores on the question store: expiring old questions, forgetting a member.

Questions are kept `SMCBOT_STORE__RETENTION_DAYS` days. `services.open_store`
applies the retention when a front end starts; a long-running bot also runs a
`RetentionSchedule`, which applies it again every day in a background thread:

    store = open_store(settings)
    with RetentionSchedule(store, settings):
        ...serve until interrupted...

`forget` deletes one member's records when they ask (`smcbot privacy forget`).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from smcbot.settings import Settings
from smcbot.store import Forgotten, QuestionStore

log = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60
CHANNELS = ("telegram", "slack")  # the channel names the front ends record questions under


def apply_retention(store: QuestionStore, settings: Settings) -> int:
    """Delete the questions (and their feedback) older than the retention period.

    Returns how many questions went. A failure is logged, not raised: the
    next run tries again, and the bot keeps answering.
    """
    days = settings.store.retention_days
    try:
        removed = store.apply_retention(days)
    except Exception:  # a background chore must never take the bot down
        log.exception("could not apply the %s-day retention to the question store", days)
        return 0
    log.info("retention: %d questions older than %d days deleted", removed, days)
    return removed


class RetentionSchedule:
    """Applies the retention every `interval` seconds in a daemon thread until stopped.

    The first run comes one interval after `start` (`open_store` already applied it).
    Use it as a context manager, or call `start()` and `stop()`.
    """

    def __init__(self, store: QuestionStore, settings: Settings, *, interval: float = DAY_SECONDS) -> None:
        self.store = store
        self.settings = settings
        self.interval = interval
        self.runs = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="smcbot-retention", daemon=True)

    def start(self) -> RetentionSchedule:
        """Start the background thread; returns self."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (waiting for a run in progress to finish)."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the background thread is still alive (it may yet run the retention)."""
        return self._thread.is_alive()

    def __enter__(self) -> RetentionSchedule:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _loop(self) -> None:
        while not self._stopped.wait(self.interval):
            apply_retention(self.store, self.settings)
            self.runs += 1


def forget(settings: Settings, *, channel: str, member_id: str) -> Forgotten | None:
    """Delete everything the store holds about one member of a channel: questions,
    votes, conversation contexts, threads and rate-limit counts.

    Returns what was deleted, or None when there is no store file at all
    (nothing was ever recorded, and none is created; a database URL is always opened).

    Raises:
        ValueError: the channel is not one the front ends record.
        SmcbotError: the store cannot be opened.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    if settings.store.url is None and not Path(settings.store.path).exists():
        return None
    store = QuestionStore.from_settings(settings)
    try:
        return store.forget(channel, member_id.strip())
    finally:
        store.close()
