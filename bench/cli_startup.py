"""How long a register query takes as a whole process, beside Python starting at all.

    .venv/bin/python bench/cli_startup.py            # 20 runs of each
    .venv/bin/python bench/cli_startup.py --quick    # 5 runs of each

The figure (issue 6, item 7): ``cabinet obligations --at 2021-11-10 --agency OPDC`` on a
small store (the reference case imported once, untimed), started as a new
process each time, as a person or a script would start it; median of N runs,
target <= 0.3 s. Beside it, in the same run and interleaved with it, the
baselines: ``python -c pass`` (the interpreter alone) and ``python -c "import
pydantic"`` (the interpreter and the one library no command can do without).
The ratio is the figure to compare between runs: the machine is shared. The
largest imports of one run (``python -X importtime``) follow, to show where
the start-up goes. Figures go to bench/out/cli-startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from support.cpu import CpuMeter  # noqa: E402
from support.host import describe, describe_source, machine, source_version  # noqa: E402
from support.stats import beside, duration, median, row  # noqa: E402

CASE = ROOT / "examples" / "emenscr-2021.yaml"
QUERY = ["obligations", "--at", "2021-11-10", "--agency", "OPDC"]
TARGET_S = 0.3


def cabinet() -> list[str]:
    """The installed console script next to this interpreter, run as a user runs it."""
    script = Path(sys.executable).parent / "cabinet"
    found = str(script) if script.exists() else shutil.which("cabinet")
    if found is None:
        raise SystemExit("no `cabinet` command: install the project (pip install -e .)")
    return [found]


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def largest_imports(env: dict[str, str], top: int = 8) -> list[tuple[str, float]]:
    """Packages by the cumulative time of their outermost import in one run of the query.

    The figures nest: ``cli`` includes everything it imports.
    """
    done = subprocess.run([sys.executable, "-X", "importtime", *cabinet(), *QUERY], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    found: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        package = parts[2].strip().split(".")[0]
        found[package] = max(found.get(package, 0.0), int(parts[1]) / 1e6)
    return sorted(found.items(), key=lambda kv: -kv[1])[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="5 runs of each")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    folder = Path(tempfile.mkdtemp(prefix="cli-startup-"))
    # As an installed command starts: with its modules' bytecode cached. A shell
    # that sets PYTHONDONTWRITEBYTECODE would have every run compile the project's
    # sources again (about 0.15 s here), which no installed copy pays.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
           "CABINET_DATA_DIR": str(folder), "CABINET_STORE": "sqlite",
           "CABINET_ENV": "development"}
    commands = {"query": [*cabinet(), *QUERY],
                "python": [sys.executable, "-c", "pass"],
                "pydantic": [sys.executable, "-c", "import pydantic"]}
    meter = CpuMeter()
    try:
        timed([*cabinet(), "import", str(CASE)], env)
        for command in commands.values():
            timed(command, env)  # warm the file cache; not counted
        times: dict[str, list[float]] = {name: [] for name in commands}
        with meter.phase("runs"):
            for _ in range(runs):
                for name, command in commands.items():  # interleaved: drift hits all alike
                    times[name].append(timed(command, env))
        imports = largest_imports(env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    medians = {name: median(values) for name, values in times.items()}
    query = medians["query"]
    row("machine", describe(machine("pydantic", "temporalio", "eventsourcing")))
    row("code", describe_source(source_version()))
    row("query", f"`cabinet {' '.join(QUERY)}` median {duration(query)} over {runs} runs "
        f"(min {duration(min(times['query']))}, max {duration(max(times['query']))})")
    row("", beside(query, medians["python"], "`python -c pass`"))
    row("", beside(query, medians["pydantic"], '`python -c "import pydantic"`'))
    row("target", f"<= {TARGET_S} s: {'PASS' if query <= TARGET_S else 'FAIL'}")
    row("imports", "; ".join(f"{name} {duration(seconds)}" for name, seconds in imports))
    print(meter.verdict())
    out = BENCH / "out" / "cli-startup.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"command": QUERY, "runs": runs, "median_s": medians,
                               "times_s": times, "target_s": TARGET_S,
                               "ratio_to_python": query / medians["python"],
                               "ratio_to_pydantic": query / medians["pydantic"],
                               "largest_imports_s": dict(imports), "cpu": meter.phases},
                              indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
