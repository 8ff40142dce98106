"""Signed checkpoints of the chain's head, kept in a folder outside the database.

After each transaction that adds events, the writer appends one line to
``checkpoints.jsonl`` in the checkpoint folder: how many events the chain
holds, the notification id of the last one, the head (its link), the time,
and an Ed25519 signature by the writer's checkpoint key. An auditor needs
only the public key to check a checkpoint, and cannot make one: a chain
recomputed with the chain's key (the development key is public) no longer
ends in the head a checkpoint signed, and a chain cut short no longer
reaches it.

Keys rotate: a line may introduce the next key, signed by the current one
(``introduce_key``); the verifier trusts the keys it is given (or, given
none, the first key in the folder) and every key a trusted key introduced.
The operator may also introduce a key by adding it to the trusted keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the library loads slowly; only writing or checking a signature needs it
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

FILE = "checkpoints.jsonl"
ORIGIN = "cabinet-register/checkpoint/v1"
"""Names the format and purpose of what is signed, so a signature is never reused elsewhere."""


def key_id(public_text: str) -> str:
    return hashlib.sha256(_decode(public_text)).hexdigest()[:16]


def _decode(text: str) -> bytes:
    return base64.b64decode(text.strip(), validate=True)


def _encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class SigningKey:
    """The writer's checkpoint key; its text form is the base64 of the 32-byte private key."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private

    @classmethod
    def generate(cls) -> SigningKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_text(cls, text: str) -> SigningKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.from_private_bytes(_decode(text)))

    @property
    def private_text(self) -> str:
        return _encode(self._private.private_bytes_raw())

    @property
    def public_text(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return _encode(self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    @property
    def key_id(self) -> str:
        return key_id(self.public_text)

    def sign(self, message: bytes) -> str:
        return _encode(self._private.sign(message))


@dataclass(frozen=True)
class Checkpoint:
    size: int
    """Events in the chain."""
    last_id: int
    """The notification id of the last of them."""
    head: str
    """The chain's link at that event (hex)."""
    at: str
    key: str
    """The public key that signed it (base64)."""
    signature: str
    next_key: str | None = None
    """A key this line introduces, signed by ``key``; size, last_id and head are then 0."""

    @property
    def key_id(self) -> str:
        return key_id(self.key)

    def message(self) -> bytes:
        return "\n".join((ORIGIN, str(self.size), str(self.last_id), self.head, self.at,
                          self.next_key or "", "")).encode()

    def signed_by_its_key(self) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(_decode(self.key)).verify(
                _decode(self.signature), self.message())
        except (InvalidSignature, ValueError):
            return False
        return True


def _signed(key: SigningKey, **fields: object) -> Checkpoint:
    unsigned = Checkpoint(key=key.public_text, signature="", **fields)  # type: ignore[arg-type]
    return Checkpoint(**{**asdict(unsigned), "signature": key.sign(unsigned.message())})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _append(folder: Path, checkpoint: Checkpoint) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    line = (json.dumps({k: v for k, v in asdict(checkpoint).items() if v is not None},
                       separators=(",", ":")) + "\n").encode()
    # One write to a file opened for appending: processes writing at once
    # never interleave within a line.
    fd = os.open(folder / FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def write_checkpoint(folder: Path, key: SigningKey, *, size: int, last_id: int,
                     head: bytes) -> None:
    _append(folder, _signed(key, size=size, last_id=last_id, head=head.hex(), at=_now()))


def introduce_key(folder: Path, current: SigningKey, next_public: str) -> None:
    """Make ``next_public`` trusted wherever ``current`` is: a line signed by the current key."""
    key_id(next_public)  # refuse text that is no key before signing it
    _append(folder, _signed(current, size=0, last_id=0, head="", at=_now(),
                            next_key=next_public.strip()))


def read_checkpoints(folder: Path) -> list[Checkpoint]:
    """Every line of the folder's checkpoints, in the order written."""
    path = folder / FILE
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        try:
            found.append(Checkpoint(**json.loads(line)))
        except (ValueError, TypeError):
            found.append(Checkpoint(size=0, last_id=0, head="", at="", key="",
                                    signature=f"line {number} cannot be read"))
    return found


@dataclass(frozen=True)
class Latest:
    checkpoint: Checkpoint | None
    """The checkpoint of the longest chain the folder names, if one is there."""
    problem: str | None = None
    """Why it cannot be trusted, if it cannot."""


def latest_trusted(folder: Path, trusted: Sequence[str]) -> Latest:
    """The newest checkpoint in ``folder``, checked against the trusted keys.

    Trust starts from ``trusted`` (public keys), or from the first key in the
    folder when none is given, and passes to each key a trusted key introduced.
    """
    lines = read_checkpoints(folder)
    heads = [c for c in lines if c.next_key is None]
    if not heads:
        return Latest(None)
    keys = {key_id(k) for k in trusted} or {lines[0].key_id}
    for line in lines:
        if line.next_key is not None and line.key_id in keys and line.signed_by_its_key():
            keys.add(key_id(line.next_key))
    latest = max(heads, key=lambda c: c.last_id)
    where = f"the checkpoint of event {latest.last_id} ({latest.at or 'no time'})"
    if not latest.signed_by_its_key():
        return Latest(latest, f"{where} in {folder} does not carry a valid signature: "
                              "the checkpoint folder was edited")
    if latest.key_id not in keys:
        return Latest(latest, f"{where} is signed by key {latest.key_id}, which no trusted key "
                              "introduced: trust it (CABINET_CHECKPOINT_TRUSTED_KEYS) or "
                              "introduce it with the key before it")
    return Latest(latest)


def development_key(path: Path) -> SigningKey:
    """The checkpoint key kept in the data folder in development mode, made on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, SigningKey.generate().private_text.encode())
        finally:
            os.close(fd)
        try:
            # Linking fails if another process made the key first: then its key is the key.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return SigningKey.from_text(path.read_text())


def main(argv: Sequence[str] | None = None) -> int:
    """``new-key``: print a new private key and its public half. ``introduce FOLDER
    NEXT_PUBLIC``: with the current private key on standard input, sign the next one in."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["new-key"]:
        key = SigningKey.generate()
        print(f"private (CABINET_CHECKPOINT_KEY, writers only): {key.private_text}")
        print(f"public (CABINET_CHECKPOINT_TRUSTED_KEYS, for auditors): {key.public_text}")
        return 0
    if len(args) == 3 and args[0] == "introduce":
        introduce_key(Path(args[1]), SigningKey.from_text(sys.stdin.read()), args[2])
        print(f"key {key_id(args[2])} introduced in {args[1]}")
        return 0
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
