"""An agency's ICS feed: its address made on the due-date page (shown once), read by a
calendar library with the case's due dates, refused for another agency, and revoked."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import httpx
import icalendar

from tests.desk.conftest import check_page, sign_in


def _deadlines(text: str) -> set[date]:
    calendar = icalendar.Calendar.from_ical(text)
    return {event.decoded("DTSTART") for event in calendar.walk("VEVENT")}


async def test_an_agency_subscribes_to_its_due_dates(case_system, served, accounts, browser):
    base, _ = served
    moi = await sign_in(browser, base, "MOI:staff")
    await moi.goto("/due")
    assert await moi.locator("#feed-url").count() == 0
    await moi.click("form[action='/due/MOI/feed'] button")
    url = await moi.locator("#feed-url").input_value()
    assert url.startswith(f"{base}/feeds/MOI.ics?token=cab_")
    await check_page(moi, "due-feed-made")
    # Reloaded, the address is not shown again (only its hash is kept); its id is listed.
    await moi.goto("/due/MOI")
    assert await moi.locator("#feed-url").count() == 0
    assert await moi.locator("table.feeds tbody tr").count() == 1

    async with httpx.AsyncClient() as calendar_program:  # sends no session: the token only
        # From 1 Jun 2020, typed the Thai way: 5 Jun 2020, and 31 Jan 2022 moved from 30 Jan.
        read = await calendar_program.get(f"{url}&from={quote('๑ มิ.ย. ๒๕๖๓')}")
        assert read.status_code == 200, read.text
        assert read.headers["content-type"].startswith("text/calendar")
        deadlines = _deadlines(read.text)
        assert {date(2020, 6, 5), date(2022, 1, 31)} <= deadlines
        assert date(2022, 1, 30) not in deadlines
        # The token reads MOI's feed only; a forged one reads nothing.
        other = await calendar_program.get(url.replace("/feeds/MOI.ics", "/feeds/OPDC.ics"))
        assert other.status_code == 401
        forged = await calendar_program.get(url[:-3] + "AAA")
        assert forged.status_code == 401

        # Another agency's officer may not make or revoke MOI's feed addresses.
        opdc = await sign_in(browser, base, "OPDC:head")
        await opdc.goto("/due/MOI")
        assert await opdc.locator("form[action='/due/MOI/feed']").count() == 0
        token = await opdc.locator("input[name=csrf_token]").first.input_value()
        refused = await opdc.request.post("/due/MOI/feed", form={"csrf_token": token})
        assert refused.status == 403

        await moi.click("table.feeds button")
        assert await moi.locator("table.feeds").count() == 0
        revoked = await calendar_program.get(url)
        assert revoked.status_code == 401
