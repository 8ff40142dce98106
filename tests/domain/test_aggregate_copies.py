"""The repository's copies of cached aggregates: changing a copy never changes the cache."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

from domain.permissions import Actor
from domain.register.resolution import Resolution
from domain.values import Clause, ResolutionItemRef, SourceDocument

AT = datetime(2026, 1, 1, tzinfo=UTC)
SOURCE = SourceDocument.model_validate(
    {"kind": "circular", "number": "นร 0505/ว 8", "date": "2016-01-14", "issuer": "SOC"})


def recorded() -> Resolution:
    resolution = Resolution.record(meeting_date=date(2016, 1, 12), subject="s", source=SOURCE,
                                   clauses=(Clause(number="1", summary="a"),
                                            Clause(number="2", summary="b")),
                                   actor=Actor(agency="SOC"), at=AT)
    resolution.collect_events()
    return resolution


def test_rescinding_in_a_copy_leaves_the_original_in_force():
    original = recorded()
    assert original.clauses["2"].in_force_on(date(2022, 1, 1))
    twin = copy.deepcopy(original)
    by = ResolutionItemRef(resolution_id=twin.id, meeting_date=date(2021, 11, 9), subject="x",
                           item="2")
    twin.rescind(clauses=("2",), whole=False, effective_on=date(2021, 11, 9), by=by,
                 source=SOURCE, actor=Actor(agency="SOC"), at=AT)
    assert not twin.clauses["2"].in_force_on(date(2022, 1, 1))
    assert original.clauses["2"].in_force_on(date(2022, 1, 1))
    assert original.version == 1
    assert original.pending_events == []


def test_a_copy_shares_the_frozen_values():
    original = recorded()
    twin = copy.deepcopy(original)
    assert twin.source is original.source
    assert twin.clauses is not original.clauses
