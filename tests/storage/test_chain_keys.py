"""The chain's key: never the development key by accident, never two keys in one chain."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workers.bootstrap import open_register, verify_chain
from workers.settings import Settings
from workers.storage.checkpoints import SigningKey
from workers.storage.ledger import LedgerKeyError


def test_the_development_key_is_refused_outside_development_mode(settings, case):
    production = open_register(replace(settings, development=False))
    try:
        with pytest.raises(LedgerKeyError) as refused:
            production.register.import_file(case)
        assert "CABINET_LEDGER_KEY" in str(refused.value)
        assert not production.register.recorder.max_notification_id()
    finally:
        production.close()


def test_a_production_register_with_its_keys_writes(settings, case):
    production = open_register(replace(settings, development=False, ledger_key="a secret",
                                       checkpoint_key=SigningKey.generate().private_text))
    try:
        assert production.register.import_file(case) > 0
        assert verify_chain(production).ok
    finally:
        production.close()


def test_the_settings_say_development_only_when_asked(tmp_path):
    assert not Settings.from_env({}, data_dir=tmp_path).development
    assert Settings.from_env({"CABINET_ENV": "development"}, data_dir=tmp_path).development


def test_a_wrong_key_is_reported_as_a_wrong_key_not_as_an_edit(settings, case):
    first = open_register(replace(settings, ledger_key="the writer's key"))
    first.register.import_file(case)
    first.close()
    auditor = open_register(replace(settings, ledger_key="another key"))
    try:
        report = verify_chain(auditor)
        assert not report.ok
        assert "another key" in report.problem
        assert "edited" not in report.problem
    finally:
        auditor.close()


def test_a_second_key_cannot_write_into_a_chain(settings, case):
    first = open_register(replace(settings, ledger_key="the writer's key"))
    first.register.import_file(case)
    head = first.register.recorder.max_notification_id()
    first.close()
    second = open_register(replace(settings, ledger_key="another key"))
    try:
        with pytest.raises(LedgerKeyError) as refused:
            second.register.refuse_attempt("OPDC-1-1", attempt_id="a", step="decide",
                                           actor="MOI:head", reason="no", field=None,
                                           payload="{}")
        assert "another key" in str(refused.value)
        assert second.register.recorder.max_notification_id() == head
    finally:
        second.close()
