"""Output: stable JSON for scripts, aligned tables for people.

Tables are laid out by rich, which measures each cell by its width on screen:
Thai combining vowels and tone marks take no column, so Thai text aligns.
Long cells wrap to the terminal's width (``COLUMNS``, or 120 columns when the
output is not a terminal); ``--wide`` (``WIDE``) shows them whole. rich is
imported only when a table or a progress bar is drawn.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import orjson
from pydantic import BaseModel

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress

WIDE = False
"""Set by ``--wide``: no cell is wrapped."""

PIPE_WIDTH = 120
"""The width of a table written to a file or a pipe, when ``COLUMNS`` does not say."""


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


def heading(text: str, out: TextIO | None = None) -> None:
    (out or sys.stdout).write(f"{text}\n")


def screen_width(out: TextIO) -> int:
    """The columns a table may fill on ``out``."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if out.isatty():
        return shutil.get_terminal_size().columns
    return PIPE_WIDTH


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str], out: TextIO | None = None,
          *, wide: bool | None = None) -> None:
    """Rows under their headers, a rule of dashes between, columns two spaces apart."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = out or sys.stdout
    whole = WIDE if wide is None else wide
    cells = [[Text("" if v is None else str(v)) for v in row] for row in rows]
    grid = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 2, 0, 0),
                 header_style="", collapse_padding=True)
    for header in headers:
        grid.add_column(header, no_wrap=whole, overflow="fold")
    for row in cells:
        grid.add_row(*row)
    written = io.StringIO()
    width = _whole_width(headers, cells) if whole else screen_width(out)
    Console(file=written, width=width, color_system=None, highlight=False, markup=False,
            emoji=False, soft_wrap=False).print(grid)
    lines = written.getvalue().splitlines()
    out.write("\n".join(_with_rule(lines, headers)) + "\n")


def _whole_width(headers: Sequence[str], cells: list[list[Any]]) -> int:
    from rich.cells import cell_len

    widths = [cell_len(h) for h in headers]
    for row in cells:
        widths = [max(w, cell_len(c.plain)) for w, c in zip(widths, row, strict=True)]
    return sum(widths) + 2 * len(widths)


def _with_rule(lines: list[str], headers: Sequence[str]) -> list[str]:
    """The header line, a rule under each column's text width, then the rows."""
    from rich.cells import cell_len

    header, *body = [line.rstrip() for line in lines] or [""]
    starts: list[int] = []
    for name in headers:  # each header begins its column, in order
        starts.append(header.find(name, starts[-1] + 1 if starts else 0))
    rule = ""
    for i, start in enumerate(starts):
        end = starts[i + 1] - 2 if i + 1 < len(starts) else _widest(lines)
        rule += " " * (start - cell_len(rule)) + "-" * max(end - start, cell_len(headers[i]))
    return [header, rule, *body]


def _widest(lines: list[str]) -> int:
    from rich.cells import cell_len

    return max(cell_len(line.rstrip()) for line in lines)


def full_text(title: str, text: str, out: TextIO | None = None) -> None:
    """A titled block of text, wrapped to the screen (``resolution show --full``)."""
    from rich.console import Console
    from rich.text import Text

    out = out or sys.stdout
    written = io.StringIO()
    console = Console(file=written, width=10_000 if WIDE else screen_width(out),
                      color_system=None, highlight=False, markup=False, emoji=False)
    console.print(Text(f"\n{title}:"))
    console.print(Text(text), overflow="fold")
    out.write("\n".join(line.rstrip() for line in written.getvalue().splitlines()) + "\n")


class Progress:
    """A progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, label: str, total: int | None, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._bar: RichProgress | None = None
        self._task: Any = None

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            self._start()
        assert self._bar is not None
        self._bar.update(self._task, completed=done)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn()) if self.total else (
                   TextColumn("{task.description}"), TextColumn("{task.completed}"),
                   TimeElapsedColumn())
        self._bar = RichProgress(*columns, console=Console(file=self.stream), transient=False)
        self._task = self._bar.add_task(self.label, total=self.total)
        self._bar.start()

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
