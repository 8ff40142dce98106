"""The query layer: typed questions in, pydantic answers out, from current views.

One module per family of answers; each function takes the source of answers
(``reading.Source``: the register, its views and their follower) and typed
arguments, catches the views up if the log has grown, and returns an answer
model whose JSON dump is what ``--json`` prints (and what the API will send).
``answers()`` names every answer model; ``scripts/gen-schemas`` writes their
JSON Schemas to ``schemas/``.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel


@cache
def answers() -> dict[str, type[BaseModel]]:
    """Every answer model, by the name of its schema file.

    Imported on demand: a command asks one module of this package, and loads
    only what that module needs.
    """
    from projections.queries.audit import ReplayAnswer, VerifyAnswer
    from projections.queries.directories import (
        AgenciesAnswer,
        DirectoryHistory,
        HolidaysAnswer,
    )
    from projections.queries.due import DueAnswer, DueCalendar
    from projections.queries.grants import GrantsAnswer, WhoCouldAnswer
    from projections.queries.obligations import DiffAnswer, ObligationsAnswer
    from projections.queries.proposals import BoardAnswer, ProposalStatus, RefusalsAnswer
    from projections.queries.resolutions import HistoryAnswer, ResolutionAnswer, ResolutionList
    from projections.queries.search import SearchAnswer
    from projections.rebuild import RebuildReport

    return {
        "obligations": ObligationsAnswer,
        "due": DueAnswer,
        "due-calendar": DueCalendar,
        "diff": DiffAnswer,
        "resolution-show": ResolutionAnswer,
        "resolution-list": ResolutionList,
        "history": HistoryAnswer,
        "audit-replay": ReplayAnswer,
        "audit-verify": VerifyAnswer,
        "proposals": BoardAnswer,
        "proposal-status": ProposalStatus,
        "refusals": RefusalsAnswer,
        "holidays": HolidaysAnswer,
        "agencies": AgenciesAnswer,
        "directory-history": DirectoryHistory,
        "rebuild": RebuildReport,
        "search": SearchAnswer,
        "who-could": WhoCouldAnswer,
        "grants": GrantsAnswer,
    }
