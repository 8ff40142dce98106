"""Refused attempts are kept for auditors, but one actor cannot grow the log without bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.process.proposal import RefusalLog

START = datetime(2026, 1, 1, 3, tzinfo=UTC)


def refuse(log: RefusalLog, n: int, *, at: datetime, actor: str = "MOI:head",
           payload: str = "{}") -> None:
    log.refuse(attempt_id=f"attempt-{n}", step="decide", actor=actor,
               reason="only the Secretariat records the decision", field="actor",
               payload=payload, at=at)


def refused(log: RefusalLog) -> list[RefusalLog.AttemptRefused]:
    return [e for e in log.collect_events() if isinstance(e, RefusalLog.AttemptRefused)]


def test_the_same_refusal_repeated_is_kept_once():
    log = RefusalLog.open("OPDC-1-1", START)
    for n in range(1000):
        refuse(log, n, at=START + timedelta(seconds=n))
    assert len(refused(log)) == 1


def test_one_actors_different_refusals_are_kept_at_a_bounded_rate():
    log = RefusalLog.open("OPDC-1-1", START)
    for n in range(1000):
        refuse(log, n, at=START + timedelta(seconds=n), payload=f'{{"try": {n}}}')
    kept = refused(log)
    assert len(kept) == RefusalLog.PER_ACTOR_PER_HOUR
    assert [e.attempt_id for e in kept] == [f"attempt-{n}" for n in range(len(kept))]


def test_the_rate_is_per_actor_and_per_hour():
    log = RefusalLog.open("OPDC-1-1", START)
    for n in range(100):
        refuse(log, n, at=START, payload=f'{{"try": {n}}}')
        refuse(log, n, at=START, actor="PM:head", payload=f'{{"try": {n}}}')
    refuse(log, 999, at=START + timedelta(hours=1, seconds=1), payload='{"later": 1}')
    kept = refused(log)
    assert len(kept) == 2 * RefusalLog.PER_ACTOR_PER_HOUR + 1
    assert kept[-1].attempt_id == "attempt-999"


def test_the_same_refusal_after_a_while_is_kept_again():
    log = RefusalLog.open("OPDC-1-1", START)
    refuse(log, 1, at=START)
    refuse(log, 2, at=START + timedelta(days=1, seconds=1))
    assert len(refused(log)) == 2
