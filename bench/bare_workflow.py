"""The bare baseline for bench/workflow_bench.py: Temporal's own cost of a proposal.

One update per step name, as ``workflows/proposal.py`` has, each with a
trivial validator; no activity, no register, no logging. The ``notify``
update closes it, as it closes a real proposal, so a run takes exactly the
updates the reference case takes and nothing else.

Its own small module (not the benchmark script) because the workflow sandbox
re-imports a workflow's module for every run: the benchmark script's top
level would be re-executed each time and make the baseline look slower.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from bare_models import BareOutcome, BareRequest, BareResult, BareStart

CLOSING_STEP = "notify"


@workflow.defn
class BareWorkflow:
    @workflow.init
    def __init__(self, start: BareStart) -> None:
        self.workflow_id = start.workflow_id
        self.stage = "drafted"
        self.steps = 1  # the draft, which comes with the start
        self.closed = False

    @workflow.run
    async def run(self, start: BareStart) -> BareOutcome:
        await workflow.wait_condition(lambda: self.closed)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return BareOutcome(workflow_id=self.workflow_id, outcome="approved", steps=self.steps)

    def _check(self, request: BareRequest) -> None:
        if self.closed:
            raise ValueError("closed")

    def _take(self, request: BareRequest) -> BareResult:
        self.steps += 1
        self.stage = str(request.step.get("step"))
        if self.stage == CLOSING_STEP:
            self.closed = True
        return BareResult(stage=self.stage, next_to_act=request.actor, recorded=True)

    @workflow.update
    async def endorse(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @endorse.validator
    def _endorse_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def approve(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @approve.validator
    def _approve_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def submit(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @submit.validator
    def _submit_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def request_opinions(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @request_opinions.validator
    def _request_opinions_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def opinion(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @opinion.validator
    def _opinion_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def amend(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @amend.validator
    def _amend_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def request_review(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @request_review.validator
    def _request_review_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def extend(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @extend.validator
    def _extend_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def proceed_without(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @proceed_without.validator
    def _proceed_without_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def schedule(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @schedule.validator
    def _schedule_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def decide(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @decide.validator
    def _decide_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def notify(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @notify.validator
    def _notify_allowed(self, request: BareRequest) -> None:
        self._check(request)

    @workflow.update
    async def withdraw(self, request: BareRequest) -> BareResult:
        return self._take(request)

    @withdraw.validator
    def _withdraw_allowed(self, request: BareRequest) -> None:
        self._check(request)
