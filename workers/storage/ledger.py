"""The tamper-evident chain over the event log, and the form in which it names an aggregate.

Each stored event gets a link: an HMAC over the previous link and the event
as stored (its notification id, aggregate id, version, topic and bytes). The
links are written in the same transaction as the events, so an event edited,
deleted, inserted or moved by hand breaks the chain at that event. The key is
kept outside the database; without it, nobody can forge a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from uuid import UUID

from eventsourcing.persistence import PersistenceError

GENESIS = bytes(32)
DEV_KEY = b"cabinet-register-development-key"


class LedgerKeyError(PersistenceError):
    """The chain's key cannot be used to write: the development key, or not the chain's own."""


def fingerprint(key: bytes) -> str:
    """Names a key without revealing it: an HMAC of a fixed text under the key."""
    return hmac.digest(key, b"cabinet-ledger-key-fingerprint", hashlib.sha256)[:12].hex()


def link(key: bytes, previous: bytes, notification_id: int, originator_id: UUID | str,
         version: int, topic: str, state: bytes) -> bytes:
    # One message, one call into C: feeding the parts one by one cost more than
    # hashing the event itself.
    message = b"".join((previous, struct.pack(">QQ", notification_id, version),
                        stored_id(originator_id).encode(), b"\x1f", topic.encode(),
                        b"\x1f", state))
    return hmac.digest(key, message, hashlib.sha256)


def stored_id(originator_id: UUID | str) -> str:
    """An aggregate id as the chain stores and hashes it: 32 hex digits, no dashes.

    The library hands ids back as UUIDs (PostgreSQL) or as text (SQLite), so
    both are accepted. Text that is no UUID at all can only be a hand-edited
    row; it is returned as found, for the verifier to name.
    """
    if isinstance(originator_id, UUID):
        return originator_id.hex
    try:
        return UUID(originator_id).hex
    except ValueError:
        return originator_id
