"""The HTTP benchmark's printed figures, each beside its baseline, and its targets."""

from __future__ import annotations

from typing import Any

from support.stats import row

OBLIGATIONS_P50_MS = 5.0
OBLIGATIONS_P95_MS = 20.0
STEP_P50_MS = 150.0
STEP_P95_MS = 400.0
CONCURRENT_RATIO = 1.3


def _ms(stats: dict[str, float] | None) -> str:
    if not stats:
        return "n/a"
    return f"p50 {stats['p50_ms']:.2f} ms, p95 {stats['p95_ms']:.2f} ms"


def print_obligations(f: dict[str, Any]) -> None:
    seq = f["sequential"]
    row("obligations", f"{seq['requests']} requests one at a time, {seq['rows_mean']:,.0f} rows "
        f"an answer on average (the API's first page); errors {seq['errors']}; "
        f"same rows as the query layer: {seq['same_rows']}")
    row("  server", f"{_ms(seq['server'])} ({seq['server_time_from']})")
    row("  client", f"{_ms(seq['client'])} (loopback, answer read and parsed)")
    row("  in-process", f"{_ms(seq['in_process'])} (the query layer in this process)")
    if "ratio_p50" in seq:
        row("  ratio", f"{seq['ratio_p50']:.2f}x at p50, {seq['ratio_p95']:.2f}x at p95 "
            "(server ÷ in-process)")
    for sample in seq["error_samples"]:
        row("", f"error: {sample}")
    load = f["load"]
    if "error" in load:
        row("  load", load["error"])
        return
    per_request_ms = 1000 / load["requests_per_s"] if load["requests_per_s"] else float("inf")
    base = seq["in_process"]["p50_ms"] if seq["in_process"] else float("nan")
    row("  load", f"wrk {load['clients']} clients {load['seconds']} s: {load['requests']:,} "
        f"requests, {load['requests_per_s']:,.1f} requests/s (= {per_request_ms:.2f} ms a "
        f"request, {per_request_ms / base:.2f}x the in-process query's p50); latency p50 "
        f"{load['latency_p50']}, p99 {load['latency_p99']}; non-2xx {load['non_2xx']}, "
        f"socket errors {load['socket_errors']}")


def print_steps(f: dict[str, Any]) -> None:
    single = f["single"]
    row("steps", f"{single['steps']} steps of {single['proposals']} proposals, one at a time; "
        f"errors {single['errors']}")
    row("  client", f"p50 {single['client_p50_ms']} ms, p95 {single['client_p95_ms']} ms")
    if "server_p50_ms" in single:
        row("  server", f"p50 {single['server_p50_ms']} ms, p95 {single['server_p95_ms']} ms "
            "(Server-Timing)")
    row("  bare", f"p50 {single['bare_p50_ms']} ms, p95 {single['bare_p95_ms']} ms "
        f"(an Update straight to the bare workflow); ratio {single.get('ratio_p50', 'n/a')}x")
    for sample in single["error_samples"]:
        row("", f"error: {sample}")
    for which in ("api", "bare"):
        c = f[which]
        row(f"  {which}", f"{c['completed']}/{c['proposals']} at once in {c['wall_s']:.2f} s "
            f"= {c['proposals_per_s']:.2f} proposals/s; step p50 {c['step_latency_median_ms']}"
            f" ms, p95 {c['step_latency_p95_ms']} ms; errors {c['errors']} (warm-up "
            f"{c['warmup_errors']})" + (" -- WARNING: contended" if c["cpu"]["contended"]
                                         else ""))
        for sample in c["error_samples"]:
            row("", f"error: {sample}")
    failed = f["api"]["errors"] + f["bare"]["errors"]
    row("  ratio", f"{f['ratio']:.2f}x (API ÷ bare, wall time per proposal)"
        + (f" -- not a figure: {failed} proposals failed" if failed else ""))
    if "checked" in f:
        row("  register", ", ".join(f"{k.replace('_', ' ')} {v}"
                                    for k, v in f["checked"].items()))


def targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def target(name: str, value: float | None, limit: float) -> None:
        found.append({"target": name, "value": value, "limit": limit,
                      "pass": value is not None and value <= limit})

    ob = figures.get("obligations")
    if ob:
        server = ob["sequential"]["server"] or ob["sequential"]["client"]
        target("obligations server p50 ms", server and server["p50_ms"], OBLIGATIONS_P50_MS)
        target("obligations server p95 ms", server and server["p95_ms"], OBLIGATIONS_P95_MS)
        load = ob["load"]
        target("obligations load errors", None if "error" in load
               else load["non_2xx"] + load["socket_errors"], 0)
    st = figures.get("steps")
    if st:
        single = st["single"]
        target("step p50 ms (one at a time)", single.get("client_p50_ms"), STEP_P50_MS)
        target("step p95 ms (one at a time)", single.get("client_p95_ms"), STEP_P95_MS)
        target("concurrent errors", st["api"]["errors"] + st["api"]["warmup_errors"], 0)
        # With failed proposals the wall time is not the cost of the work: no ratio then.
        failed = st["api"]["errors"] + st["bare"]["errors"]
        target("concurrent ratio to bare", None if failed else st["ratio"], CONCURRENT_RATIO)
    return found


def print_targets(found: list[dict[str, Any]]) -> None:
    for t in found:
        row("target", f"{t['target']}: {t['value']} (<= {t['limit']}) "
            + ("PASS" if t["pass"] else "FAIL"))
