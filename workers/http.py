"""The HTTP app served by uvicorn inside a process's own event loop.

``cabinet server`` runs it beside the Temporal worker (one loop, one
register, one Temporal client); ``cabinet web`` runs it alone. The socket is
bound before uvicorn starts, so a port in use is a clear error at start-up,
and the process's own signal handling stops it (uvicorn's is left out).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable, Iterator

import structlog
import uvicorn

from web.app import create_app
from web.services import WebServices

log = structlog.get_logger(__name__)


class HttpUnavailable(RuntimeError):
    """The HTTP app could not listen where it was told to."""


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The process stops everything on SIGINT/SIGTERM through its ``stop`` event.
        yield


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it a small answer on a kept-alive connection
    # waits ~40 ms for the client's delayed ACK (Nagle), longer than the app took.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise HttpUnavailable(f"the HTTP app cannot listen on {host}:{port} ({error.strerror}); "
                              "set CABINET_HTTP_PORT (or CABINET_HTTP_HOST)") from None
    sock.listen(512)
    sock.setblocking(False)
    return sock


def address_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


async def run_http(services: WebServices, stop: asyncio.Event, *,
                   ready: Callable[[str], None] | None = None) -> None:
    """Serve the API on ``settings.web`` (host, port) until ``stop`` is set."""
    web = services.settings.web
    sock = bind(web.host, web.port)
    config = uvicorn.Config(create_app(services), lifespan="off", log_config=None,
                            access_log=False, server_header=False,
                            timeout_graceful_shutdown=5)
    server = _EmbeddedServer(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if serving.done():
                serving.result()
                raise HttpUnavailable("the HTTP app stopped while starting")
            await asyncio.sleep(0.01)
        address = address_of(sock)
        log.info("http_started", address=address)
        if ready is not None:
            ready(address)
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        sock.close()
