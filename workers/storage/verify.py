"""The chain's verifier: walk the event log and the chain together, name the first misfit.

Before the walk, the key is compared with the fingerprint kept with the chain
(a wrong key is named as such); during it, the chain must pass through the
head the newest signed checkpoint names (``checkpoints``), so a chain
recomputed with the key, cut short or wiped does not verify as intact. Given
the attachment store, the walk also checks that every scan an event names
is kept under its hash (``attachments``): the chain seals the name, the
store must still hold the bytes that make it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from workers.storage.attachments import AttachmentStore, problems_in
from workers.storage.checkpoints import Checkpoint, latest_trusted
from workers.storage.ledger import GENESIS, fingerprint, link, stored_id


class LedgeredRecorder(Protocol):
    ledger_key: bytes

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Any = (), *, inclusive_of_start: bool = True) -> Any: ...

    def select_ledger(self, start: int, limit: int) -> list[Any]: ...

    def ledger_meta(self) -> Any: ...


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


def verify_store(recorder: LedgeredRecorder, checkpoints: Path, trusted: Sequence[str] = (),
                 batch: int = 5000, *, attachments: AttachmentStore | None = None
                 ) -> VerifyReport:
    """The key, the chain, and the newest checkpoint in the folder, checked in that order."""
    meta = recorder.ledger_meta()
    ours = fingerprint(recorder.ledger_key)
    if meta is not None and meta.key_fingerprint != ours:
        return VerifyReport(
            checked=0, head=GENESIS.hex(),
            problem=f"the chain was written with another key (fingerprint "
                    f"{meta.key_fingerprint}) than the one given to this audit (fingerprint "
                    f"{ours}): set CABINET_LEDGER_KEY to the chain's key")
    latest = latest_trusted(checkpoints, trusted)
    # A checkpoint that cannot be trusted says nothing about the chain: walk without it.
    report = verify(recorder, batch, attachments=attachments,
                    checkpoint=None if latest.problem else latest.checkpoint)
    if not report.ok:
        return report
    if latest.problem is not None:
        assert latest.checkpoint is not None
        return replace(report, problem=latest.problem,
                       notification_id=latest.checkpoint.last_id)
    if latest.checkpoint is None and meta is not None and meta.size:
        return replace(report, problem=f"no checkpoint of this chain of {meta.size} events "
                                       f"in {checkpoints}: the checkpoint folder was emptied, "
                                       "or CABINET_CHECKPOINT_DIR names another one")
    return report


def verify(recorder: LedgeredRecorder, batch: int = 5000, *,
           checkpoint: Checkpoint | None = None,
           attachments: AttachmentStore | None = None) -> VerifyReport:
    """Walk the log and the chain together; name the first event that does not fit.

    With a ``checkpoint``, the chain must also pass through the head it signed.
    With ``attachments``, an intact chain whose events name a scan the store no
    longer holds as named is reported at the first such event.
    """
    unmatched: tuple[int, str] | None = None
    events = _stream(lambda s, n: list(recorder.select_notifications(start=s, limit=n)), batch)
    ledger = _stream(recorder.select_ledger, batch)
    previous = GENESIS
    checked = 0
    reached = False
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
        if attachments is not None and unmatched is None:
            problem = problems_in(attachments, event.state)
            if problem is not None:
                unmatched = (event.id, f"event {event.id} ({_who(event)}): {problem}")
        if checkpoint is not None and event.id >= checkpoint.last_id and not reached:
            reached = True
            if (event.id, previous.hex(), checked) != (
                    checkpoint.last_id, checkpoint.head, checkpoint.size):
                return _broken(checked, previous, event.id, _rewritten(checkpoint))
        event = next(events, None)
        sealed = next(ledger, None)
    if checkpoint is not None and not reached:
        return _broken(checked, previous, checkpoint.last_id,
                       f"the chain ends after {checked} events, but the checkpoint signed at "
                       f"{checkpoint.at} counts {checkpoint.size} up to event "
                       f"{checkpoint.last_id}: events were removed from the end")
    if unmatched is not None:
        return VerifyReport(checked=checked, head=previous.hex(), problem=unmatched[1],
                            notification_id=unmatched[0])
    return VerifyReport(checked=checked, head=previous.hex())


def _rewritten(checkpoint: Checkpoint) -> str:
    return (f"the chain is not the one the checkpoint signed at {checkpoint.at} "
            f"({checkpoint.size} events up to event {checkpoint.last_id}, head "
            f"{checkpoint.head[:16]}…): it was rewritten and its links recomputed with the key")


def _broken(checked: int, previous: bytes, notification_id: int, problem: str) -> VerifyReport:
    return VerifyReport(checked=checked, head=previous.hex(), problem=problem,
                        notification_id=notification_id)


def _who(event: Any) -> str:
    return f"{event.topic.rsplit(':', 1)[-1]} of aggregate {stored_id(event.originator_id)} " \
           f"v{event.originator_version}"
