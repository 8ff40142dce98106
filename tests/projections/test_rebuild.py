"""Read models rebuilt from the log: a model new to a store, a changed one, a damaged one."""

from __future__ import annotations

import threading
from datetime import date

from projections.queries import obligations, proposals, resolutions
from projections.rebuild import MODELS, ensure_models
from workers.bootstrap import RegisterSystem, open_register

ON_10_NOV_2021 = date(2021, 11, 10)


def _sql(system: RegisterSystem, *statements: str) -> None:
    with system.view.writing() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _refuse_once(system: RegisterSystem, workflow_id: str) -> None:
    system.register.refuse_attempt(workflow_id, attempt_id="x-1", step="decide",
                                   actor="MOI:head", reason="not the Secretariat",
                                   field="actor", payload="{}")


def test_a_read_model_new_to_a_store_is_filled_from_past_events(case_system, case, settings):
    workflow_id = case.proposals[0].workflow_id
    # As if the proposal model had no steps table when the store was last opened.
    _sql(case_system, "DROP TABLE {p}reg_proposal_steps",
         "DELETE FROM {p}reg_models WHERE model = 'proposals'")
    reopened = open_register(settings)
    try:
        status = proposals.status(reopened, workflow_id)
        assert [h.step for h in status.history] == [s.step.step for s in case.proposals[0].steps]
        assert reopened.replay().ok
    finally:
        reopened.close()


def test_a_store_from_before_models_were_recorded_keeps_its_own_and_fills_the_new(
        case_system, case, settings):
    workflow_id = case.proposals[0].workflow_id
    _refuse_once(case_system, workflow_id)
    case_system.catch_up()
    _sql(case_system, "DROP TABLE {p}reg_models", "DROP TABLE {p}reg_proposal_steps",
         "DROP TABLE {p}reg_refusals", "DROP TABLE {p}reg_refusal_logs")
    reopened = open_register(settings)  # creates the missing tables, empty
    try:
        report = ensure_models(reopened.register, reopened.view)
        assert report is not None
        assert "obligations" not in report.models  # it had rows: kept as it was
        assert {"proposals", "refusals"} <= set(report.models)
        assert len(proposals.refused(reopened, workflow_id).refusals) == 1
        assert len(proposals.status(reopened, workflow_id).history) == len(
            case.proposals[0].steps)
        assert ensure_models(reopened.register, reopened.view) is None  # once per view
        assert reopened.replay().ok
    finally:
        reopened.close()


def test_a_model_whose_definition_changed_is_rebuilt_when_next_opened(case_system, settings):
    before = resolutions.show(case_system, date(2016, 1, 12), on=ON_10_NOV_2021)
    _sql(case_system, "DELETE FROM {p}reg_clause_timelines",
         "UPDATE {p}reg_models SET signature = 'an older one' WHERE model = 'clauses'")
    reopened = open_register(settings)
    try:
        assert resolutions.show(reopened, date(2016, 1, 12), on=ON_10_NOV_2021) == before
    finally:
        reopened.close()


def test_rebuilding_a_damaged_model_restores_it_and_leaves_the_others(case_system):
    before = obligations.in_force(case_system, ON_10_NOV_2021)
    _sql(case_system, "DELETE FROM {p}reg_obligations WHERE bearer = 'ALL'")
    damaged = case_system.replay()
    assert [d.table for d in damaged.differences] == ["reg_obligations"]
    report = case_system.rebuild([MODELS["obligations"]])
    assert report.models == ["obligations"]
    assert report.events > 0
    assert obligations.in_force(case_system, ON_10_NOV_2021) == before
    assert case_system.replay().ok


def test_every_model_rebuilt_while_others_record_gives_the_views_a_replay_gives(
        system, case, settings):
    writer = open_register(settings)
    failures: list[BaseException] = []

    def record() -> None:
        try:
            for resolution in case.resolutions:
                writer.register.import_file(
                    case.model_copy(update={"resolutions": (resolution,), "proposals": ()}))
                writer.catch_up()
            writer.register.import_file(case)
        except BaseException as error:
            failures.append(error)

    recording = threading.Thread(target=record)
    recording.start()
    try:
        while recording.is_alive():
            system.rebuild(list(MODELS.values()))
    finally:
        recording.join(timeout=60)
        writer.close()
    assert failures == []
    system.catch_up()
    report = system.replay()
    assert report.ok, report.differences
    assert report.rows["reg_obligations"] > 0
