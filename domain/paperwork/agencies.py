"""Agency codes: who proposes, opines, bears obligations and acts in the register."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidInput, UnknownAgency

ALL = "ALL"
"""Bearer code for a duty that binds every agency and state body."""

_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,15}$")


@dataclass(frozen=True)
class Agency:
    code: str
    name_th: str
    name_en: str


# The agencies of the reference case and the cabinet's own offices. Others are
# registered in the register's agency directory (import files may declare them).
BUILTIN_AGENCIES: dict[str, Agency] = {
    a.code: a
    for a in (
        Agency("OPDC", "สำนักงาน ก.พ.ร.", "Office of the Public Sector Development Commission"),
        Agency("DPM", "รองนายกรัฐมนตรี", "Deputy Prime Minister"),
        Agency("PM", "นายกรัฐมนตรี", "Prime Minister"),
        Agency("SOC", "สำนักเลขาธิการคณะรัฐมนตรี", "Secretariat of the Cabinet"),
        Agency("MOI", "กระทรวงมหาดไทย", "Ministry of Interior"),
        Agency(
            "NESDC",
            "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ",
            "National Economic and Social Development Council",
        ),
        Agency(
            "PMDU",
            "สำนักงาน ป.ย.ป.",
            "Office for National Reform, Strategy and Reconciliation",
        ),
        Agency("OPM", "สำนักเลขาธิการนายกรัฐมนตรี", "Office of the Prime Minister's Secretary-General"),
        Agency("CABINET", "คณะรัฐมนตรี", "the Cabinet"),
        Agency("AUDIT", "ผู้ตรวจสอบ", "Register auditors"),
    )
}


def check_code_syntax(code: str, *, field: str | None = None) -> str:
    """The code, upper-cased, if it is shaped like an agency code."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput("an agency code is required", field=field)
    normalized = code.strip().upper()
    if not _CODE.match(normalized):
        raise InvalidInput(
            f"{code!r} is not an agency code (2–16 letters, digits, '-' or '_', "
            "starting with a letter, e.g. NESDC)",
            field=field,
        )
    return normalized


def require_known(code: str, known: set[str] | frozenset[str], *, field: str | None = None,
                  allow_all: bool = False) -> str:
    """The normalized code if the directory knows it (``ALL`` only where allowed)."""
    normalized = check_code_syntax(code, field=field)
    if allow_all and normalized == ALL:
        return normalized
    if normalized not in known:
        raise UnknownAgency(
            f"unknown agency code {normalized!r}; known codes include "
            f"{', '.join(sorted(known)[:12])}{' …' if len(known) > 12 else ''}"
            " (declare new agencies in the import file's 'agencies' section)",
            field=field,
        )
    return normalized
