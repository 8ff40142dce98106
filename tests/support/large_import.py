"""Large import files for load tests: many resolutions with long clauses.

Sized in bytes as much as in events: what made PostgreSQL imports hang was
the size of the batch sent in one message, about 10 MB on this machine.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

_THAI = ("ให้หน่วยงานรายงานความก้าวหน้าการดำเนินงานตามมติคณะรัฐมนตรี"
         "ต่อสำนักงานปลัดสำนักนายกรัฐมนตรีภายในวันที่ห้าของทุกเดือน ")
CLAUSES = 10


def resolution(serial: int, meeting: date) -> dict[str, Any]:
    """Resolution ``serial`` (from 0), with its own circular number and subject."""
    office, number = divmod(serial, 5_000)
    clauses: list[dict[str, Any]] = [
        {"number": str(i + 1), "summary": f"Clause {i + 1} of resolution {serial + 1}",
         "text": f"{_THAI * 3}(ข้อ {i + 1})"}
        for i in range(CLAUSES)]
    clauses[0]["obligations"] = [{"bearer": "OPDC", "summary": "Monthly progress report",
                                  "recurrence": {"kind": "monthly", "day": 5}}]
    return {"meeting_date": meeting.isoformat(),
            "subject": f"มาตรการที่ {serial + 1}",
            "source": {"kind": "circular", "number": f"นร {501 + office:04d}/ว {number + 1}",
                       "date": (meeting + timedelta(days=3)).isoformat(), "issuer": "SOC"},
            "clauses": clauses}


def write_large_import(path: Path, resolutions: int, *, first: int = 0,
                       first_meeting: date = date(2001, 1, 2)) -> Path:
    """An import file of ``resolutions`` resolutions, serials from ``first``, 40 a meeting.

    Files with serial ranges and meeting dates apart share no aggregate, so
    each writes the same events whether imported alone or beside the other.
    """
    records = [resolution(first + i, first_meeting + timedelta(days=7 * (i // 40)))
               for i in range(resolutions)]
    path.write_text(json.dumps({"format": 1, "resolutions": records}, ensure_ascii=False))
    return path
