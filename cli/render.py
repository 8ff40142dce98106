"""Output: stable JSON for scripts, short aligned text for people."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import orjson
from pydantic import BaseModel


def emit_json(payload: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
                           default=str).decode())
    out.write("\n")


def emit_answer(answer: BaseModel, out: TextIO | None = None) -> int:
    """An answer's JSON dump, exactly its model's (``schemas/`` describes each)."""
    emit_json(answer.model_dump(mode="json"), out)
    return 0


def said_empty(answer: BaseModel, out: TextIO | None = None) -> bool:
    """Print why an answer is empty, when the register held nothing then; whether it did."""
    why = getattr(answer, "empty_because", None)
    if why:
        (out or sys.stdout).write(f"{why}\n")
    return bool(why)


def more(cursor: str | None, out: TextIO | None = None) -> None:
    """Where the next page starts, when the answer was cut to a page."""
    if cursor is not None:
        (out or sys.stdout).write(f"more: --after {cursor}\n")


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str],
          out: TextIO | None = None) -> None:
    out = out or sys.stdout
    rows = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = min(max(widths[i], len(value)), 70)
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out.write(line.rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows:
        cells = [_clip(v, w).ljust(w) for v, w in zip(row, widths, strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")


def _clip(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def heading(text: str, out: TextIO | None = None) -> None:
    (out or sys.stdout).write(f"{text}\n")


class Progress:
    """A one-line progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, label: str, total: int | None, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = -1

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        if self.total:
            percent = int(done * 100 / self.total)
            if percent == self._last:
                return
            self._last = percent
            filled = percent * 30 // 100
            bar = "#" * filled + "." * (30 - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}")
        elif done - self._last >= 1000 or self._last < 0:
            self._last = done
            self.stream.write(f"\r{self.label} {done}")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self._last >= 0:
            self.stream.write("\n")
            self.stream.flush()
