"""Signed checkpoints of the chain's head, kept outside the database.

A forger with the database and the chain's key (the development key is no
secret) can recompute every link; the checkpoints, signed with a key only
the writer holds, still name the head as it was. And a cut-off tail or a
wiped store no longer verifies as "intact" without the auditor keeping a head.
"""

from __future__ import annotations

import json
from dataclasses import replace

from tests.storage.tampering import relink, store
from workers.bootstrap import open_register, verify_chain
from workers.settings import Settings
from workers.storage.checkpoints import SigningKey, introduce_key, read_checkpoints
from workers.storage.ledger import DEV_KEY


def test_each_transaction_leaves_one_signed_checkpoint_of_the_head(case_system):
    checkpoints = read_checkpoints(case_system.settings.checkpoints_path)
    assert len(checkpoints) == 1  # the whole import was one transaction
    (latest,) = checkpoints
    report = verify_chain(case_system)
    assert (latest.size, latest.last_id, latest.head) == (
        report.checked, case_system.register.recorder.max_notification_id(), report.head)


def test_a_chain_forged_with_the_development_key_is_caught(case_system):
    with store(case_system.settings) as s:
        state = s.rows(f"SELECT state FROM {s.events} WHERE {s.ident} = 7")[0][0]
        s.db.execute(f"UPDATE {s.events} SET state = {s.mark} WHERE {s.ident} = 7",
                     (bytes(state).replace(b"SOC", b"MOI", 1),))
        relink(s, DEV_KEY)
    report = verify_chain(case_system)
    assert not report.ok
    assert "rewritten" in report.problem


def test_a_cut_off_tail_is_caught_without_a_remembered_head(case_system):
    last = case_system.register.recorder.max_notification_id()
    with store(case_system.settings) as s:
        s.db.execute(f"DELETE FROM {s.events} WHERE {s.ident} > {last - 3}")
        s.db.execute(f"DELETE FROM {s.ledger} WHERE notification_id > {last - 3}")
    report = verify_chain(case_system)
    assert not report.ok
    assert "removed from the end" in report.problem


def test_a_wiped_store_is_caught(case_system):
    with store(case_system.settings) as s:
        s.db.execute(f"DELETE FROM {s.events}")
        s.db.execute(f"DELETE FROM {s.ledger}")
    report = verify_chain(case_system)
    assert not report.ok
    assert "removed from the end" in report.problem


def test_the_checkpoint_folder_is_a_setting(tmp_path):
    configured = Settings.from_env({"CABINET_CHECKPOINT_DIR": str(tmp_path / "elsewhere")},
                                   data_dir=tmp_path / "data")
    assert configured.checkpoints_path == tmp_path / "elsewhere"
    assert Settings(data_dir=tmp_path).checkpoints_path == tmp_path / "checkpoints"


def test_a_key_introduced_by_the_old_one_takes_over(settings, case):
    old, new = SigningKey.generate(), SigningKey.generate()
    pinned = replace(settings, checkpoint_key=old.private_text,
                     checkpoint_trusted_keys=(old.public_text,))
    first = open_register(pinned)
    first.register.import_file(case)
    first.close()
    introduce_key(pinned.checkpoints_path, old, new.public_text)
    rotated = open_register(replace(pinned, checkpoint_key=new.private_text))
    try:
        rotated.register.refuse_attempt("OPDC-1-1", attempt_id="a", step="decide",
                                        actor="MOI:head", reason="no", field=None,
                                        payload="{}")
        assert read_checkpoints(pinned.checkpoints_path)[-1].key_id == new.key_id
        assert verify_chain(rotated).ok
    finally:
        rotated.close()


def test_a_checkpoint_signed_by_an_unknown_key_is_refused(settings, case):
    trusted, stranger = SigningKey.generate(), SigningKey.generate()
    pinned = replace(settings, checkpoint_key=stranger.private_text,
                     checkpoint_trusted_keys=(trusted.public_text,))
    system = open_register(pinned)
    try:
        system.register.import_file(case)
        report = verify_chain(system)
        assert not report.ok
        assert stranger.key_id in report.problem
    finally:
        system.close()


def test_a_checkpoint_edited_in_the_folder_is_caught(case_system):
    path = case_system.settings.checkpoints_path / "checkpoints.jsonl"
    line = json.loads(path.read_text().splitlines()[-1])
    path.write_text(json.dumps({**line, "size": line["size"] + 5}) + "\n")
    report = verify_chain(case_system)
    assert not report.ok
    assert "signature" in report.problem


def test_a_checkpoint_that_cannot_be_written_does_not_undo_what_was_committed(settings, case,
                                                                             tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the checkpoint folder should be")
    system = open_register(replace(settings, checkpoint_dir=blocked))
    try:
        assert system.register.import_file(case) > 0
        report = verify_chain(system)
        assert not report.ok
        assert "no checkpoint" in report.problem
    finally:
        system.close()
