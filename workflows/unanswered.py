"""When the Temporal server does not answer: what happened, and what the register knows.

A step travels from the desk to Temporal, to a worker, into the register, and
back. If the server goes quiet on the way, the desk cannot know from Temporal
whether the step was taken, but the register can say: the worker records each
step under its update id, so the desk looks that id up among the proposal's
recorded steps and tells staff whether to repeat the step or not.
"""

from __future__ import annotations

from eventsourcing.persistence import PersistenceError

from domain.errors import RegisterError
from domain.ids import proposal_id
from domain.process.proposal import Proposal
from domain.register.application import Register


class TemporalUnavailable(RuntimeError):
    """The Temporal server cannot be reached, or did not answer in time.

    ``waited`` is the bound that ran out (seconds), None when the server
    refused or dropped the connection; ``detail`` is the transport's reason.
    """

    def __init__(self, message: str, *, address: str | None = None,
                 waited: float | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.address = address
        self.waited = waited
        self.detail = detail


class StepUnconfirmed(TemporalUnavailable):
    """A step was sent and no answer came back; the message says if the register has it."""


def step_unconfirmed(register: Register, workflow_id: str, step: str, step_id: str,
                     failure: TemporalUnavailable) -> StepUnconfirmed:
    """The account of a step whose answer never came, checked against the register."""
    where = f"the Temporal server at {failure.address}" if failure.address else \
        "the Temporal server"
    if failure.waited is not None:
        happened = (f"{where} did not answer the {step} step of {workflow_id} within "
                    f"{failure.waited:g} s; is `cabinet server` (or `cabinet worker`) running?")
    else:
        happened = (f"{where} stopped answering during the {step} step of {workflow_id}"
                    + (f" ({failure.detail})" if failure.detail else "") + ".")
    status = f"`cabinet proposal status {workflow_id}`"
    back = "once `cabinet server` (the Temporal server and its worker) runs again"
    try:
        events = list(register.history(proposal_id(workflow_id)))
    except (RegisterError, PersistenceError, OSError) as error:
        known = (f"The register could not be read to check the step ({error}); {back}, "
                 f"run {status} before taking the step again.")
    else:
        if any(getattr(event, "step_id", None) == step_id for event in events):
            known = (f"Nothing is lost: the register has recorded this step (step id {step_id}),"
                     f" so do not repeat it; {back}, {status} shows the workflow's view.")
        elif events:
            last = events[-1]
            name = "draft" if isinstance(last, Proposal.Drafted) else str(last.step.step)
            known = (f"Not in the register: it has not recorded this step; its last recorded "
                     f"step is {name}. O{back[1:]}, run {status} and take the step "
                     f"again if it is not there.")
        else:
            known = (f"Not in the register: it has not recorded this step, nor any step of "
                     f"{workflow_id}. O{back[1:]}, run {status} and take the step "
                     f"again if it is not there.")
    return StepUnconfirmed(f"{happened}\n{known}", address=failure.address,
                           waited=failure.waited, detail=failure.detail)
