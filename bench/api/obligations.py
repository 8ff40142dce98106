"""``GET /api/obligations`` for one agency at a date, beside the same query in-process.

Each question is asked twice, alternately first: through the query layer in
this process (``in_force`` with the page the route gives, what the route calls), and
over HTTP on loopback to the server, one request at a time on a kept-alive
connection. Over HTTP the bench records the client's time and the server's
own (the app's ``Server-Timing`` header, ``web.timing``). The ratio is the
server's time over the in-process query's, both measured in this run. Then a
load tool (wrk) runs many clients at once against the same questions.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from register.querying import Question, keys
from support.stats import median, percentile

from projections.queries import obligations as queries
from web.api.register import PAGE
from web.timing import server_ms
from workers.bootstrap import RegisterSystem

from .store import Built

WARMUP = 5


def questions(built: Built, count: int, seed: int) -> list[Question]:
    """Agencies and dates drawn over the register's span, as recorded now."""
    rng = random.Random(seed)
    span = (built.last_meeting - built.first_meeting).days
    return [Question(rng.choice(built.codes),
                     built.first_meeting + timedelta(days=rng.randrange(span + 1)), None)
            for _ in range(count + WARMUP)]


def path_of(q: Question) -> str:
    return f"/api/obligations?at={q.on.isoformat()}&agency={q.agency}"


def row_key(row: Any) -> tuple[str, str, int]:
    """A row's key, whether the answer writes rows as objects or (as a tuple) arrays."""
    if isinstance(row, dict):
        return row["resolution_id"], row["clause"], row["obligation"]
    return row[1], row[2], row[4]  # ObligationRow's field order


@dataclass
class Timed:
    in_process_ms: list[float]
    client_ms: list[float]
    server_ms: list[float]
    rows: list[int]
    same: bool
    errors: list[str]


def sequential(system: RegisterSystem, url: str, token: str, asked: list[Question]) -> Timed:
    found = Timed([], [], [], [], True, [])
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        for i, q in enumerate(asked):
            counted = i >= WARMUP
            for which in ((0, 1) if i % 2 else (1, 0)):
                began = time.perf_counter()
                if which == 0:
                    # The same question the route answers: its first page.
                    given = queries.in_force(system, q.on, agency=q.agency,
                                             as_recorded=q.as_recorded, limit=PAGE)
                    elapsed = time.perf_counter() - began
                    local = keys(given)
                    if counted:
                        found.in_process_ms.append(elapsed * 1000)
                    continue
                answer = client.get(path_of(q))
                elapsed = time.perf_counter() - began
                if answer.status_code != 200:
                    found.errors.append(f"{path_of(q)}: {answer.status_code} {answer.text[:200]}")
                    continue
                if counted:
                    found.client_ms.append(elapsed * 1000)
                    measured = server_ms(answer.headers.get("server-timing"))
                    if measured is not None:
                        found.server_ms.append(measured)
                rows = answer.json()["obligations"]
                remote = [row_key(r) for r in rows]
            if counted:
                found.rows.append(len(local))
            found.same = found.same and remote == local
    return found


def summary(timed: Timed) -> dict[str, Any]:
    def stats(values: list[float]) -> dict[str, float] | None:
        if not values:
            return None
        return {"p50_ms": round(median(values), 3),
                "p95_ms": round(percentile(values, 0.95), 3),
                "max_ms": round(max(values), 3)}

    base = median(timed.in_process_ms)
    timing = stats(timed.server_ms)
    figures: dict[str, Any] = {
        "requests": len(timed.client_ms), "rows_mean": round(sum(timed.rows)
                                                             / max(1, len(timed.rows)), 1),
        "in_process": stats(timed.in_process_ms), "client": stats(timed.client_ms),
        "server": timing, "same_rows": timed.same, "errors": len(timed.errors),
        "error_samples": timed.errors[:5],
        "server_time_from": "Server-Timing header (web.timing)" if timing
        else "not sent by the app: client time on loopback only"}
    measured = timing or figures["client"]
    if measured and base:
        figures["ratio_p50"] = round(measured["p50_ms"] / base, 2)
        figures["ratio_p95"] = round(measured["p95_ms"] / percentile(timed.in_process_ms, 0.95),
                                     2)
    return figures


_LUA = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def load(url: str, token: str, asked: list[Question], clients: int, seconds: int
         ) -> dict[str, Any]:
    """wrk on loopback: ``clients`` connections for ``seconds``, cycling through the questions."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"error": "wrk is not installed (apt-get install -y wrk)"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % ", ".join(f'"{path_of(q)}"' for q in asked))
    try:
        done = subprocess.run(
            [wrk, f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--latency",
             "--timeout", "30s", "-s", script.name, "-H", f"Authorization: Bearer {token}",
             url], capture_output=True, text=True, timeout=seconds + 120)
    finally:
        Path(script.name).unlink()
    return parse_wrk(done.stdout, clients, seconds) | {"exit": done.returncode,
                                                        "stderr": done.stderr[-500:]}


def parse_wrk(text: str, clients: int, seconds: int) -> dict[str, Any]:
    def number(pattern: str) -> float:
        match = re.search(pattern, text)
        return float(match.group(1)) if match else 0.0

    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       text)
    return {"clients": clients, "seconds": seconds,
            "requests": int(number(r"(\d+) requests in")),
            "requests_per_s": number(r"Requests/sec:\s+([\d.]+)"),
            "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
            "socket_errors": sum(int(x) for x in socket.groups()) if socket else 0,
            "latency_p50": _latency(text, "50%"), "latency_p99": _latency(text, "99%"),
            "output": text}


def _latency(text: str, share: str) -> str | None:
    match = re.search(rf"^\s+{re.escape(share)}\s+(\S+)", text, re.MULTILINE)
    return match.group(1) if match else None
