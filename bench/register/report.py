"""What the register benchmark prints: each figure beside its baseline, then the targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.cpu import CpuMeter
from support.host import describe, describe_source
from support.stats import beside, duration, row, share_of

TARGET_QUERY_MS = 2.0
TARGET_SPEEDUP = 100.0
TARGET_IMPORT_SHARE = 0.5
TARGET_REPLAY_SHARE = 0.5


def targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    s = figures.get("sqlite")
    if not s:
        return []
    q, imp, audit = s["query"], s["import"], s["audit"]
    import_share = imp["events_per_s"] / s["library_append"]["events_per_s"]
    found: list[tuple[str, str, float, bool, str]] = [
        ("query median, as recorded now", f"<= {TARGET_QUERY_MS} ms", q["now"]["median_ms"],
         q["now"]["median_ms"] <= TARGET_QUERY_MS, "ms"),
        ("query median, as recorded at an earlier moment", f"<= {TARGET_QUERY_MS} ms",
         q["as_recorded"]["median_ms"], q["as_recorded"]["median_ms"] <= TARGET_QUERY_MS, "ms"),
        ("speed-up over answering by replay (median/median)", f">= {TARGET_SPEEDUP:.0f}x",
         s["replay_answer"]["speedup"], s["replay_answer"]["speedup"] >= TARGET_SPEEDUP, "x"),
        ("import rate / eventsourcing's own append rate", f">= {TARGET_IMPORT_SHARE:.0%}",
         import_share, import_share >= TARGET_IMPORT_SHARE, "share"),
        ("audit replay rate / read+decode rate", f">= {TARGET_REPLAY_SHARE:.0%}",
         audit["ratio"], audit["ratio"] >= TARGET_REPLAY_SHARE, "share"),
    ]
    return [{"target": name, "goal": goal, "measured": round(value, 4), "unit": unit,
             "pass": ok} for name, goal, value, ok, unit in found]


def _shown(t: dict[str, Any]) -> str:
    value = t["measured"]
    return (f"{value:.2f} ms" if t["unit"] == "ms" else f"{value:,.0f}x" if t["unit"] == "x"
            else f"{value:.1%}")


def _import_rows(imp: dict[str, Any], library: dict[str, Any], store: str,
                 supplementary: str = "") -> None:
    row("import", f"{imp['events']:,} events in {duration(imp['total_s'])} "
        f"(validate {duration(imp['validate_s'])}) = {imp['events_per_s']:,.0f} ev/s "
        + share_of(imp["events_per_s"], library["events_per_s"],
                   f"eventsourcing's own append on {store}"))
    row("", f"per file median {imp['per_file_ms_median']:.1f} ms, p95 "
        f"{imp['per_file_ms_p95']:.1f} ms")
    if supplementary:
        row("", "supplementary: " + supplementary)
    cu = imp["catch_up"]
    row("catch-up", f"{cu['applied_events']:,} events applied in {duration(cu['seconds'])} = "
        f"{cu['log_events_per_s']:,.0f} log ev/s (no target)")


def _sqlite_rows(s: dict[str, Any]) -> None:
    row("workload", s["workload_text"] + f"; {s['store_events']:,} events")
    _import_rows(s["import"], s["library_append"], "SQLite", share_of(
        s["import"]["events_per_s"], s["recorder_insert"]["events_per_s"],
        "the recorder inserting the register's encoded bytes"))
    q = s["query"]
    for label, key in (("query now", "now"), ("query then", "as_recorded")):
        k = q[key]
        row(label, f"median {k['median_ms']:.2f} ms (p95 {k['p95_ms']:.2f}, max "
            f"{k['max_ms']:.2f}) " + beside(k["median_ms"] / 1000, k["sqlite_scan_median_ms"]
                                          / 1000, "SQLite's own scan of the same rows")
            + f"; {k['rows_mean']:,.0f} rows on average")
    if not q["same_rows_as_sqlite_scan"]:
        row("", "WRONG: SQLite's scan returned other rows than the register's answer")
    r = s["replay_answer"]
    row("by replay", f"median {duration(r['replay_s_median'])} over {len(r['questions'])} "
        f"questions = {r['speedup']:,.0f}x the view's answer "
        f"({r['view_ms_median_same_questions']:.2f} ms; lowest {r['speedup_min']:,.0f}x); "
        f"answers {'identical' if r['all_same'] else 'DIFFER'}")
    a = s["audit"]
    rv = a["replay_views"]
    row("audit replay", f"{duration(rv['seconds'])} (rebuild {duration(rv['rebuild_s'])} + "
        f"compare {duration(rv['compare_s'])}) = {a['ratio']:.1%} of the read+decode rate "
        f"({duration(a['decode']['seconds'])}); {a['ratio_vs_json_parse']:.1%} of only "
        f"parsing the JSON ({duration(a['parse_json_only']['seconds'])}); "
        f"{'views identical' if rv['ok'] else 'VIEWS DIFFER'}")


def _postgres_rows(pg: dict[str, Any], sqlite: dict[str, Any] | None) -> None:
    if "skipped" in pg:
        row("PostgreSQL", f"skipped: {pg['skipped']}")
        return
    if "error" in pg:
        row("PostgreSQL", f"FAILED: {pg['error']}; last progress: {pg['last_progress']}")
        for line in pg["stack"]:
            print(f"    {line}")
        return
    _import_rows(pg, pg["library_append"], "PostgreSQL")
    if sqlite:
        row("", "beside SQLite: " + beside(pg["total_s"], sqlite["import"]["total_s"],
                                           "SQLite's import time"))
    others = pg["cpu"]["import"]["other_cores"]
    row("", f"the PostgreSQL server and any other work used {others:.2f} cores meanwhile")


def print_report(figures: dict[str, Any], meter: CpuMeter, out: Path) -> None:
    print("\n" + "=" * 78)
    print(f"REGISTER BENCHMARK ({'quick: indicative only' if figures['quick'] else 'full size'})")
    print("=" * 78)
    row("machine", describe(figures["machine"]))
    row("code", describe_source(figures["source"]))
    sqlite = figures.get("sqlite")
    if sqlite:
        print("\n-- SQLite --")
        _sqlite_rows(sqlite)
    if "postgres" in figures:
        print("\n-- PostgreSQL (import only) --")
        _postgres_rows(figures["postgres"], sqlite)
    if figures["targets"]:
        print("\ntargets" + (" (quick size: indicative only; set for the full size)"
                             if figures["quick"] else ""))
        for t in figures["targets"]:
            print(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['target']}: {_shown(t)} "
                  f"(goal {t['goal']})")
    print("\n" + meter.verdict())
    print(f"wall time {figures['wall_s']:,.0f} s; figures in {out}\n" + "=" * 78, flush=True)
