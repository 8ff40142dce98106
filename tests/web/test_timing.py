"""The app's own time is told in each answer's Server-Timing header, and read back."""

from __future__ import annotations

import socket
import time

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import bearer
from web.timing import ServerTiming, include, server_ms
from workers.http import bind


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/slow")
    def slow() -> dict[str, str]:
        time.sleep(0.05)
        return {"ok": "yes"}

    @app.get("/missing")
    def missing() -> None:
        from fastapi import HTTPException

        raise HTTPException(status_code=404, detail="no such thing")

    return app


def test_every_answer_tells_the_apps_time_including_errors() -> None:
    app = _app()
    include(app)
    include(app)  # once only, however often it is asked for
    assert [entry.cls for entry in app.user_middleware].count(ServerTiming) == 1  # type: ignore[arg-type]
    with TestClient(app) as client:
        slow = client.get("/slow")
        missing = client.get("/missing")
    assert slow.status_code == 200
    assert len(slow.headers.get_list("server-timing")) == 1
    measured = server_ms(slow.headers["server-timing"])
    assert measured is not None and 50 <= measured < 5000
    assert missing.status_code == 404
    assert server_ms(missing.headers["server-timing"]) is not None


def test_reading_the_header() -> None:
    assert server_ms("db;dur=1.5, app;dur=12.250") == 12.25
    assert server_ms("db;dur=1.5") is None
    assert server_ms(None) is None


def test_the_embedded_servers_socket_sends_small_answers_at_once() -> None:
    listening = bind("127.0.0.1", 0)
    try:
        assert listening.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listening.close()



async def test_the_apps_answers_and_refusals_tell_its_time(client) -> None:
    answer = await client.get("/api/obligations", params={"at": "2021-11-10"},
                              headers=bearer("moi-staff"))
    refused = await client.get("/api/obligations", params={"at": "2021-11-10"})
    assert answer.status_code == 200 and refused.status_code == 401
    for response in (answer, refused):
        measured = server_ms(response.headers.get("server-timing"))
        assert measured is not None and measured >= 0
