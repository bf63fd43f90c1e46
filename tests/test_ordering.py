"""The bots' answering pool: under a burst, the oldest question's steps go first."""

from __future__ import annotations

import contextvars
import threading

import pytest

from smcbot.bots.ordering import OrderedPool, arrival, mark_arrival


def submit_as(pool: OrderedPool, arrived: float, fn, *args):
    """Submit a job from a task that handles a question which arrived at `arrived`."""

    def in_its_context():
        mark_arrival(arrived)
        return pool.submit(fn, *args)

    return contextvars.copy_context().run(in_its_context)


def test_a_free_thread_takes_the_oldest_questions_step_first():
    pool = OrderedPool(1)
    busy, ran = threading.Event(), []
    try:
        blocker = pool.submit(busy.wait, 30)  # the one thread is busy while the steps queue up
        # The next step of a question that came first is asked for after newer questions' first steps.
        futures = [submit_as(pool, at, ran.append, name) for at, name in [(3.0, "c"), (2.0, "b"), (1.0, "a2")]]
        futures.append(submit_as(pool, 1.0, ran.append, "a3"))
        busy.set()
        assert blocker.result(timeout=30) is True
        for future in futures:
            future.result(timeout=30)
    finally:
        pool.shutdown()
    assert ran == ["a2", "a3", "b", "c"]  # oldest question first; one question's steps in the order asked


def test_errors_reach_the_caller_and_a_stopped_pool_refuses_work():
    pool = OrderedPool(2)
    with pytest.raises(ZeroDivisionError):
        pool.submit(lambda: 1 / 0).result(timeout=30)
    assert pool.submit(sum, [1, 2]).result(timeout=30) == 3
    pool.shutdown()
    with pytest.raises(RuntimeError):
        pool.submit(sum, [1])


def test_a_step_outside_any_question_counts_as_arriving_now():
    before = arrival()
    assert contextvars.copy_context().run(lambda: mark_arrival(5.0) and arrival()) == 5.0
    assert arrival() >= before  # the mark stayed in its own context
