"""Concurrent writers to the same aggregate: the register decides again, nobody is lost."""

from __future__ import annotations

import threading

from domain.register.records import ResolutionRecord
from projections import resolutions
from workers.bootstrap import open_register


def resolution(n: int) -> ResolutionRecord:
    return ResolutionRecord.model_validate({
        "meeting_date": "2022-03-01", "subject": f"matter {n}",
        "source": {"kind": "circular", "number": f"นร 0505/ว {700 + n}",
                   "date": "2022-03-03", "issuer": "SOC"},
        "clauses": [{"number": "1", "summary": f"item of matter {n}"}],
    })


def test_resolutions_of_one_meeting_recorded_at_once_are_all_listed(settings):
    # Every resolution of a meeting appends to that meeting day's aggregate: the
    # writers conflict, and each conflicting command must be decided again.
    writers = [open_register(settings) for _ in range(4)]
    errors: list[BaseException] = []

    def record(system, numbers):
        try:
            for n in numbers:
                system.register.record_resolution(resolution(n))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=record, args=(w, range(i, 40, 4)))
               for i, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reader = writers[0]
    with reader.reading() as cursor:
        listed = resolutions.on_date(cursor, resolution(0).meeting_date)
    assert len(listed) == 40
    from domain.ids import meeting_day_id
    from domain.register.directories import MeetingDay
    day: MeetingDay = reader.register.repository.get(meeting_day_id(resolution(0).meeting_date))
    assert len(day.resolutions) == 40
    for w in writers:
        w.close()


def test_an_agency_registered_by_another_process_is_known_at_once(settings):
    from domain.permissions import Actor
    from domain.register.records import AgencyRecord

    first, second = open_register(settings), open_register(settings)
    assert "MOJ" not in first.register.agency_codes()
    second.register.register_agency(AgencyRecord(code="MOJ", name_th="กระทรวงยุติธรรม",
                                                 name_en="Ministry of Justice"),
                                    Actor(agency="SOC"))
    first.register.record_resolution(resolution(99))  # the log moves on for other reasons too
    assert "MOJ" in first.register.agency_codes()
    first.close()
    second.close()
