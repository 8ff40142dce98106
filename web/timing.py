"""How long the app took over each request, told back in a ``Server-Timing`` header.

The time runs from the moment the app receives the request to the moment it
starts its answer: what the server spent, without the network or the
client's own work. Browsers' developer tools show the header, and the HTTP
benchmark reads it, so "server time" is measured in one place. A plain ASGI
middleware, so it adds no task or thread of its own to a request.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

METRIC = "app"


class ServerTiming:
    """Adds ``Server-Timing: app;dur=<milliseconds>`` to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed_ms = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"{METRIC};dur={elapsed_ms:.3f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed_send)


def include(app: Any) -> None:
    """Add the middleware to a Starlette/FastAPI app once (before it starts serving)."""
    if not any(entry.cls is ServerTiming for entry in app.user_middleware):
        app.add_middleware(ServerTiming)


def server_ms(header: str | None) -> float | None:
    """The app's milliseconds from a ``Server-Timing`` header value, or None."""
    for entry in (header or "").split(","):
        name, _, rest = entry.strip().partition(";")
        if name == METRIC and rest.startswith("dur="):
            return float(rest[4:])
    return None
