"""The desk's words in both languages, its dates in B.E., and each step's form round-tripping
what a person types back into the step (no browser: the browser tests type the same)."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.datastructures import FormData

from domain.errors import InvalidInput
from domain.process.stages import Stage
from domain.process.steps import STAFF_STEPS, TAKEN_STEPS
from tests.desk.walk import typed_values
from web import i18n
from web.pages.forms import payload, step_form


def test_every_word_stage_and_step_is_in_both_languages():
    for key, (thai, english) in i18n.MESSAGES.items():
        assert thai.strip() and english.strip(), key
    assert set(i18n.STAGES) == {s.value for s in Stage}
    assert set(TAKEN_STEPS) | {"draft"} == set(i18n.STEPS)


def test_dates_are_buddhist_era_with_thai_months():
    assert i18n.thai_date(date(2021, 11, 9)) == "๙ พฤศจิกายน ๒๕๖๔"
    assert i18n.thai_date("2022-01-31", "en") == "31 มกราคม 2565"
    assert i18n.thai_moment("2021-11-09T03:00:00+00:00") == "๙ พฤศจิกายน ๒๕๖๔ 10:00"


def test_each_case_step_typed_into_its_form_is_the_step(case):
    seen = set()
    for taken in case.proposals[0].steps[1:]:
        step = taken.step
        form = step_form(type(step), taken.actor.agency)
        typed = {k: ("on" if v is True else v) for k, v in
                 typed_values(step, taken.actor.agency).items() if v is not False}
        assert type(step).model_validate(payload(form, FormData(typed))) == step, step.step
        seen.add(step.step)
    assert len(seen) >= 10


def test_every_person_step_has_a_form_with_its_document_and_dates():
    for name, step_type in STAFF_STEPS.items():
        form = step_form(step_type, "SOC")
        kinds = {i.name: i.kind for i in form.inputs}
        assert form.step == name and kinds
        for field in step_type.model_fields:
            assert field == "step" or any(n == field or n.startswith(f"{field}.")
                                          for n in kinds), (name, field)


def test_a_malformed_opinion_request_names_its_line():
    form = step_form(STAFF_STEPS["request_opinions"], "SOC")
    with pytest.raises(InvalidInput) as refused:
        payload(form, FormData({"requests": "MOI ๗ ต.ค. ๒๕๖๔\nNESDC"}))
    assert refused.value.field == "requests[1]"
