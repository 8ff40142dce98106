"""Who may use each register verb: every verb, agency and role against the table.

Each case opens a register on the library's in-memory store, records one
resolution to start from, and has one actor try one verb. The verb is taken
exactly when ``domain.permissions`` permits it; a refusal names ``actor``
(or the record in a file whose actor it is) and leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from domain.errors import NotPermitted
from domain.permissions import PERMITS, Actor, Role, may
from domain.register.application import Register
from domain.register.corrections import AgencyRename, HolidayMove, HolidayRevocation
from domain.register.grants import RoleGrant, RoleRevocation
from domain.register.records import (
    AgencyRecord,
    HolidayRecord,
    ImportFile,
    NoticeRecord,
    ResolutionRecord,
)
from domain.values import DocumentKind, ResolutionRef, SourceDocument
from tests.support.in_memory import IN_MEMORY

AGENCIES = ("SOC", "PM", "OPDC", "NESDC", "MOI")
ACTORS = [Actor(agency=agency, role=role) for agency in AGENCIES for role in Role]
SECRETARIAT_DESK = {Actor.parse("SOC:staff"), Actor.parse("SOC:head")}


def circular(number: int) -> SourceDocument:
    return SourceDocument(kind=DocumentKind.CIRCULAR, number=f"นร 0505/ว {number}",
                          date=date(2022, 3, 3), issuer="SOC")


def resolution(subject: str, actor: Actor) -> ResolutionRecord:
    return ResolutionRecord.model_validate({
        "meeting_date": "2022-03-01", "subject": subject, "source": circular(len(subject)),
        "clauses": [{"number": "1", "summary": f"{subject}: something to do"}],
        "actor": actor})


FIRST = resolution("a first resolution", Actor.parse("SOC:staff"))
HOLIDAY = HolidayRecord(date=date(2022, 7, 29), name="special holiday", source=circular(123))
AGENCY = AgencyRecord(code="MOJ", name_th="กระทรวงยุติธรรม", name_en="Ministry of Justice")
NOTICE = NoticeRecord(circular=circular(901), recipients=("MOI",))
DECLARED = HolidayRecord(date=date(2022, 10, 14), name="bridge holiday", source=circular(124))
REVOKED = HolidayRevocation(date=DECLARED.date, reason="declared by mistake",
                            source=circular(125))
MOVED = HolidayMove(date=DECLARED.date, to=date(2022, 10, 21), reason="the wrong Friday",
                    source=circular(126))
RENAMED = AgencyRename(code="OPDC", name_th="สำนักงาน ก.พ.ร.",
                       name_en="Office of the Public Sector Development Commission (OPDC)",
                       reason="the English name as the office writes it", source=circular(127))

APPOINTED = RoleGrant(username="somchai", agency="OPDC", role=Role.HEAD,
                      effective_from=date(2021, 1, 4), source=circular(128),
                      reason="appointed head of the division")
GRANTED = RoleGrant(username="malee", agency="SOC", role=Role.STAFF,
                    effective_from=date(2022, 3, 1), source=circular(129), reason="joined")
ENDED = RoleRevocation(username="somchai", effective_from=date(2022, 3, 1),
                       source=circular(130), reason="moved to another ministry")

Verb = Callable[[Register, Actor], object]
VERBS: dict[str, Verb] = {
    "declare_holiday": lambda register, actor: register.declare_holiday(HOLIDAY, actor),
    "register_agency": lambda register, actor: register.register_agency(AGENCY, actor),
    "revoke_holiday": lambda register, actor: register.revoke_holiday(REVOKED, actor),
    "move_holiday": lambda register, actor: register.move_holiday(MOVED, actor),
    "rename_agency": lambda register, actor: register.rename_agency(RENAMED, actor),
    "record_resolution": lambda register, actor: register.record_resolution(
        resolution("a second resolution", actor)),
    "record_notice": lambda register, actor: register.record_notice(
        ResolutionRef(date=FIRST.meeting_date, subject=FIRST.subject), NOTICE, actor),
    "grant_role": lambda register, actor: register.grant_role(GRANTED, actor),
    "revoke_role": lambda register, actor: register.revoke_role(ENDED, actor),
    "import": lambda register, actor: register.import_file(
        ImportFile(holidays=(HOLIDAY,)), actor=actor),
}


def opened() -> Register:
    register = Register(env=IN_MEMORY, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    register.record_resolution(FIRST)
    register.declare_holiday(DECLARED, Actor.parse("SOC:staff"))
    register.grant_role(APPOINTED, Actor.parse("SOC:operator"))
    return register


def stored(register: Register) -> list[tuple[int, str, bytes]]:
    return [(n.id, n.topic, n.state)
            for n in register.recorder.select_notifications(start=None, limit=1000)]


def test_every_register_verb_is_in_the_table() -> None:
    assert set(VERBS) <= set(PERMITS)


@pytest.mark.parametrize("verb", sorted(VERBS))
@pytest.mark.parametrize("actor", ACTORS, ids=str)
def test_a_verb_is_taken_exactly_when_the_table_permits_it(verb: str, actor: Actor) -> None:
    register = opened()
    before = stored(register)
    if may(verb, actor):
        VERBS[verb](register, actor)
        assert len(stored(register)) > len(before)
        return
    with pytest.raises(NotPermitted) as refused:
        VERBS[verb](register, actor)
    assert refused.value.field == "actor"
    assert stored(register) == before


@pytest.mark.parametrize(("verb", "permitted"), [
    ("declare_holiday", SECRETARIAT_DESK),
    ("register_agency", SECRETARIAT_DESK),
    ("revoke_holiday", SECRETARIAT_DESK),
    ("move_holiday", SECRETARIAT_DESK),
    ("rename_agency", SECRETARIAT_DESK),
    ("record_resolution", SECRETARIAT_DESK),
    ("record_notice", SECRETARIAT_DESK),
    ("import", {Actor.parse("SOC:operator")}),
])
def test_the_table_gives_register_verbs_to_the_secretariat(verb: str,
                                                           permitted: set[Actor]) -> None:
    # The table says what we mean: a ministry cannot declare the Secretariat's
    # holidays, an auditor changes nothing, the engine takes no register verb.
    assert {actor for actor in ACTORS if may(verb, actor)} == permitted


@pytest.mark.parametrize("actor", ["MOI:staff", "SOC:auditor", "SOC:operator", "SOC:system"])
def test_an_import_may_not_record_a_resolution_in_the_name_of_who_could_not(actor: str) -> None:
    register = opened()
    before = stored(register)
    content = ImportFile(holidays=(HOLIDAY,), resolutions=(
        resolution("a second resolution", Actor.parse("SOC:head")),
        resolution("a third resolution", Actor.parse(actor))))
    with pytest.raises(NotPermitted) as refused:
        register.import_file(content)
    assert refused.value.field == "resolutions[1].actor"
    assert stored(register) == before


def test_the_local_operator_imports_by_default() -> None:
    register = opened()
    assert register.import_file(ImportFile(holidays=(HOLIDAY,))) > 0


def test_a_register_opened_without_its_stored_form_refuses_to_start() -> None:
    with pytest.raises(ValueError, match="MAPPER_TOPIC, CONFLICT_ERROR_TOPIC"):
        Register(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})

