"""Deterministic aggregate ids from natural keys.

A retried activity or a re-imported file computes the same id, finds the
aggregate already there, and so records nothing twice.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from uuid import UUID, uuid5

REGISTER_LOG = "Register"
"""The register application's name: its log's name, and the key the views track it by."""

_NAMESPACE = UUID("6f1d3c52-5b8e-4f4e-9a57-0c2b7d1e4a90")
_SPACES = re.compile(r"\s+")


def normalize_subject(subject: str) -> str:
    return _SPACES.sub(" ", subject).strip().casefold()


def resolution_id(meeting_date: date, subject: str) -> UUID:
    return uuid5(_NAMESPACE, f"resolution/{meeting_date.isoformat()}/{normalize_subject(subject)}")


def document_id(issuer: str, number_key: str, year: int) -> UUID:
    """The claim on a letter number: an office numbers its letters afresh each year."""
    return uuid5(_NAMESPACE, f"document/{issuer}/{year}/{number_key}")


def legacy_document_id(number_key: str) -> UUID:
    """The claim on a letter number as earlier code keyed it, by the number alone.

    Stores written before running numbers restarted each year hold claims
    under this id; they still name their documents.
    """
    return uuid5(_NAMESPACE, f"document/{number_key}")


def proposal_id(workflow_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"proposal/{workflow_id}")


def refusals_id(workflow_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"refusals/{workflow_id}")


AGENCY_DIRECTORY_ID = uuid5(_NAMESPACE, "agency-directory")
HOLIDAY_BOOK_ID = uuid5(_NAMESPACE, "holiday-book")


@lru_cache(maxsize=4096)
def meeting_day_id(day: date) -> UUID:
    return uuid5(_NAMESPACE, f"meeting-day/{day.isoformat()}")


def account_id(username: str) -> UUID:
    """An account's grants: one aggregate per username (usernames are kept lower-case)."""
    return uuid5(_NAMESPACE, f"account/{username}")
