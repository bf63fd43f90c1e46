"""The lifecycle shared by the tests' stand-in HTTP servers (Slack, Telegram, OpenAI, WordPress...).

Each stand-in subclasses `LocalServer` with its own request-handler class: the
server listens on 127.0.0.1 on a port the system picks, serves each request in
a daemon thread, and runs while the stand-in is used as a context manager.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class _Server(ThreadingHTTPServer):
    """A threading HTTP server whose request threads never keep the tests from ending."""

    daemon_threads = True
    request_queue_size = 128  # a burst of calls waits in the backlog, not in SYN retries (socketserver's 5)
    quiet = False

    def handle_error(self, request, client_address) -> None:
        """Print a request's error, unless it is a client hanging up (a bot closing its
        keep-alive connections, a member giving up): that is how HTTP clients end, not a fault."""
        error = sys.exc_info()[1]
        if not self.quiet and not isinstance(error, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            super().handle_error(request, client_address)


class LocalServer:
    """An HTTP server on 127.0.0.1 (port chosen by the system), run in a thread.

    `with` starts it and shuts it down; `base` is its root URL. With `quiet`, errors
    of clients hanging up early (size caps, timeouts) are not printed.
    """

    def __init__(self, handler: type[BaseHTTPRequestHandler], *, quiet: bool = False) -> None:
        self.server = _Server(("127.0.0.1", 0), handler)
        self.server.quiet = quiet
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self.server.server_address[1]

    @property
    def base(self) -> str:
        """The server's root URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
