"""Typing a step into its form as staff would: dates in Thai, documents field by field."""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml
from playwright.async_api import Page

from domain.paperwork.thai_dates import format_thai_date
from domain.process.declaration import ProcessStep
from web.pages.forms import step_form


def _at(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _thai(value: Any) -> str:
    return format_thai_date(date.fromisoformat(value), month="short")


def typed_values(step: ProcessStep, agency: str) -> dict[str, Any]:
    """What a person types into each input of ``step``'s form to take ``step``."""
    data = step.model_dump(mode="json", exclude_none=True)
    typed: dict[str, Any] = {}
    for spec in step_form(type(step), agency).inputs:
        value = _at(data, spec.name)
        if value is None or value == [] or value == ():
            continue
        if spec.kind == "date":
            typed[spec.name] = _thai(value)
        elif spec.kind == "checkbox":
            typed[spec.name] = bool(value)
        elif spec.kind == "lines":
            typed[spec.name] = "\n".join(value)
        elif spec.kind == "items":
            typed[spec.name] = ", ".join(value)
        elif spec.kind == "requests":
            typed[spec.name] = "\n".join(f"{r['agency']} {_thai(r['due'])}" for r in value)
        elif spec.kind == "yaml":
            typed[spec.name] = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
        else:
            typed[spec.name] = str(value)
    return typed


async def fill_step(page: Page, step: ProcessStep, agency: str) -> None:
    """Open the step's form on the proposal page, type the step, and post it."""
    name = step.step
    await page.click(f"details.step:has(#form-{name}) > summary") if not await page.is_visible(
        f"#form-{name} button[type=submit]") else None
    form = page.locator(f"#form-{name}")
    for field, value in typed_values(step, agency).items():
        target = form.locator(f"[name='{field}']")
        tag = await target.evaluate("e => e.tagName")
        if tag == "SELECT":
            await target.select_option(str(value))
        elif await target.get_attribute("type") == "checkbox":
            await target.set_checked(bool(value))
        else:
            await target.fill(str(value))
    await form.locator("button[type=submit]").click()
    await page.wait_for_load_state()
