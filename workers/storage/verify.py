"""The chain's verifier: walk the event log and the chain together, name the first misfit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from workers.storage.ledger import GENESIS, link, stored_id


class LedgeredRecorder(Protocol):
    ledger_key: bytes

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Any = (), *, inclusive_of_start: bool = True) -> Any: ...

    def select_ledger(self, start: int, limit: int) -> list[Any]: ...


@dataclass
class VerifyReport:
    checked: int
    head: str
    problem: str | None = None
    notification_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stream(fetch: Callable[[int, int], list[Any]], batch: int) -> Iterator[Any]:
    start = 1
    while True:
        rows = fetch(start, batch)
        if not rows:
            return
        yield from rows
        start = rows[-1][0] + 1 if isinstance(rows[-1], tuple) else rows[-1].id + 1


def verify(recorder: LedgeredRecorder, batch: int = 5000) -> VerifyReport:
    """Walk the log and the chain together; name the first event that does not fit."""
    events = _stream(lambda s, n: list(recorder.select_notifications(start=s, limit=n)), batch)
    ledger = _stream(recorder.select_ledger, batch)
    previous = GENESIS
    checked = 0
    event = next(events, None)
    sealed = next(ledger, None)
    while event is not None or sealed is not None:
        if sealed is None or (event is not None and event.id < sealed.notification_id):
            assert event is not None
            return _broken(checked, previous, event.id,
                           f"event {event.id} ({_who(event)}) is not in the chain: "
                           "it was inserted behind the register's back")
        if event is None or sealed.notification_id < event.id:
            return _broken(checked, previous, sealed.notification_id,
                           f"event {sealed.notification_id} (aggregate {sealed.originator_id} "
                           f"v{sealed.originator_version}) was deleted")
        if (stored_id(event.originator_id), event.originator_version) != (
                sealed.originator_id, sealed.originator_version):
            return _broken(checked, previous, event.id,
                           f"event {event.id} is now {_who(event)} but the chain sealed "
                           f"aggregate {sealed.originator_id} v{sealed.originator_version} "
                           "there: events were reordered or replaced")
        expected = link(recorder.ledger_key, previous, event.id, event.originator_id,
                        event.originator_version, event.topic, event.state)
        if expected != sealed.link:
            return _broken(checked, previous, event.id,
                           f"event {event.id} ({_who(event)}) was edited after it was "
                           "recorded, or its chain link was")
        previous = expected
        checked += 1
        event = next(events, None)
        sealed = next(ledger, None)
    return VerifyReport(checked=checked, head=previous.hex())


def _broken(checked: int, previous: bytes, notification_id: int, problem: str) -> VerifyReport:
    return VerifyReport(checked=checked, head=previous.hex(), problem=problem,
                        notification_id=notification_id)


def _who(event: Any) -> str:
    return f"{event.topic.rsplit(':', 1)[-1]} of aggregate {stored_id(event.originator_id)} " \
           f"v{event.originator_version}"
