"""The generated register: seeded import files of resolutions, clauses and obligations.

Agencies AG001..AG300; two meetings a week from 2000-01-04 with 30-50
resolutions each; every resolution has a Thai subject, its notifying circular
and 10 clauses; one clause in three places an obligation (1 % of them on ALL
agencies); about 2 % of resolutions rescind a clause of an earlier one. The
same seed gives the same register on every store and every run.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.paperwork.agencies import ALL

FIRST_MEETING = date(2000, 1, 4)  # a Tuesday: the cabinet's usual day
SEED = 20_000_104
RESCIND_SHARE = 0.02
ALL_SHARE = 0.01
OBLIGATION_SHARE = 1 / 3
CIRCULARS_PER_OFFICE = 5_000


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_EN = _words(
    "agencies report progress on the national strategy reform plan budget data system "
    "monitoring evaluation province local government project results quarterly annual "
    "submit compile review coordinate digital services public sector citizens water "
    "resources drought relief education health insurance infrastructure transport "
    "energy tourism agriculture farmers prices trade investment procurement audit "
    "personnel training regulation licence permits open data registry disbursement "
    "committee secretariat opinion implementation measures targets indicators"
)
_TH = _words(
    "การ พัฒนา ระบบ ข้อมูล หน่วยงาน รายงาน ติดตาม ประเมินผล ยุทธศาสตร์ ชาติ งบประมาณ "
    "โครงการ ภาครัฐ ประชาชน ดำเนินการ ให้ เสนอ คณะรัฐมนตรี ทราบ ต่อไป ตาม มติ เพื่อ "
    "สำนักงาน กระทรวง จังหวัด ท้องถิ่น แผน ปฏิรูป ประเทศ ความก้าวหน้า ผลสัมฤทธิ์ ภายใน "
    "วันที่ ของทุกเดือน ไตรมาส ปีงบประมาณ มาตรการ แนวทาง บูรณาการ ร่วมกับ เอกชน ภาคประชาสังคม "
    "เร่งรัด กำกับ ดูแล สนับสนุน เบิกจ่าย จัดซื้อจัดจ้าง ตรวจสอบ อนุมัติ หลักการ"
)
_RECIPIENTS = ("OPM", "NESDC", "OPDC", "SOC", "PMDU")
_SYSTEMS = ("eMENSCR", "GFMIS", "e-GP", "BB-EvMIS")


class Workload:
    """The register as import files, generated one file at a time from a seed.

    Files are made on demand so a million clauses never sit in memory at once.
    What rescissions need to know about earlier resolutions is kept in flat
    lists of ints and strings, which the cyclic GC does not traverse into, so
    the bench's own heap does not slow the import it is timing.
    """

    def __init__(self, *, clauses_per: int, agencies: int, batch: int, seed: int) -> None:
        self.clauses_per = clauses_per
        self.batch = batch
        self.rng = random.Random(seed)
        width = max(3, len(str(agencies)))
        self.codes = [f"AG{i:0{width}d}" for i in range(1, agencies + 1)]
        self.day = FIRST_MEETING
        self.meeting_left = 0
        self.meetings = 0
        self.serial = 0
        self.file_index = 0
        self.file_start = 0
        self.days: list[int] = []
        self.subjects: list[str] = []
        self.open_masks: list[int] = []
        self.obligation_masks: list[int] = []
        self.clauses = 0
        self.obligations = 0
        self.all_bearers = 0
        self.rescissions = 0
        self.recurrences: Counter[str] = Counter()
        self.first_meeting = FIRST_MEETING
        self.last_meeting = FIRST_MEETING

    def next_file(self, size: int) -> tuple[dict[str, Any], date]:
        """A plain-dict import file (as JSON would give) and the day its last circular went out."""
        self.file_start = self.serial
        records = []
        last_circular = self.day
        for _ in range(size):
            if self.meeting_left == 0:
                if self.meetings:
                    # Tuesday to Friday to Tuesday: two meetings a week.
                    self.day += timedelta(days=3 if self.day.weekday() == 1 else 4)
                self.meetings += 1
                self.meeting_left = self.rng.randint(30, 50)
            self.meeting_left -= 1
            record, circular = self._resolution()
            records.append(record)
            last_circular = max(last_circular, circular)
        content: dict[str, Any] = {"format": 1, "resolutions": records}
        if self.file_index == 0:
            content["agencies"] = [
                {"code": code, "name_th": f"หน่วยงานที่ {i}", "name_en": f"Agency {i}"}
                for i, code in enumerate(self.codes, start=1)]
        self.file_index += 1
        self.last_meeting = self.day
        return content, last_circular

    def _resolution(self) -> tuple[dict[str, Any], date]:
        rng = self.rng
        n = self.serial
        self.serial += 1
        office, number = divmod(n, CIRCULARS_PER_OFFICE)
        circular_day = self.day + timedelta(days=rng.randint(2, 7))
        subject = f"{self._thai(3, 8)} (เรื่องที่ {n + 1})"
        target = self._rescission_target() if rng.random() < RESCIND_SHARE else None
        rescinding = rng.randrange(self.clauses_per) if target else -1
        clauses = []
        with_obligations = 0
        for i in range(self.clauses_per):
            clause: dict[str, Any] = {"number": str(i + 1), "summary": self._english(6, 16)}
            if rng.random() < 0.6:
                clause["text"] = self._thai(20, 60)
            if rng.random() < OBLIGATION_SHARE:
                clause["obligations"] = [self._obligation()]
                with_obligations |= 1 << i
            if i == rescinding:
                clause["rescinds"] = [target]
            clauses.append(clause)
        self.clauses += self.clauses_per
        source: dict[str, Any] = {
            "kind": "circular",
            # Offices 0501, 0502, ... so running numbers stay below 5,000.
            "number": f"นร {501 + office:04d}/ว {number + 1}",
            "date": circular_day.isoformat(),
            "issuer": "SOC",
        }
        if rng.random() < 0.5:
            source["title"] = subject
        self.days.append(self.day.toordinal())
        self.subjects.append(subject)
        self.open_masks.append((1 << self.clauses_per) - 1)
        self.obligation_masks.append(with_obligations)
        return ({"meeting_date": self.day.isoformat(), "subject": subject, "source": source,
                 "clauses": clauses}, circular_day)

    def _rescission_target(self) -> dict[str, Any] | None:
        # Only resolutions of earlier files and earlier meetings: the clause is
        # then recorded and in force on the rescinding meeting date.
        if self.file_start == 0:
            return None
        today = self.day.toordinal()
        for _ in range(50):
            index = self.rng.randrange(self.file_start)
            still_open = self.open_masks[index]
            if self.days[index] >= today or not still_open:
                continue
            # Rescinding a duty is the common case, and it makes the
            # obligations view cut rows, not only the clause view.
            pool = still_open & self.obligation_masks[index] or still_open
            bits = [b for b in range(self.clauses_per) if pool >> b & 1]
            bit = self.rng.choice(bits)
            self.open_masks[index] = still_open & ~(1 << bit)
            self.rescissions += 1
            return {"resolution": {"date": date.fromordinal(self.days[index]).isoformat(),
                                   "subject": self.subjects[index]},
                    "clauses": [str(bit + 1)]}
        return None

    def _obligation(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < ALL_SHARE:
            bearer = ALL
            self.all_bearers += 1
        else:
            bearer = rng.choice(self.codes)
        duty: dict[str, Any] = {"bearer": bearer, "summary": self._english(5, 12),
                                "recurrence": self._recurrence()}
        if rng.random() < 0.5:
            duty["action"] = self._english(4, 10)
        if rng.random() < 0.4:
            duty["recipient"] = rng.choice(_RECIPIENTS) if rng.random() < 0.5 else rng.choice(
                self.codes)
        if rng.random() < 0.2:
            duty["system"] = rng.choice(_SYSTEMS)
        self.obligations += 1
        return duty

    def _recurrence(self) -> dict[str, Any]:
        rng = self.rng
        r = rng.random()
        found: dict[str, Any]
        if r < 0.25:
            found = {"kind": "monthly", "day": rng.randint(1, 31)}
        elif r < 0.50:
            found = {"kind": "quarterly", "days_after": rng.choice((15, 30, 45, 60))}
        elif r < 0.65:
            found = {"kind": "annual", "quarter": rng.randint(1, 4)}
        elif r < 0.80:
            by = self.day + timedelta(days=rng.randint(30, 365))
            found = {"kind": "once", "by": by.isoformat()}
        else:
            found = {"kind": "standing"}
        self.recurrences[found["kind"]] += 1
        return found

    def _english(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(_EN, k=self.rng.randint(low, high))).capitalize()

    def _thai(self, low: int, high: int) -> str:
        words = self.rng.choices(_TH, k=self.rng.randint(low, high))
        # Thai runs words together and spaces between phrases.
        return " ".join("".join(words[i:i + 4]) for i in range(0, len(words), 4))

    def figures(self) -> dict[str, Any]:
        return {"resolutions": self.serial, "clauses": self.clauses,
                "obligations": self.obligations, "obligations_bearer_all": self.all_bearers,
                "recurrences": dict(self.recurrences), "rescissions": self.rescissions,
                "agencies": len(self.codes), "meetings": self.meetings,
                "first_meeting": self.first_meeting.isoformat(),
                "last_meeting": self.last_meeting.isoformat(), "files": self.file_index}

    def describe(self) -> str:
        return (f"{self.serial:,} resolutions, {self.clauses:,} clauses, "
                f"{self.obligations:,} obligations ({self.all_bearers:,} on ALL), "
                f"{len(self.codes)} agencies, {self.rescissions:,} rescissions, "
                f"{self.meetings:,} meetings {self.first_meeting}..{self.last_meeting}; "
                f"{self.file_index:,} files of {self.batch}")


class FileClock:
    """The register's clock: each file is recorded the morning after its last circular.

    Recorded time then tracks the meetings, so "as recorded at T" looks back
    at a register that really held less, and fewer rescissions.
    """

    def __init__(self) -> None:
        self.now = datetime(2000, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def record_on(self, day: date) -> datetime:
        # 10:00 in Bangkok; strictly later than the previous file.
        at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
        self.now = max(at, self.now + timedelta(minutes=1))
        return self.now
