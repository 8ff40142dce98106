"""Scans attached by content hash: kept under their SHA-256, named in the event, audited."""

from __future__ import annotations

import hashlib
from uuid import UUID

import pytest

from domain.errors import InvalidInput
from domain.register.records import ImportFile
from domain.values import MediaType
from projections.queries import audit, resolutions
from workers.storage.attachments import AttachmentRefused, FolderAttachments, key_of

SCAN = b"%PDF-1.7\n" + "หนังสือ นร ๐๕๐๕/ว ๓๔๐๗".encode() + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def _record_with(system, attachment) -> int:
    """A circular whose source names the scan, recorded; the notification id of the event."""
    system.register.import_file(ImportFile.model_validate({"resolutions": [{
        "meeting_date": "2022-03-01", "subject": "ทดสอบการแนบสำเนาหนังสือ",
        "source": {"kind": "circular", "number": "นร ๐๕๐๕/ว ๑๐๐", "date": "2022-03-03",
                   "issuer": "SOC", "attachment": attachment.model_dump(mode="json")},
        "clauses": [{"number": "1", "summary": "ทดสอบ"}]}]}))
    system.catch_up()
    notes = system.register.recorder.select_notifications(start=1, limit=10000)
    # The first event that names it (the letter number's claim may name it too).
    return min(n.id for n in notes if attachment.sha256.encode() in n.state)


def test_a_scan_is_kept_under_its_hash_in_a_two_level_folder(case_system):
    store = case_system.attachments
    attachment = store.put_bytes(SCAN)
    assert attachment.sha256 == hashlib.sha256(SCAN).hexdigest()
    assert (attachment.media_type, attachment.size) == (MediaType.PDF, len(SCAN))
    path = case_system.settings.attachments_path / attachment.sha256[:2] / attachment.sha256[2:]
    assert path.read_bytes() == SCAN
    assert store.put_bytes(SCAN) == attachment  # the same scan twice: one file
    assert [p.name for p in path.parent.iterdir()] == [attachment.sha256[2:]]


def test_the_event_names_the_scan_and_verify_finds_it_intact(case_system):
    attachment = case_system.attachments.put_bytes(SCAN)
    _record_with(case_system, attachment)
    (row,) = [r for r in resolutions.listing(case_system).resolutions
              if r.meeting_date == "2022-03-01"]
    recorded = next(iter(case_system.register.history(UUID(row.resolution_id))))
    assert recorded.source.attachment == attachment
    answer = audit.verify(case_system)
    assert answer.ok, answer.problem


def test_a_swapped_file_fails_the_audit_naming_the_event(case_system):
    attachment = case_system.attachments.put_bytes(SCAN)
    event_id = _record_with(case_system, attachment)
    (case_system.settings.attachments_path / key_of(attachment.sha256)).write_bytes(
        SCAN.replace("๓๔๐๗".encode(), "๓๔๐๘".encode()))
    answer = audit.verify(case_system)
    assert not answer.ok
    assert answer.notification_id == event_id
    assert f"event {event_id}" in answer.problem and "swapped" in answer.problem
    assert attachment.sha256 in answer.problem


def test_a_deleted_file_fails_the_audit_naming_the_event(case_system):
    attachment = case_system.attachments.put_bytes(SCAN)
    event_id = _record_with(case_system, attachment)
    (case_system.settings.attachments_path / key_of(attachment.sha256)).unlink()
    answer = audit.verify(case_system)
    assert not answer.ok
    assert answer.notification_id == event_id
    assert "missing" in answer.problem and f"event {event_id}" in answer.problem


def test_events_without_scans_are_stored_as_before(case_system):
    # No "attachment": null in the stored JSON: documents recorded before scans
    # existed and after read and hash alike.
    notes = case_system.register.recorder.select_notifications(start=1, limit=1000)
    assert notes and not any(b'"attachment"' in n.state for n in notes)


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_naming_the_field(tmp_path):
    store = FolderAttachments(tmp_path / "attachments")
    with pytest.raises(AttachmentRefused) as refused:
        store.put_bytes(b"MZ\x90\x00 an executable")
    assert refused.value.field == "attachment" and "neither a PDF nor an image" in str(
        refused.value)
    assert isinstance(refused.value, InvalidInput)
    assert not (tmp_path / "attachments").exists()
    assert store.put_bytes(PNG).media_type is MediaType.PNG


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    store = FolderAttachments(tmp_path / "attachments", max_bytes=16)
    big = tmp_path / "scan.pdf"
    big.write_bytes(SCAN)
    with pytest.raises(AttachmentRefused) as refused:
        store.put_file(big)
    assert "at most 16" in str(refused.value)
    with pytest.raises(AttachmentRefused):
        store.put_bytes(b"")
    assert not (tmp_path / "attachments").exists()
