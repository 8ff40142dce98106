"""``cabinet search``: resolutions, clauses and circulars whose text holds what was typed."""

from __future__ import annotations

import click

from cli.context import Context
from cli.options import argument, command, wide_option
from cli.render import emit_answer, heading, more, said_empty, table
from cli.session import handler
from projections.queries import search


@command("search", "cabinet search 'นร 0505/ว 3407'", "cabinet search กลไกประชารัฐ --limit 10",
         "cabinet search eMENSCR --json")
@argument("text", "a letter number (Thai or Arabic digits), or part of a subject or a clause")
@click.option("--limit", type=int, metavar="N", default=search.DEFAULT_LIMIT,
              show_default=True, help="at most N hits (a page)")
@click.option("--after", metavar="CURSOR", help="the page after the one that printed this cursor")
@wide_option
@handler
def search_command(ctx: Context, text: str, limit: int, after: str | None) -> int:
    """Find resolutions, clauses and circulars by letter number or by any part of their text.

    Thai is matched by substring (it has no spaces between words); digits may be
    typed Thai or Arabic, and a letter number with any spacing.
    """
    answer = search.find(ctx.system, text, limit=limit, after=after)
    if ctx.json:
        return emit_answer(answer)
    heading(f"Search for {answer.text!r}")
    if said_empty(answer):
        return 0
    table([(h.resolution, h.kind, h.clause or "", h.letter_number or "", h.snippet)
           for h in answer.hits], ["resolution", "found in", "cl.", "letter", "text"])
    print(f"{len(answer.hits)} hit{'s' if len(answer.hits) != 1 else ''}")
    more(answer.next)
    return 0
