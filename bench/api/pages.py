"""The desk's pages (issue 10): each page's server time beside its API answer, and a crowd.

A person signs in with the desk's form (``POST /login``), which sets the
session cookie; every page is then asked for with that cookie. Each page is
timed alternately with its baseline, the API's answer to the same question
(``/rules`` beside ``/api/obligations``, …); pages with no API counterpart
(search, the auditor's page) are timed beside ``/api/me``, the cheapest
signed-in answer there is. The crowd: many signed-in people at once, each
opening pages at random; some of them also step a proposal through.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from support.stats import median, percentile
from workflow.paths import Run

from domain.register.records import ProposalRecord
from web.timing import server_ms

from .server import PASSWORD, Server
from .steps import ApiDriver

SESSION_COOKIE = "cabinet_session"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    baseline: str


def pages(agency: str, day: str, resolution_id: str, workflow_id: str, search: str
          ) -> list[Page]:
    """Every page kind of the desk, each with the API answer it is compared with."""
    return [
        Page("my work", "/", "/api/proposals"),
        Page("board", "/proposals", "/api/proposals"),
        Page("proposal", f"/proposals/{workflow_id}", f"/api/proposals/{workflow_id}"),
        Page("rules", f"/rules?at={day}&agency={agency}",
             f"/api/obligations?at={day}&agency={agency}"),
        Page("resolution", f"/resolutions/{resolution_id}?at={day}",
             f"/api/resolutions/{resolution_id}?at={day}"),
        Page("due", f"/due/{agency}?month={day}", f"/api/due?at={day}&agency={agency}"),
        Page("search", f"/search?q={search}", "/api/me"),
        Page("audit", "/audit", "/api/me"),
    ]


def sign_in(url: str, username: str) -> httpx.Cookies:
    """The desk's sign-in form, as a browser posts it; the session cookie it sets."""
    answer = httpx.post(f"{url}/login", data={"username": username, "password": PASSWORD,
                                              "next": "/"}, follow_redirects=False, timeout=30)
    if SESSION_COOKIE not in answer.cookies:
        raise RuntimeError(f"signing in {username} through /login gave {answer.status_code} "
                           "and no session cookie")
    cookies = httpx.Cookies()
    cookies.set(SESSION_COOKIE, answer.cookies[SESSION_COOKIE])
    return cookies


def _time(answer: httpx.Response, began: float) -> float:
    measured = server_ms(answer.headers.get("server-timing"))
    return measured if measured is not None else (time.perf_counter() - began) * 1000


def timed_pages(url: str, cookies: httpx.Cookies, token: str, kinds: list[Page], rounds: int
                ) -> dict[str, Any]:
    """Each page ``rounds`` times, alternately with its baseline; server times in ms."""
    found: dict[str, Any] = {"pages": {}, "errors": [], "server_time_from": "Server-Timing"}
    with httpx.Client(base_url=url, cookies=cookies, timeout=120,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        for page in kinds:
            own: list[float] = []
            base: list[float] = []
            for i in range(rounds + 1):  # the first of each is a warm-up
                for which in ((page.path, own), (page.baseline, base))[::1 if i % 2 else -1]:
                    began = time.perf_counter()
                    answer = client.get(which[0])
                    if answer.status_code != 200:
                        found["errors"].append(f"{which[0]}: {answer.status_code}")
                        continue
                    if "server-timing" not in answer.headers:
                        found["server_time_from"] = "client (the app sent no Server-Timing)"
                    if i:
                        which[1].append(_time(answer, began))
            if own and base:
                found["pages"][page.name] = {
                    "path": page.path, "p50_ms": round(median(own), 2),
                    "p95_ms": round(percentile(own, 0.95), 2),
                    "baseline": page.baseline, "baseline_p50_ms": round(median(base), 2),
                    "ratio_p50": round(median(own) / median(base), 2)}
    return found


@dataclass
class Crowd:
    requests: int = 0
    page_errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)


async def _browse(http: httpx.AsyncClient, cookies: httpx.Cookies, kinds: list[Page],
                  until: float, rng: random.Random, crowd: Crowd) -> None:
    while time.monotonic() < until:
        page = rng.choice(kinds)
        began = time.perf_counter()
        try:
            answer = await http.get(page.path, cookies=cookies)
        except httpx.HTTPError as error:
            crowd.page_errors.append(f"{page.path}: {type(error).__name__}")
            continue
        crowd.requests += 1
        crowd.latencies_ms.append((time.perf_counter() - began) * 1000)
        if answer.status_code != 200:
            crowd.page_errors.append(f"{page.path}: {answer.status_code}")


async def crowd(server: Server, people: list[tuple[httpx.Cookies, bool]], kinds: list[Page],
                steppers: list[ProposalRecord], seconds: float, seed: int) -> dict[str, Any]:
    """Everyone browses for ``seconds`` (the auditor's page only the auditors: the desk
    shows it to no one else); one person per proposal in ``steppers`` also steps it from
    draft to approval through the API meanwhile."""
    others = [page for page in kinds if page.name != "audit"]
    result = Crowd()
    stepped = Run()
    limits = httpx.Limits(max_connections=len(people) + len(steppers) + 10)
    async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as http:
        driver = ApiDriver(server, http)
        until = time.monotonic() + seconds
        began = time.perf_counter()
        jobs = [_browse(http, cookies, kinds if auditor else others, until,
                        random.Random(seed + i), result)
                for i, (cookies, auditor) in enumerate(people)]
        jobs += [driver.drive(record, stepped) for record in steppers]
        await asyncio.gather(*jobs)
        wall = time.perf_counter() - began
    lat = result.latencies_ms
    return {"people": len(people), "seconds": round(wall, 1), "page_requests": result.requests,
            "pages_per_s": round(result.requests / wall, 1),
            "page_p50_ms": round(median(lat), 1) if lat else None,
            "page_p95_ms": round(percentile(lat, 0.95), 1) if lat else None,
            "page_errors": len(result.page_errors), "page_error_samples": result.page_errors[:5],
            "proposals_stepped": len(stepped.outcomes), "step_errors": len(stepped.errors),
            "step_error_samples": stepped.errors[:5], "steps": len(stepped.latencies)}
