"""Run a benchmark only while nothing else loads the machine.

    .venv/bin/python bench/run_quiet.py [--attempts 10] [--log FILE] [--script NAME] -- [options]

On a shared 2-core machine another job can start at any time and skew
every wall-clock figure. This waits until other work uses under 0.1 cores,
starts the benchmark, watches what other processes use (kernel threads,
mostly writing back the benchmark's own I/O, are not counted), and
restarts the benchmark if other work takes more than 0.3 cores for two
samples running. It stops only the benchmark process it started.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from support.cpu import others_cores  # noqa: E402
from support.stats import log  # noqa: E402

QUIET = 0.10
BUSY = 0.30
SAMPLE_S = 10.0


def others(pid: int | None, seconds: float) -> float:
    """Cores other user-space processes (and steal) use over the next ``seconds``."""
    return others_cores({os.getpid(), *([pid] if pid is not None else [])}, seconds)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--log", type=Path, default=BENCH / "out" / "full-run.log")
    parser.add_argument("--script", default="register_bench.py",
                        help="the script in bench/ to run (default register_bench.py)")
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = [a for a in args.rest if a != "--"]
    args.log.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, args.attempts + 1):
        while (used := others(None, 20)) >= QUIET:
            log(f"waiting: other work uses {used:.2f} cores")
        log(f"attempt {attempt}: machine quiet, starting the benchmark")
        with open(args.log, "w") as out:
            child = subprocess.Popen([sys.executable, str(BENCH / args.script), *rest],
                                     stdout=out, stderr=subprocess.STDOUT)
            strikes = 0
            while child.poll() is None:
                used = others(child.pid, SAMPLE_S)
                strikes = strikes + 1 if used > BUSY else 0
                if strikes >= 2 and child.poll() is None:
                    log(f"other work uses {used:.2f} cores: stopping this attempt")
                    child.terminate()
                    child.wait()
                    break
        if strikes < 2:
            log(f"{args.script} finished with exit status {child.returncode}; log in {args.log}")
            return child.returncode
    log("gave up: the machine never stayed quiet for a whole run")
    return 3


if __name__ == "__main__":
    sys.exit(main())
