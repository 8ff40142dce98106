"""The reference case from the first memo to the circular, through the pages: each step
typed into its form by its own signed-in person, dates in Thai; then the rules it left, its
due dates and search, every date field typed the Thai way."""

from __future__ import annotations

from projections.queries import proposals
from tests.desk.conftest import check_page, sign_in
from tests.desk.walk import fill_step


async def test_the_case_walks_through_the_desk(history, served, accounts, browser):
    base, services = served
    steps = history.proposals[0].steps
    draft = steps[0]
    pages = {str(draft.actor): await sign_in(browser, base, str(draft.actor))}
    # The first memo, typed into the new-proposal page by the proposing agency's head.
    opdc = pages[str(draft.actor)]
    await opdc.click("#new-proposal")
    await check_page(opdc, "case-01-new-proposal")
    await fill_step(opdc, draft.step, draft.actor.agency)
    assert "done=draft" in opdc.url, await opdc.locator(".problem, .error").all_inner_texts()
    workflow_id = opdc.url.split("/proposals/", 1)[1].split("?", 1)[0]
    for number, taken in enumerate(steps[1:], start=2):
        actor = str(taken.actor)
        if actor not in pages:
            pages[actor] = await sign_in(browser, base, actor)
        page = pages[actor]
        await page.goto(f"/proposals/{workflow_id}")
        problem = page.locator(".problem, .error")
        await fill_step(page, taken.step, taken.actor.agency)
        assert await problem.count() == 0, (number, taken.step.step,
                                             await problem.all_inner_texts())
        assert f"done={taken.step.step}" in page.url, (number, taken.step.step)
        if number in (5, 6, 14, 15):
            await check_page(page, f"case-{number:02d}-{taken.step.step}")
        if number == 5:
            # NESDC's work shows the opinion it owes, overdue (its 2021 deadline passed).
            pages["NESDC:head"] = nesdc = await sign_in(browser, base, "NESDC:head")
            owed = nesdc.locator("h2:has-text('ความเห็นที่หน่วยงานต้องตอบ') + table")
            assert "๒๒ ตุลาคม ๒๕๖๔" in await owed.inner_text()
            assert await owed.locator("tr.late").count() == 1
            await check_page(nesdc, "case-my-work-opinion-owed")
    status = proposals.status(services.system, workflow_id)
    assert status.stage == "closed"
    # The engine escalates the opinions whose 2021 deadlines had passed; the rest are people's.
    by_people = [h for h in status.history if h.step not in ("remind", "escalate")]
    assert [(h.step, h.actor) for h in by_people] == [(t.step.step, str(t.actor))
                                                     for t in steps]

    soc = pages["SOC:staff"]
    # The rules the case left: on 10 Nov 2021 the monthly report (2016 cl. 2) is rescinded.
    await soc.goto("/rules")
    await soc.fill("#rules-at", "๑๐ พ.ย. ๒๕๖๔")
    await soc.fill("#rules-compare", "๘ พ.ย. ๒๕๖๔")
    await soc.fill("#rules-as_recorded", "๓๑ ธ.ค. ๒๕๖๙")
    await soc.click("form.filters button[type=submit]")
    went = soc.locator("h2:has-text('สิ้นผล') + table")
    assert "Monthly Pracharat" in await went.inner_text()
    await check_page(soc, "case-rules-diff")
    # The M6 report for Q1 FY2565 is due 30 Jan 2022 by the count, moved to 31 Jan.
    await soc.goto("/due/OPDC")
    await soc.fill("#due-month", "๑ ม.ค. ๒๕๖๕")
    await soc.click("form.filters button[type=submit]")
    row = soc.locator("tr:has-text('M6')").last
    text = await row.inner_text()
    assert "๓๐ มกราคม ๒๕๖๕" in text and "๓๑ มกราคม ๒๕๖๕" in text
    await check_page(soc, "case-due-january-2022")
    # Search finds the circular by its number written with Arabic digits.
    await soc.goto("/search")
    await soc.fill("#q", "นร 0505/ว 3407")
    await soc.click("form[role=search] button[type=submit]")
    found = soc.locator("ul.results li")
    assert await found.count() >= 1
    assert "นร ๐๕๐๕/ว ๓๔๐๗" in await found.first.inner_text()
    await check_page(soc, "case-search")
