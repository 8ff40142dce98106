"""Scanned documents stored by content: the SHA-256 of the bytes is the file's name.

A step's document names its scan (``domain.values.Attachment``: hash, media
type, size) in the event; the bytes live outside the database, in an
``AttachmentStore``. The event is the record and the chain seals it, so a
file swapped or lost in the store no longer matches its name, which
``audit verify`` checks for every attachment the log names (``problems_in``).

``FolderAttachments`` is the default store: ``<data_dir>/attachments/ab/cdef…``
(the first two hex digits as a folder, so no folder holds too many files),
each file written to a temporary name, flushed and renamed into place, so a
reader never sees half a file. In production an object store plays the same
part: a class with ``put_bytes``/``read`` (and ``where`` for messages) that
writes the same key (``key_of``) to a bucket (an object store's PUT is atomic
per object), chosen where ``workers.bootstrap`` builds the store from settings.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import orjson

from domain.errors import InvalidInput
from domain.values import Attachment, MediaType

MAX_BYTES = 50 * 1024 * 1024
"""The largest scan accepted: a letter of many pages scanned at office resolution."""

_MAGIC: tuple[tuple[bytes, MediaType], ...] = (
    (b"%PDF-", MediaType.PDF),
    (b"\x89PNG\r\n\x1a\n", MediaType.PNG),
    (b"\xff\xd8\xff", MediaType.JPEG),
    (b"II*\x00", MediaType.TIFF),
    (b"MM\x00*", MediaType.TIFF),
)


class AttachmentRefused(InvalidInput):
    """A file that is not a PDF or an image, or too large, or empty."""


def media_type_of(data: bytes, *, field: str = "attachment") -> MediaType:
    """What the file's first bytes say it is; refused unless a PDF or an image."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise AttachmentRefused("the file is neither a PDF nor an image (PNG, JPEG or TIFF): "
                            f"it starts with {data[:8]!r}", field=field)


def describe(data: bytes, *, max_bytes: int = MAX_BYTES, field: str = "attachment"
             ) -> Attachment:
    """The attachment the bytes make, after the checks every store makes."""
    if not data:
        raise AttachmentRefused("the file is empty", field=field)
    if len(data) > max_bytes:
        raise AttachmentRefused(f"the file holds {len(data):,} bytes; at most {max_bytes:,} "
                                "are accepted", field=field)
    return Attachment(sha256=hashlib.sha256(data).hexdigest(),
                      media_type=media_type_of(data, field=field), size=len(data))


def key_of(sha256: str) -> str:
    """Where a file lives in a store: ``ab/cdef…``."""
    return f"{sha256[:2]}/{sha256[2:]}"


class AttachmentStore(Protocol):
    def put_bytes(self, data: bytes) -> Attachment:
        """Check and keep the bytes under their hash; what the event should name."""

    def read(self, sha256: str) -> bytes | None:
        """The bytes kept under the hash, or None if there are none."""

    def where(self, sha256: str) -> str:
        """Where the file is (for messages)."""


class FolderAttachments:
    """Attachments in a folder of the file system (the default store)."""

    def __init__(self, root: Path, *, max_bytes: int = MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def where(self, sha256: str) -> str:
        return str(self.root / key_of(sha256))

    def put_file(self, path: Path, *, field: str = "attachment") -> Attachment:
        """A scan from a file, its size checked before it is read."""
        try:
            size = path.stat().st_size
        except OSError as error:
            raise AttachmentRefused(f"cannot read {path}: {error.strerror}",
                                    field=field) from None
        if size > self.max_bytes:
            raise AttachmentRefused(f"{path.name} holds {size:,} bytes; at most "
                                    f"{self.max_bytes:,} are accepted", field=field)
        return self.put_bytes(path.read_bytes(), field=field)

    def put_bytes(self, data: bytes, *, field: str = "attachment") -> Attachment:
        attachment = describe(data, max_bytes=self.max_bytes, field=field)
        target = self.root / key_of(attachment.sha256)
        if self.read(attachment.sha256) == data:
            return attachment  # kept already (the same scan attached twice)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_folder(target.parent)
        return attachment

    def read(self, sha256: str) -> bytes | None:
        try:
            return (self.root / key_of(sha256)).read_bytes()
        except FileNotFoundError:
            return None


def _sync_folder(folder: Path) -> None:
    """The rename itself made durable (POSIX: the folder's entry is flushed)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- the audit's part --------------------------------------------------------------------

_NAMED = b'"attachment":{'
"""How an attachment appears in a stored event's JSON (pydantic writes no spaces)."""


def named_in(state: bytes) -> Iterator[Attachment]:
    """Every attachment a stored event's JSON names, wherever in the event it sits."""
    if _NAMED not in state:
        return  # most events carry none: no need to parse them
    yield from _walk(orjson.loads(state))


def _walk(value: Any) -> Iterator[Attachment]:
    if isinstance(value, dict):
        found = value.get("attachment")
        if isinstance(found, dict):
            yield Attachment.model_validate(found)
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def mismatch(store: AttachmentStore, attachment: Attachment) -> str | None:
    """What is wrong with the stored copy of ``attachment``; None if it is the one named."""
    data = store.read(attachment.sha256)
    if data is None:
        return (f"its attachment {attachment.sha256} is missing from "
                f"{store.where(attachment.sha256)}")
    actual = hashlib.sha256(data).hexdigest()
    if actual != attachment.sha256:
        return (f"its attachment {attachment.sha256} at {store.where(attachment.sha256)} "
                f"now holds other bytes (SHA-256 {actual}): the file was swapped or altered")
    return None


def problems_in(store: AttachmentStore, state: bytes) -> str | None:
    """The first attachment of a stored event that its store no longer holds as named."""
    for attachment in named_in(state):
        problem = mismatch(store, attachment)
        if problem is not None:
            return problem
    return None
