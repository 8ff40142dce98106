"""A stored event decodes under the rules it was accepted by, not today's input limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from domain.paperwork.fields import MAX_LINE
from domain.permissions import Actor
from domain.process.proposal import Proposal
from domain.process.steps import Draft
from domain.register.records import ImportFile
from workers.storage.mapping import PydanticMapper, UnusedTranscoder


def test_an_event_accepted_under_looser_rules_still_decodes(case: ImportFile) -> None:
    draft = case.proposals[0].steps[0].step
    assert isinstance(draft, Draft)
    # Recorded before titles were limited: model_copy does not validate, as old code did not.
    long_title = draft.model_copy(update={"title": "ก" * (MAX_LINE + 1)})
    proposal = Proposal.draft(workflow_id="OPDC-1-1", step=long_title,  # type: ignore[arg-type]
                              actor=Actor.parse("OPDC:head"), step_id="draft",
                              at=datetime(2021, 8, 24, tzinfo=UTC))
    event = proposal.collect_events()[0]
    mapper = PydanticMapper(transcoder=UnusedTranscoder())
    stored = mapper.to_stored_event(event)

    with pytest.raises(ValidationError, match="1,001 characters"):
        Proposal.Drafted.model_validate_json(stored.state)  # as input today, it is refused
    decoded = mapper.to_domain_event(stored)
    assert isinstance(decoded, Proposal.Drafted)
    assert decoded.step.title == long_title.title
