"""The bots' answering pool: under a burst, the oldest question's steps go first, on as
many threads as the process is given."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import os
import threading

import pytest

from smcbot.bots.conversation import ConversationCore
from smcbot.bots.ordering import AnswersFirstLoop, OrderedPool, arrival, mark_arrival, run_on
from smcbot.settings import Settings


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


def test_a_bot_process_answers_as_many_questions_at_once_as_its_setting_says(answerer, monkeypatch):
    # Several bot processes on one machine each take their share of the cores.
    monkeypatch.setenv("SMCBOT_CONVERSATION__WORKERS", "1")
    shared = ConversationCore(Settings(), answerer=answerer)
    monkeypatch.delenv("SMCBOT_CONVERSATION__WORKERS")
    alone = ConversationCore(Settings(), answerer=answerer)
    try:
        assert shared.pool.workers == 1
        assert alone.pool.workers == (Settings().conversation.workers or os.cpu_count() or 1)
    finally:
        shared.close()
        alone.close()


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


def test_the_event_loop_resumes_a_task_whose_answer_is_ready_before_the_queued_callbacks():
    loop = AnswersFirstLoop()
    order: list = []

    async def burst() -> None:
        waiter = loop.create_future()

        async def answering() -> None:
            order.append(await waiter)

        task = loop.create_task(answering())
        await asyncio.sleep(0)  # the task now waits for its answer
        for n in range(3):  # meanwhile the loop queued other work (taking in more questions)
            loop.call_soon(order.append, n)
        done = concurrent.futures.Future()
        done.set_result("answer")
        handing_back = threading.Thread(target=loop.resolve_first, args=(waiter, done))  # as the pool does
        handing_back.start()
        handing_back.join()
        await task

    try:
        loop.run_until_complete(burst())
    finally:
        loop.close()
    assert order == ["answer", 0, 1, 2]


async def test_run_on_hands_back_results_and_errors_on_any_loop():
    pool = OrderedPool(1)
    try:
        assert await run_on(pool, sum, [1, 2]) == 3
        with pytest.raises(ZeroDivisionError):
            await run_on(pool, lambda: 1 / 0)
    finally:
        pool.shutdown()


def test_run_on_an_answers_first_loop_hands_back_results_and_errors():
    loop, pool = AnswersFirstLoop(), OrderedPool(1)

    async def both() -> None:
        assert await run_on(pool, sum, [1, 2]) == 3
        with pytest.raises(ZeroDivisionError):
            await run_on(pool, lambda: 1 / 0)

    try:
        loop.run_until_complete(both())
    finally:
        loop.close()
        pool.shutdown()
