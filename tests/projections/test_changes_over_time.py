"""Answers across a change: amendments, rescissions, retroactive ones, and an empty register.

Each pattern is a small import file: a monthly report "by the 5th", later
amended to "by the 25th" or rescinded, asked about around the change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from cli.main import run
from domain.register.records import ImportFile
from projections.queries import due, obligations, resolutions
from workers.bootstrap import RegisterSystem

MONTHLY_5 = {"bearer": "ALL", "summary": "Monthly report to OPM by the 5th",
             "recipient": "OPM", "recurrence": {"kind": "monthly", "day": 5}}
MONTHLY_25 = {**MONTHLY_5, "summary": "Monthly report to OPM by the 25th",
              "recurrence": {"kind": "monthly", "day": 25}}
DUTY = {"meeting_date": "2022-01-11", "subject": "รายงานประจำเดือน",
        "source": {"kind": "meeting", "date": "2022-01-11", "issuer": "CABINET"},
        "clauses": [{"number": "1", "summary": "Agencies report monthly to OPM by the 5th",
                     "obligations": [MONTHLY_5]}]}


def _later(meeting: str, change: dict[str, Any]) -> dict[str, Any]:
    return {"meeting_date": meeting, "subject": f"แก้ไขมติ {meeting}",
            "source": {"kind": "meeting", "date": meeting, "issuer": "CABINET"},
            "clauses": [{"number": "1", "summary": "changes the monthly report", **change}]}


AMENDED_FROM_1_JULY = _later("2022-06-14", {"amends": [{
    "resolution": {"date": "2022-01-11"}, "clause": "1", "obligations": [MONTHLY_25],
    "effective_from": "2022-07-01"}]})
RESCINDED_FROM_9_JULY = _later("2022-07-09", {"rescinds": [{
    "resolution": {"date": "2022-01-11"}, "clauses": ["1"]}]})
RESCINDED_BACK_TO_1_JUNE = _later("2022-07-19", {"rescinds": [{
    "resolution": {"date": "2022-01-11"}, "clauses": ["1"], "effective_on": "2022-06-01"}]})


def _import(system: RegisterSystem, *resolutions_: dict[str, Any]) -> RegisterSystem:
    system.register.import_file(ImportFile.model_validate({"resolutions": list(resolutions_)}))
    system.catch_up()
    return system


def _monthly(system: RegisterSystem, on: date) -> list[Any]:
    return [r for r in due.due(system, on, agency="MOI").due if r.summary.startswith("Monthly")]


# --- item 1: a duty never vanishes across a change -----------------------------------

def test_asked_the_month_before_an_amendment_the_period_begun_is_still_due(system):
    _import(system, DUTY, AMENDED_FROM_1_JULY)
    [row] = _monthly(system, date(2022, 6, 20))
    assert (row.period, row.due) == ("June 2022", "2022-07-05")
    assert row.owed is True
    assert (row.governed_by.clause, row.governed_by.version) == ("1", 1)
    assert row.governed_by.resolution == "2022-01-11"
    assert "began" in row.governed_by.why


def test_just_after_the_amendment_the_old_period_is_due_and_then_the_new_version_governs(
        system):
    _import(system, DUTY, AMENDED_FROM_1_JULY)
    [june] = _monthly(system, date(2022, 7, 2))
    assert (june.period, june.due, june.governed_by.version) == ("June 2022", "2022-07-05", 1)
    [july] = _monthly(system, date(2022, 7, 6))
    assert (july.period, july.due) == ("July 2022", "2022-08-25")
    assert july.governed_by.version > 1
    assert july.summary == "Monthly report to OPM by the 25th"


def test_the_last_period_before_a_rescission_says_it_is_no_longer_owed(system):
    _import(system, DUTY, RESCINDED_FROM_9_JULY)
    [row] = _monthly(system, date(2022, 7, 6))
    assert (row.period, row.due) == ("July 2022", "2022-08-05")
    assert row.owed is False
    assert "rescinded" in row.governed_by.why
    [still] = _monthly(system, date(2022, 6, 20))
    assert (still.period, still.owed) == ("June 2022", True)


# --- item 5: the right text ----------------------------------------------------------

def test_monthly_periods_are_labelled_by_the_month_they_cover(system):
    _import(system, DUTY)
    [row] = _monthly(system, date(2022, 3, 10))
    assert (row.period, row.due) == ("March 2022", "2022-04-05")


def test_resolution_show_gives_the_version_in_force_on_the_day_asked(system):
    _import(system, DUTY, AMENDED_FROM_1_JULY)
    before = resolutions.show(system, date(2022, 1, 11), on=date(2022, 6, 20)).clauses[0]
    after = resolutions.show(system, date(2022, 1, 11), on=date(2022, 7, 20)).clauses[0]
    assert before.version == 1
    assert after.version is not None and after.version > 1
    assert after.obligations == ("Monthly report to OPM by the 25th",)
    assert before.obligations == ("Monthly report to OPM by the 5th",)


def test_each_obligation_row_says_when_its_own_version_was_recorded(system, clock):
    clock.now = datetime(2022, 1, 12, 3, tzinfo=UTC)
    _import(system, DUTY)
    clock.now = datetime(2022, 6, 15, 3, tzinfo=UTC)
    _import(system, AMENDED_FROM_1_JULY)
    [old] = obligations.in_force(system, date(2022, 6, 20)).obligations
    [new] = obligations.in_force(system, date(2022, 7, 20)).obligations
    assert old.as_json()["recorded_at"].startswith("2022-01-12")
    assert new.as_json()["recorded_at"].startswith("2022-06-15")
    # One agency's answer holds the same duty, told from the view's memory.
    assert obligations.in_force(system, date(2022, 6, 20), agency="MOI").obligations == [old]
    assert obligations.in_force(system, date(2022, 7, 20), agency="MOI").obligations == [new]


# --- item 6: retroactive changes -----------------------------------------------------

def test_a_retroactive_rescission_is_accepted_and_marked_in_answers_and_history(system):
    _import(system, DUTY, RESCINDED_BACK_TO_1_JUNE)
    went = obligations.diff(system, date(2022, 5, 20), date(2022, 6, 20)).went_out_of_force
    assert [r.retroactive for r in went] == [True]
    assert obligations.in_force(system, date(2022, 5, 20)).obligations[0].retroactive is True
    [moi] = obligations.in_force(system, date(2022, 5, 20), agency="MOI").obligations
    assert moi.retroactive is True
    clause = resolutions.show(system, date(2022, 1, 11), on=date(2022, 6, 20)).clauses[0]
    assert clause.status == "rescinded" and clause.retroactive is True
    events = resolutions.history(system, date(2022, 1, 11)).events
    assert [e.retroactive for e in events] == [False, True]
    assert "retroactive" in events[-1].detail


def test_an_ordinary_change_is_not_marked_retroactive(system):
    _import(system, DUTY, AMENDED_FROM_1_JULY)
    [row] = obligations.in_force(system, date(2022, 6, 20)).obligations
    assert row.retroactive is False
    assert "retroactive" not in obligations.in_force(system, date(2022, 6, 20)).as_json()[
        "obligations"][0] or row.as_json()["retroactive"] is False


# --- empty answers say why -----------------------------------------------------------

def test_an_empty_register_says_it_holds_nothing_yet(system):
    for answer in (obligations.in_force(system, date(2022, 6, 20)),
                   due.due(system, date(2022, 6, 20)),
                   obligations.diff(system, date(2022, 1, 1), date(2022, 6, 20)),
                   resolutions.listing(system)):
        assert answer.empty_because is not None
        assert "nothing" in answer.empty_because


def test_asked_as_recorded_before_the_first_import_the_answer_says_so(system, clock):
    clock.now = datetime(2022, 1, 12, 3, tzinfo=UTC)
    _import(system, DUTY)
    early = datetime(2022, 1, 1, tzinfo=UTC)
    answer = obligations.in_force(system, date(2022, 6, 20), as_recorded=early)
    assert answer.obligations == [] and answer.empty_because is not None
    assert "2022-01-12" in answer.empty_because
    assert due.due(system, date(2022, 6, 20), as_recorded=early).empty_because is not None
    held = obligations.in_force(system, date(2022, 6, 20))
    assert held.empty_because is None and "empty_because" not in held.as_json()


def test_a_retroactive_amendment_is_marked_on_the_new_version(system):
    back_to_may = _later("2022-06-14", {"amends": [{
        "resolution": {"date": "2022-01-11"}, "clause": "1", "obligations": [MONTHLY_25],
        "effective_from": "2022-05-01"}]})
    _import(system, DUTY, back_to_may)
    [row] = obligations.in_force(system, date(2022, 5, 20)).obligations
    assert row.version > 1 and row.retroactive is True
    assert obligations.in_force(system, date(2022, 5, 20), agency="MOI").obligations == [row]
    assert row.as_json()["retroactive"] is True
    clause = resolutions.show(system, date(2022, 1, 11), on=date(2022, 5, 20)).clauses[0]
    assert clause.retroactive is True
    assert resolutions.history(system, date(2022, 1, 11)).events[-1].retroactive is True


def test_a_period_that_begins_when_the_amendment_takes_effect_is_the_new_versions(system):
    annual = {**MONTHLY_5, "summary": "Annual plan in Q1",
              "recurrence": {"kind": "annual", "quarter": 1}}
    in_q2 = {**annual, "summary": "Annual plan in Q2",
             "recurrence": {"kind": "annual", "quarter": 2}}
    duty = {**DUTY, "clauses": [{**DUTY["clauses"][0], "obligations": [annual]}]}
    _import(system, duty, _later("2022-09-13", {"amends": [{
        "resolution": {"date": "2022-01-11"}, "clause": "1", "obligations": [in_q2],
        "effective_from": "2022-10-01"}]}))
    [row] = due.due(system, date(2022, 9, 30), agency="MOI").due
    assert (row.summary, row.due) == ("Annual plan in Q2", "2023-03-31")
    assert row.governed_by.version > 1


def test_the_text_answer_of_an_empty_register_says_so(env_for_cli, capsys):
    for question in (["due", "--at", "2022-06-20"], ["obligations", "--at", "2022-06-20"]):
        assert run(question) == 0
        assert "nothing recorded yet" in capsys.readouterr().out
