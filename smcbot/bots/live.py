"""A written answer shown while it is written, the same way on every front end: one
message, sent at the first checked sentence and edited as more come (at most about
once a second, see `Pacer`), then replaced by the final reply.

A front end passes in only what is its own: how the text is rendered, and the calls
that send and edit its message. Those calls may be coroutines (Telegram) or plain
functions (Slack's thread-bound client, which uses the `_blocking` methods).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from smcbot.synthesis import Pacer

log = logging.getLogger(__name__)

Handle = TypeVar("Handle")  # what identifies the sent message: a Telegram Message, a Slack ts


class LiveMessage(Generic[Handle]):
    """One streamed reply.

    Args:
        render: the checked text so far → what the front end sends (HTML, mrkdwn).
        send: sends a new message with that text; returns its handle.
        edit: replaces the text of the sent message (`edit(handle, text)`).
        errors: the front end's API errors: a final edit failing with one of them
            is answered by sending the reply anew.
        describe: one line for an error, in the log.
    """

    def __init__(
        self,
        render: Callable[[str], str],
        send: Callable[[str], Any],
        edit: Callable[[Handle, str], Any],
        *,
        errors: tuple[type[BaseException], ...] = (Exception,),
        describe: Callable[[BaseException], str] = str,
    ) -> None:
        self.render, self.send, self.edit = render, send, edit
        self.errors, self.describe = errors, describe
        self.handle: Handle | None = None
        self.shown = ""
        self.pacer = Pacer()  # Telegram and Slack both allow about one update a second per chat

    async def show(self, checked: str) -> None:
        """Show the checked text so far, when the pacing allows and it changed.

        Never raises (the written answer goes on): a failed update is logged and
        skipped, the final reply carries everything anyway."""
        rendered = self.render(checked)
        if not self.pacer.due() or rendered == self.shown:
            return
        self.pacer.mark()
        try:
            if self.handle is None:
                self.handle = await _call(self.send, rendered)
            else:
                await _call(self.edit, self.handle, rendered)
            self.shown = rendered
        except Exception as error:
            log.warning("could not update a streamed answer: %s", self.describe(error))

    async def finish(self, replace: Callable[[Handle], Any]) -> Handle | None:
        """Turn the live message into the final reply with `replace(handle)`, once the
        pacing allows.

        Returns the handle, or None when nothing was shown or the message could not be
        replaced (deleted meanwhile, refused): the caller then sends the reply anew.
        """
        if self.handle is None:
            return None
        await asyncio.sleep(self.pacer.delay())
        try:
            await _call(replace, self.handle)
        except self.errors as error:
            log.warning("could not replace a streamed answer (%s); sending it anew", self.describe(error))
            return None
        return self.handle

    def show_blocking(self, checked: str) -> None:
        """`show` for a front end working on threads (no event loop of its own)."""
        asyncio.run(self.show(checked))

    def finish_blocking(self, replace: Callable[[Handle], Any]) -> Handle | None:
        """`finish` for a front end working on threads."""
        return asyncio.run(self.finish(replace))


async def _call(function: Callable[..., Any], *args: Any) -> Any:
    """Call a front end's function, awaiting it when it is a coroutine."""
    result = function(*args)
    return await result if inspect.isawaitable(result) else result
