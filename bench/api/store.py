"""The register benchmark's generated register, built once and kept between runs.

Building 1,000,000 clauses takes minutes (much longer on a busy machine), so
the built data folder is cached under the system's temporary folder, keyed by
every parameter of the generator. A build goes into a ``.building`` folder
that is renamed only when it is complete, so an interrupted build is never
taken for a finished one. Each run works on a copy: signing accounts in and
taking steps writes to the register, and the cache must stay as generated.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from register.importing import import_register
from register.workload import SEED, FileClock, Workload
from support.stats import log

from workers.bootstrap import open_register
from workers.settings import Settings

CACHE = Path(tempfile.gettempdir()) / "cabinet-bench"
DONE = "built.json"


@dataclass(frozen=True)
class Generated:
    """The generator's parameters: the same ones give the same register."""

    resolutions: int
    clauses_per: int = 10
    agencies: int = 300
    batch: int = 100
    seed: int = SEED

    @property
    def key(self) -> str:
        return (f"register-r{self.resolutions}-c{self.clauses_per}-a{self.agencies}"
                f"-b{self.batch}-s{self.seed}")

    def workload(self) -> Workload:
        return Workload(clauses_per=self.clauses_per, agencies=self.agencies,
                        batch=self.batch, seed=self.seed)


@dataclass(frozen=True)
class Built:
    """A finished data folder and what the questions need to know about it."""

    folder: Path
    codes: list[str]
    first_meeting: date
    last_meeting: date
    figures: dict[str, Any]


def _load(folder: Path) -> Built:
    found = json.loads((folder / DONE).read_text())
    return Built(folder=folder, codes=found["codes"],
                 first_meeting=date.fromisoformat(found["first_meeting"]),
                 last_meeting=date.fromisoformat(found["last_meeting"]),
                 figures=found["figures"])


def built(generated: Generated, cache: Path = CACHE) -> Built:
    """The cached data folder for ``generated``, building it first if there is none."""
    folder = cache / generated.key
    if (folder / DONE).exists():
        log(f"register: cached in {folder}")
        _bring_up_to_date(folder)
        return _load(folder)
    building = cache / f"{generated.key}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    log(f"register: building {generated.resolutions:,} resolutions into {building} "
        "(once; later runs reuse it)")
    started = time.perf_counter()
    clock = FileClock()
    workload = generated.workload()
    system = open_register(Settings(data_dir=building, development=True), clock=clock)
    try:
        import_register(system, workload, clock, generated.resolutions, generated.batch)
    finally:
        system.close()
    (building / DONE).write_text(json.dumps({
        "generated": asdict(generated), "codes": workload.codes,
        "first_meeting": workload.first_meeting.isoformat(),
        "last_meeting": workload.last_meeting.isoformat(),
        "figures": workload.figures(),
        "build_s": round(time.perf_counter() - started, 1)}, indent=2))
    building.rename(folder)
    return _load(folder)


def _bring_up_to_date(folder: Path) -> None:
    """Views the code added or changed since the cache was built are built from its log
    here, once, not in every run's copy."""
    started = time.perf_counter()
    system = open_register(Settings(data_dir=folder, development=True))
    try:
        applied = system.catch_up()
    finally:
        system.close()
    if applied:
        log(f"register: views brought up to this code ({applied:,} events applied) in "
            f"{time.perf_counter() - started:.1f} s")


def working_copy(source: Built, into: Path) -> Built:
    """A copy of the built data folder that this run may write to."""
    started = time.perf_counter()
    shutil.copytree(source.folder, into)
    log(f"register: copied to {into} in {time.perf_counter() - started:.1f} s")
    return Built(folder=into, codes=source.codes, first_meeting=source.first_meeting,
                 last_meeting=source.last_meeting, figures=source.figures)


def main() -> None:
    """Build (or find) the full-size register ahead of a run: ``python -m api.store``."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--resolutions", type=int, default=100_000)
    args = parser.parse_args()
    from workers.runtime import tune_gc

    tune_gc()  # as the register benchmark's import does
    print(built(Generated(resolutions=args.resolutions)).folder)


if __name__ == "__main__":
    main()
