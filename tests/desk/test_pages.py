"""The read pages, one step taken through its form, and a forged post refused and recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

from projections.queries import audit, proposals
from tests.desk.conftest import check_page, sign_in
from tests.desk.walk import fill_step
from tests.e2e.reference_case import proposal_events


async def start_case(services, history) -> tuple[str, list]:
    steps = history.proposals[0].steps
    workflow_id = await services.desk.start(steps[0].step, steps[0].actor)
    return workflow_id, list(steps[1:])


async def test_pages_one_step_and_a_forged_post(history, served, accounts, browser):
    base, services = served
    workflow_id, steps = await start_case(services, history)
    endorse = steps[0]
    assert str(endorse.actor) == "DPM:head"

    # Someone else does not see the endorse form; posting it anyway is refused and recorded.
    pm = await sign_in(browser, base, "PM:head")
    await pm.goto(f"/proposals/{workflow_id}")
    assert await pm.locator("#form-endorse").count() == 0
    token = await pm.locator("input[name=csrf_token]").first.input_value()
    forged = await pm.request.post(
        f"/proposals/{workflow_id}/steps/endorse",
        form={"csrf_token": token, "key": "forged", "document.date": "๒๕ ส.ค. ๒๕๖๔",
              "document.kind": "stamp", "document.issuer": "PM"})
    assert forged.status == 403
    services.system.catch_up()
    refused = proposals.refused(services.system, workflow_id).refusals
    assert [(r.step, r.actor) for r in refused] == [("endorse", "PM:head")]
    # Refused and recorded by who posts it, even when what it carries is malformed.
    malformed = await pm.request.post(f"/proposals/{workflow_id}/steps/endorse",
                                      form={"csrf_token": token, "document.date": "soon"})
    assert malformed.status == 403
    services.system.catch_up()
    assert len(proposals.refused(services.system, workflow_id).refusals) == 2
    # A post without the session's token is refused before anything is sent.
    cross_site = await pm.request.post(f"/proposals/{workflow_id}/steps/endorse",
                                       form={"document.date": "๒๕ ส.ค. ๒๕๖๔"})
    assert cross_site.status == 403

    # The supervising Deputy PM sees the form, and a malformed date is shown beside its field.
    dpm = await sign_in(browser, base, "DPM:head")
    await check_page(dpm, "my-work")
    assert await dpm.locator(f"a[href='/proposals/{workflow_id}']").count() >= 1
    await dpm.goto(f"/proposals/{workflow_id}")
    await dpm.fill("#endorse-document-date", "๓๒ ส.ค. ๒๕๖๔")
    await dpm.click("#form-endorse button[type=submit]")
    error = dpm.locator("#endorse-document-date-error")
    assert await error.count() == 1
    await check_page(dpm, "proposal-refused-field")

    # The signed letter's scan attached to the step's document: stored by its hash, named
    # in the event, and a file swapped later fails the audit.
    scan = b"%PDF-1.4\n% the Deputy PM's signed endorsement\n%%EOF\n"
    await dpm.set_input_files("#endorse-document-attachment", files=[
        {"name": "endorsed.pdf", "mimeType": "application/pdf", "buffer": scan}])
    await fill_step(dpm, endorse.step, "DPM")
    assert "done=endorse" in dpm.url
    named = proposal_events(services.system, workflow_id)[-1].step.document.attachment
    assert named.sha256 == hashlib.sha256(scan).hexdigest()
    assert named.media_type == "application/pdf"
    stored = Path(services.system.attachments.where(named.sha256))
    assert stored.read_bytes() == scan
    assert audit.verify(services.system).ok
    stored.write_bytes(scan + b"swapped")
    assert not audit.verify(services.system).ok
    stored.write_bytes(scan)
    assert await dpm.locator("[data-stage]").get_attribute("data-stage") == "endorsed"
    await check_page(dpm, "proposal")
    status = proposals.status(services.system, workflow_id)
    assert [h.step for h in status.history] == ["draft", "endorse"]

    auditor = await sign_in(browser, base, "SOC:auditor")
    await auditor.goto(f"/proposals/{workflow_id}")
    assert "PM:head" in await auditor.locator("table.refusals").inner_text()
    await check_page(auditor, "proposal-auditor")
    for path, name in (("/proposals", "board"), ("/rules?at=๑๐ พ.ย. ๒๕๖๔", "rules"),
                       ("/rules?at=1/6/2563&compare=๑๐ พ.ย. ๖๔", "rules-compare"),
                       ("/due/OPM?month=1/6/2563", "due"), ("/search?q=0505", "search"),
                       ("/audit?run=verify", "audit"), ("/?lang=en", "my-work-en")):
        response = await auditor.goto(path)
        assert response is not None and response.status == 200, path
        await check_page(auditor, name)
    assert await auditor.locator("html").get_attribute("lang") == "en"
    # Staff do not audit: refused, and the refusal recorded as the API records it.
    response = await dpm.goto("/audit?run=verify")
    assert response is not None and response.status == 403
    services.system.catch_up()
    audits = proposals.refused(services.system, "register:audit").refusals
    assert [(r.step, r.actor) for r in audits] == [("audit", "DPM:head")]
    # Staff do not draft: no link to the new-proposal page, and a post of it is refused.
    soc = await sign_in(browser, base, "SOC:staff")
    assert await soc.locator("#new-proposal").count() == 0
    token = await soc.locator("input[name=csrf_token]").first.input_value()
    drafted = await soc.request.post("/proposals/new", form={
        "csrf_token": token, "proposer": "SOC", "title": "x", "memo.number": "นร 0101/9",
        "memo.date": "๑ ก.ย. ๒๕๖๔",
        "memo.kind": "memo", "memo.issuer": "SOC", "items": "- number: '1'\n  summary: x"})
    assert drafted.status == 403
    assert len(proposals.board(services.system, services.today()).proposals) == 1


async def test_a_resolution_links_to_what_ended_it_and_back(case_system, served, accounts,
                                                            browser):
    base, _ = served
    page = await sign_in(browser, base, "SOC:staff")
    await page.goto("/rules?at=๑ มิ.ย. ๒๕๖๓&agency=OPDC")
    await page.click("a:has-text('๑๒ มกราคม ๒๕๕๙')")
    ended = page.locator("td a:has-text('resolution of 2021-11-09')")
    await ended.first.click()
    assert await page.locator("h1").inner_text() and "/resolutions/" in page.url
    back = page.locator("ul.changed a:has-text('๑๒ มกราคม ๒๕๕๙')")
    assert await back.count() == 1
    await check_page(page, "resolution")
    await back.click()
    assert "rescinded" in await page.locator("td.status-rescinded").first.inner_text()
    # Each clause's full text, not only its summary.
    assert "โดยใช้กลไกประชารัฐในการขับเคลื่อน" in await page.locator(
        ".clause-text").first.inner_text()

    # The sign-in page, unsigned: its fields labelled, the language switch there.
    context = await browser.new_context(base_url=base)
    anonymous = await context.new_page()
    await anonymous.goto("/rules")
    assert "/login?next=%2Frules" in anonymous.url
    await check_page(anonymous, "sign-in")
    await anonymous.goto("/login?lang=en")
    assert await anonymous.locator("label[for=username]").inner_text() == "Username"
