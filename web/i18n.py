"""The desk's words in Thai (the default) and English, and its dates in the Buddhist Era.

A small catalogue rather than gettext: the desk has a few hundred words, and
two languages kept side by side in one table are easier to review and to keep
complete (a test checks every key has both) than .po files and a compile step.
The language is ``?lang=en`` or ``?lang=th`` (remembered in a cookie), else
the cookie, else Thai. Dates are B.E. with Thai month names in both languages:
that is how every document the staff handle is dated.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import Request, Response

from domain.paperwork.thai_dates import BANGKOK, format_thai_date

Lang = Literal["th", "en"]
LANG_COOKIE = "cabinet_lang"
DEFAULT: Lang = "th"

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Thai, English)
    "app": ("ระบบทะเบียนมติคณะรัฐมนตรี", "Cabinet resolutions register"),
    "skip": ("ข้ามไปยังเนื้อหา", "Skip to content"),
    "nav": ("เมนูหลัก", "Main menu"),
    "my_work": ("งานของฉัน", "My work"),
    "board": ("เรื่องที่อยู่ระหว่างดำเนินการ", "Proposals board"),
    "rules": ("มติที่มีผลใช้บังคับ", "Rules in force"),
    "due": ("กำหนดส่ง", "Due dates"),
    "search": ("ค้นหา", "Search"),
    "audit": ("ตรวจสอบ", "Audit"),
    "sign_in": ("เข้าสู่ระบบ", "Sign in"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "sign_in_oidc": ("เข้าสู่ระบบด้วยบัญชีหน่วยงาน", "Sign in with your agency account"),
    "sign_in_wrong": ("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong username or password"),
    "sign_in_locked": ("ลองเข้าสู่ระบบหลายครั้งเกินไป กรุณารอสักครู่",
                       "Too many attempts: wait a while and try again"),
    "username": ("ชื่อผู้ใช้", "Username"),
    "password": ("รหัสผ่าน", "Password"),
    "signed_in_as": ("ผู้ใช้", "Signed in as"),
    "language": ("ภาษา", "Language"),
    "other_lang": ("English", "ภาษาไทย"),
    "nothing_to_do": ("ไม่มีเรื่องที่ต้องดำเนินการ", "Nothing waits for you"),
    "to_act": ("เรื่องที่ต้องดำเนินการ", "For you to act on"),
    "your_opinions": ("ความเห็นที่หน่วยงานต้องตอบ", "Opinions your agency owes"),
    "overdue": ("เลยกำหนด", "overdue"),
    "title": ("เรื่อง", "Title"),
    "proposer": ("หน่วยงานเจ้าของเรื่อง", "Proposer"),
    "stage": ("ขั้นตอน", "Stage"),
    "next": ("ผู้ดำเนินการถัดไป", "Next to act"),
    "deadline": ("กำหนด", "Deadline"),
    "deadlines": ("กำหนดความเห็น", "Opinion deadlines"),
    "updated": ("ปรับปรุงล่าสุด", "Updated"),
    "filter": ("กรอง", "Filter"),
    "agency": ("หน่วยงาน", "Agency"),
    "any": ("ทั้งหมด", "any"),
    "no_proposals": ("ไม่มีเรื่องที่เปิดอยู่", "No open proposals"),
    "timeline": ("ลำดับการดำเนินการ", "Timeline"),
    "step": ("ขั้นตอน", "Step"),
    "actor": ("ผู้ดำเนินการ", "Actor"),
    "recorded": ("บันทึกเมื่อ", "Recorded"),
    "document": ("เอกสาร", "Document"),
    "corrected": ("แก้ไขเป็น", "Corrected to"),
    "opinions": ("ความเห็นของหน่วยงาน", "Opinions"),
    "status": ("สถานะ", "Status"),
    "stance": ("ความเห็น", "Stance"),
    "reminded": ("เตือนแล้ว", "reminded"),
    "escalated": ("แจ้งเลยกำหนดแล้ว", "escalated"),
    "review": ("ขอให้ทบทวน", "review asked"),
    "refusals": ("ความพยายามที่ถูกปฏิเสธ", "Refused attempts"),
    "reason": ("เหตุผล", "Reason"),
    "your_actions": ("สิ่งที่ท่านดำเนินการได้", "What you may do now"),
    "no_actions": ("ขณะนี้ท่านไม่มีขั้นตอนที่ดำเนินการได้",
                   "There is no step you may take now"),
    "submit": ("บันทึก", "Record"),
    "step_recorded": ("บันทึกแล้ว", "Recorded"),
    "form_error": ("ไม่สามารถบันทึกได้", "Not recorded"),
    "scan_hint": ("ไฟล์สแกน PDF หรือรูปภาพ (ถ้ามี)", "A scan, PDF or image (optional)"),
    "date_hint": ("เช่น ๙ พ.ย. ๒๕๖๔ หรือ 9/11/2564", "e.g. ๙ พ.ย. ๒๕๖๔ or 9/11/2564"),
    "on_date": ("ณ วันที่", "On the day"),
    "as_recorded": ("ตามที่บันทึกไว้ ณ", "As recorded at"),
    "show": ("แสดง", "Show"),
    "compare_to": ("เปรียบเทียบกับวันที่", "Compare with the day"),
    "obligations": ("หน้าที่ที่ต้องปฏิบัติ", "Obligations"),
    "bearer": ("ผู้มีหน้าที่", "Bearer"),
    "source": ("ที่มา", "Source"),
    "resolution": ("มติ", "Resolution"),
    "clause": ("ข้อ", "Clause"),
    "came_into_force": ("เริ่มมีผล", "Came into force"),
    "went_out": ("สิ้นผล", "Went out of force"),
    "in_force_from": ("มีผลตั้งแต่", "In force from"),
    "in_force_until": ("ถึง", "until"),
    "amended_by": ("แก้ไขโดย", "Amended by"),
    "ended_by": ("ยกเลิกโดย", "Ended by"),
    "history": ("ประวัติ", "History"),
    "changed": ("มติก่อนหน้าที่มตินี้เปลี่ยนแปลง", "What this resolution changed"),
    "changed_ended_by": ("ยกเลิกมติ", "rescinds the resolution of"),
    "changed_amended_by": ("แก้ไขมติ", "amends the resolution of"),
    "resolutions": ("มติคณะรัฐมนตรี", "Resolutions"),
    "nothing": ("ไม่มีรายการ", "Nothing to show"),
    "calendar": ("ปฏิทินกำหนดส่ง", "Due-date calendar"),
    "ics": ("สมัครรับปฏิทิน (ICS)", "Subscribe to the calendar (ICS)"),
    "by_count": ("ครบกำหนดตามการนับ", "Due by the count"),
    "feed_new": ("ที่อยู่ปฏิทินใหม่ (แสดงครั้งเดียว ให้คัดลอกไปใส่ในโปรแกรมปฏิทิน)",
                 "A new feed address (shown once: copy it into your calendar program)"),
    "month": ("เดือน (วันใดก็ได้ในเดือน)", "Month (any day in it)"),
    "feed_address": ("ที่อยู่ปฏิทิน", "Feed address"),
    "feed_expires": ("หมดอายุ", "Expires"),
    "feed_make": ("สร้างที่อยู่ปฏิทินใหม่", "Make a new feed address"),
    "feed_revoke": ("ยกเลิก", "Revoke"),
    "moved_to": ("เลื่อนเป็น", "Moved to"),
    "prev_month": ("เดือนก่อน", "Previous month"),
    "next_month": ("เดือนถัดไป", "Next month"),
    "period": ("งวด", "Period"),
    "query": ("คำค้น", "Search for"),
    "results": ("ผลการค้นหา", "Results"),
    "next_page": ("หน้าถัดไป", "Next page"),
    "new_proposal": ("เสนอเรื่องใหม่", "New proposal"),
    "verify": ("ตรวจความถูกต้องของห่วงโซ่เหตุการณ์", "Verify the event chain"),
    "replay": ("สร้างมุมมองใหม่จากบันทึกเพื่อเทียบ", "Replay the log and compare the views"),
    "chain_head": ("ค่าปลายห่วงโซ่ (เก็บไว้เพื่อตรวจครั้งต่อไป)",
                   "Chain head (keep it for the next check)"),
    "checked": ("ตรวจแล้ว", "Checked"),
    "events": ("เหตุการณ์", "events"),
    "ok": ("ถูกต้อง", "OK"),
    "problem": ("พบปัญหา", "Problem found"),
    "run": ("ดำเนินการ", "Run"),
    "auditors_only": ("เฉพาะผู้ตรวจสอบ", "For auditors only"),
    "error": ("ข้อผิดพลาด", "Error"),
    "not_found": ("ไม่พบ", "Not found"),
}

STAGES: dict[str, tuple[str, str]] = {
    "drafted": ("ร่างบันทึกเสนอ", "drafted"),
    "endorsed": ("รองนายกรัฐมนตรีเห็นชอบ", "endorsed"),
    "approved_for_submission": ("นายกรัฐมนตรีเห็นชอบให้เสนอ", "approved for submission"),
    "submitted": ("เสนอ สลค. แล้ว", "submitted"),
    "consulting": ("ขอความเห็นหน่วยงาน", "consulting"),
    "amendment_pending": ("รอความเห็นชอบการแก้ไข", "amendment pending"),
    "scheduled": ("บรรจุระเบียบวาระ", "on the agenda"),
    "deferred": ("เลื่อนการพิจารณา", "deferred"),
    "decided": ("คณะรัฐมนตรีมีมติ", "decided"),
    "closed": ("แจ้งมติแล้ว", "closed"),
}


STEPS: dict[str, tuple[str, str]] = {
    "draft": ("ร่างบันทึกเสนอ", "draft"),
    "endorse": ("รองนายกรัฐมนตรีเห็นชอบ", "endorse"),
    "approve": ("นายกรัฐมนตรีเห็นชอบให้เสนอ", "approve for submission"),
    "submit": ("เสนอเรื่องต่อ สลค.", "submit to SOC"),
    "request_opinions": ("ขอความเห็นหน่วยงาน", "request opinions"),
    "opinion": ("แจ้งความเห็น", "give an opinion"),
    "amend": ("แก้ไขข้อเสนอ", "amend the proposal"),
    "request_review": ("ขอให้ทบทวนความเห็น", "request a review"),
    "extend": ("ขยายกำหนดส่งความเห็น", "extend a deadline"),
    "proceed_without": ("ดำเนินการต่อโดยไม่รอความเห็น", "proceed without an opinion"),
    "remind": ("เตือน", "reminder"),
    "escalate": ("แจ้งเลยกำหนด", "escalation"),
    "schedule": ("บรรจุระเบียบวาระ", "place on the agenda"),
    "decide": ("บันทึกมติคณะรัฐมนตรี", "record the decision"),
    "reschedule": ("บรรจุระเบียบวาระใหม่", "back on the agenda"),
    "notify": ("แจ้งมติ", "notify the resolution"),
    "withdraw": ("ถอนเรื่อง", "withdraw"),
    "reschedule_meeting": ("เลื่อนไปประชุมครั้งอื่น", "move to another meeting"),
    "unschedule": ("ถอนออกจากระเบียบวาระ", "take off the agenda"),
    "correct_document": ("แก้ไขข้อมูลเอกสาร", "correct a document on record"),
}


def step_name(step: str, lang: Lang) -> str:
    names = STEPS.get(step)
    if names is None:
        return step
    return names[1] if lang == "en" else names[0]


def language(request: Request) -> Lang:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return "en" if asked == "en" else DEFAULT


def remember_language(request: Request, response: Response) -> None:
    """Keep a language asked for by ``?lang=`` for the next pages."""
    asked = request.query_params.get("lang")
    if asked in ("th", "en"):
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, samesite="lax",
                            httponly=True)


def message(key: str, lang: Lang) -> str:
    thai, english = MESSAGES[key]
    return english if lang == "en" else thai


def stage_name(stage: str, lang: Lang) -> str:
    names = STAGES.get(stage)
    if names is None:
        return stage
    return names[1] if lang == "en" else names[0]


def thai_date(value: date | str | None, lang: Lang = DEFAULT) -> str:
    """A day as staff read it: ``๙ พฤศจิกายน ๒๕๖๔`` (Arabic digits on English pages)."""
    if value is None or value == "":
        return ""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    if isinstance(day, datetime):
        day = day.astimezone(BANGKOK).date()
    return format_thai_date(day, digits="arabic" if lang == "en" else "thai")


def thai_moment(value: datetime | str | None, lang: Lang = DEFAULT) -> str:
    """A recorded moment in Bangkok time: the B.E. day and the hour."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(BANGKOK)
    return f"{thai_date(local.date(), lang)} {local:%H:%M}"
