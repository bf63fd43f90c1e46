"""The bots' answering threads: a pool that serves the oldest question first.

Under a burst, every question needs the same steps (a delivery claim, the rate
count, the answer, its record, the conversation's context), most of them on a
thread. Served in the order the steps are asked for, the first step of every
question of the burst runs before the second step of any, and the replies all
leave together at the end of the burst. `OrderedPool` instead gives a free
thread the step of the question that arrived first: a question half done goes
before the next one starts, so each reply is sent as soon as its own work is
done and the replies are spread over the burst.

A front end notes when a question arrived with `mark_arrival` (in the task or
thread handling it); every step submitted from there carries that time.

An async front end's event loop has the same choice to make: a step handed back by
the pool (an answer to send) waits behind whatever the loop queued meanwhile, such as
taking in the rest of a burst. `AnswersFirstLoop` runs it first.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from contextvars import ContextVar
from typing import Any

_arrival: ContextVar[float | None] = ContextVar("smcbot_question_arrival", default=None)


def mark_arrival(at: float | None = None) -> float:
    """Note when the question handled in this task or thread arrived (default: now); returns it."""
    value = time.monotonic() if at is None else at
    _arrival.set(value)
    return value


def arrival() -> float:
    """When the question handled in this task or thread arrived; now if it was not noted."""
    value = _arrival.get()
    return time.monotonic() if value is None else value


class OrderedPool(Executor):
    """A fixed pool of threads taking jobs oldest question first (then first submitted).

    A job's question is the one noted by `mark_arrival` where it is submitted; a job
    submitted outside any question counts as a question arriving at that moment.
    """

    def __init__(self, workers: int, *, name: str = "smcbot-answer") -> None:
        self._jobs: list[tuple[float, int, Future, Callable[..., Any], tuple, dict]] = []
        self._order = itertools.count()  # breaks ties: one question's steps in the order asked
        self._ready = threading.Condition()
        self._closed = False
        self._threads = [threading.Thread(target=self._work, name=f"{name}_{n}", daemon=True) for n in range(workers)]
        for thread in self._threads:
            thread.start()

    @property
    def workers(self) -> int:
        """How many threads take the jobs."""
        return len(self._threads)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Queue `fn(*args, **kwargs)` behind the jobs of older questions; returns its future.

        Raises:
            RuntimeError: the pool was shut down.
        """
        future: Future = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("cannot answer: the answering threads were stopped")
            heapq.heappush(self._jobs, (arrival(), next(self._order), future, fn, args, kwargs))
            self._ready.notify()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking jobs; the queued ones still run (unless cancelled), then the threads end."""
        with self._ready:
            self._closed = True
            if cancel_futures:
                for job in self._jobs:
                    job[2].cancel()
            self._ready.notify_all()
        if wait:
            for thread in self._threads:
                thread.join()

    def _work(self) -> None:
        """One thread: run the oldest question's job, until shut down and nothing is left."""
        while True:
            with self._ready:
                while not self._jobs and not self._closed:
                    self._ready.wait()
                if not self._jobs:
                    return
                _, _, future, fn, args, kwargs = heapq.heappop(self._jobs)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # handed to whoever waits on the future, as an executor does
                future.set_exception(error)
            else:
                future.set_result(result)


class AnswersFirstLoop(asyncio.SelectorEventLoop):
    """An event loop that resumes a task waiting on the answering pool before the callbacks
    already queued: under a burst, a ready answer is sent (and a claimed question moves on)
    before the loop takes in more of the burst's questions. Other callbacks keep their order.
    """

    def resolve_first(self, waiter: asyncio.Future, done: Future) -> None:
        """From any thread: give `waiter` the outcome of `done`, ahead of the queued callbacks."""
        self._ready.appendleft(asyncio.Handle(self._resolve_now, (waiter, done), self, None))
        self._write_to_self()  # wake the loop if it is waiting for I/O

    def _resolve_now(self, waiter: asyncio.Future, done: Future) -> None:
        """On the loop: settle `waiter`, and move what that woke (its task) to the front."""
        if waiter.done():  # the waiting task was cancelled meanwhile
            return
        queued = len(self._ready)
        if done.cancelled():
            waiter.cancel()
        elif (error := done.exception()) is not None:
            waiter.set_exception(error)
        else:
            waiter.set_result(done.result())
        woken = [self._ready.pop() for _ in range(len(self._ready) - queued)]
        self._ready.extendleft(woken)  # popped last-first, put back first-first


async def run_on(pool: Executor, fn: Callable[..., Any], /, *args: Any) -> Any:
    """Run `fn(*args)` on `pool` and wait for it without blocking the event loop; on an
    `AnswersFirstLoop` the waiting task goes on before the callbacks queued meanwhile."""
    loop = asyncio.get_running_loop()
    future = pool.submit(fn, *args)
    if not isinstance(loop, AnswersFirstLoop):
        return await asyncio.wrap_future(future)
    waiter = loop.create_future()
    future.add_done_callback(lambda done: loop.resolve_first(waiter, done))
    return await waiter
