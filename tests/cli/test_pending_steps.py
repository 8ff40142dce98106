"""The CLI keeps a step's key until it learns the step's outcome, so a retry is the same step."""

from __future__ import annotations

from pathlib import Path

from cli.pending_steps import PendingSteps
from domain.permissions import Actor
from domain.process.steps import ProceedWithout

SOC = Actor.parse("SOC:staff")
STEP = ProceedWithout(agency="PMDU", reason="no answer by the meeting")


def test_a_command_whose_outcome_is_unknown_keeps_its_key(tmp_path: Path) -> None:
    first = PendingSteps(tmp_path).key_for("OPDC-1220-489", SOC, STEP)
    # another process (the same command run again after a crash) finds the same key
    assert PendingSteps(tmp_path).key_for("OPDC-1220-489", SOC, STEP) == first
    assert first.startswith("proceed_without-")


def test_once_the_outcome_is_known_the_same_command_is_a_new_step(tmp_path: Path) -> None:
    pending = PendingSteps(tmp_path)
    first = pending.key_for("OPDC-1220-489", SOC, STEP)
    pending.settled("OPDC-1220-489", SOC, STEP)
    assert pending.key_for("OPDC-1220-489", SOC, STEP) != first


def test_keys_are_kept_per_proposal_actor_and_step(tmp_path: Path) -> None:
    pending = PendingSteps(tmp_path)
    keys = {pending.key_for("OPDC-1220-489", SOC, STEP),
            pending.key_for("OPDC-1220-490", SOC, STEP),
            pending.key_for("OPDC-1220-489", Actor.parse("SOC:head"), STEP),
            pending.key_for("OPDC-1220-489", SOC, STEP.model_copy(update={"agency": "MOI"}))}
    assert len(keys) == 4
