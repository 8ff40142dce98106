"""Importing a file of records: agencies, holidays, resolutions, proposals' histories.

The whole file is one unit of work, recorded in one transaction in the
file's order, so a refused record (named by its place in the file) leaves the
register as it was. The unit of work is optimistic: records are taken to be
new and not read first, and a re-import finds out at the save (see
``unit_of_work.run``). Records already in the register record nothing again.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.errors import NotPermitted
from domain.permissions import Actor, Role, check
from domain.register import proposals, recording
from domain.register.records import ImportFile, ProposalRecord
from domain.register.unit_of_work import UnitOfWork

LOCAL_OPERATOR = Actor(agency="SOC", role=Role.OPERATOR)
"""Who imports when nobody else is named: the operator of the Secretariat's register."""

RECORDED_AS = Actor(agency="SOC")
"""The actor an imported agency or holiday is recorded under: the Secretariat's staff."""

Progress = Callable[[int], None]


def check_import(content: ImportFile, actor: Actor) -> None:
    """Raise ``NotPermitted`` unless ``actor`` may import, and may import what the file says.

    A resolution carries who recorded it; a file may not record a resolution
    in the name of someone the table would not let record it. (A proposal's
    steps are checked by the proposal's own rules as they are recorded.)
    """
    check("import", actor)
    for i, resolution in enumerate(content.resolutions):
        try:
            check("record_resolution", resolution.actor)
        except NotPermitted as error:
            raise error.at(f"resolutions[{i}]") from None


def import_content(uow: UnitOfWork, content: ImportFile, progress: Progress | None) -> None:
    """Record every record of the file in the unit of work, in the file's order."""
    done = 0
    for agency in content.agencies:
        recording.register_agency(uow, agency, RECORDED_AS)
        done = _tick(progress, done)
    for i, holiday in enumerate(content.holidays):
        recording.declare_holiday(uow, holiday, RECORDED_AS, f"holidays[{i}]")
        done = _tick(progress, done)
    for i, resolution in enumerate(content.resolutions):
        recording.record_resolution(uow, resolution, f"resolutions[{i}]")
        done = _tick(progress, done)
    for i, proposal in enumerate(content.proposals):
        _import_proposal(uow, proposal, f"proposals[{i}]")
        done = _tick(progress, done)


def _import_proposal(uow: UnitOfWork, record: ProposalRecord, where: str) -> None:
    workflow_id = record.workflow_id
    first = record.steps[0]
    proposals.draft(uow, workflow_id, record.draft, first.actor, record.step_id(0),
                    f"{where}.steps[0].step")
    for i, taken in enumerate(record.steps[1:], start=1):
        proposals.take_step(uow, workflow_id, taken.step, taken.actor, record.step_id(i), None,
                            f"{where}.steps[{i}].step")


def _tick(progress: Progress | None, done: int) -> int:
    if progress is not None:
        progress(done + 1)
    return done + 1
