"""Every call a command makes to Temporal ends: answered, refused, or given up on in time.

The SDK waits as long as the server holds a request: an update sent to a
server with no worker behind it is held for ever. ``Deadlines`` bounds each
client call the desk makes (start, update, query, signal, describe) by the
configured time, and turns "no answer" in all its forms (the bound ran out,
the connection dropped, the server went away) into one ``TemporalUnavailable``
that names the server. Other errors (not found, refused by the workflow)
pass through untouched. Waiting for a workflow's result is not bounded: it
ends when the proposal does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import (
    DescribeWorkflowInput,
    Interceptor,
    OutboundInterceptor,
    QueryWorkflowInput,
    RPCTimeoutOrCancelledError,
    SignalWorkflowInput,
    StartWorkflowInput,
    StartWorkflowUpdateInput,
    StartWorkflowUpdateWithStartInput,
    WorkflowHandle,
    WorkflowUpdateHandle,
)
from temporalio.client import WorkflowExecutionDescription as Description
from temporalio.service import RPCError, RPCStatusCode

from workflows.unanswered import TemporalUnavailable

T = TypeVar("T")

NO_ANSWER = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED,
             RPCStatusCode.CANCELLED)
"""Statuses that mean the server did not answer, not that it said no."""

HINT = "start it with `cabinet server`, or set CABINET_TEMPORAL_ADDRESS"


class Deadlines(Interceptor):
    def __init__(self, address: str, seconds: float) -> None:
        self.address = address
        self.seconds = seconds

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Bounded(next, self)

    async def bounded(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            async with asyncio.timeout(self.seconds):
                return await call()
        except (TimeoutError, RPCTimeoutOrCancelledError):
            # The SDK answers a cancelled update with its own error, not CancelledError.
            raise TemporalUnavailable(
                f"the Temporal server at {self.address} did not answer {what} within "
                f"{self.seconds:g} s (CABINET_TEMPORAL_CALL_TIMEOUT); is `cabinet server` "
                "(or `cabinet worker`) running?",
                address=self.address, waited=self.seconds) from None
        except RPCError as error:
            if error.status not in NO_ANSWER and "connect" not in error.message.lower():
                raise
            raise TemporalUnavailable(
                f"the Temporal server at {self.address} stopped answering {what} "
                f"({_reason(error)}); {HINT}",
                address=self.address, detail=_reason(error)) from None

    @property
    def rpc_timeout(self) -> timedelta:
        return timedelta(seconds=self.seconds)


class _Bounded(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, deadlines: Deadlines) -> None:
        super().__init__(next)
        self.deadlines = deadlines

    def _deadline(self, input: Any) -> None:
        if input.rpc_timeout is None:
            input.rpc_timeout = self.deadlines.rpc_timeout

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        self._deadline(input)
        return await self.deadlines.bounded(f"the start of {input.id}",
                                            lambda: super(_Bounded, self).start_workflow(input))

    async def start_workflow_update(self, input: StartWorkflowUpdateInput
                                    ) -> WorkflowUpdateHandle[Any]:
        self._deadline(input)
        return await self.deadlines.bounded(
            f"the update {input.update} of {input.id}",
            lambda: super(_Bounded, self).start_workflow_update(input))

    async def start_update_with_start_workflow(self, input: StartWorkflowUpdateWithStartInput
                                               ) -> WorkflowUpdateHandle[Any]:
        return await self.deadlines.bounded(
            f"the update {input.update_workflow_input.update} of "
            f"{input.start_workflow_input.id}",
            lambda: super(_Bounded, self).start_update_with_start_workflow(input))

    async def query_workflow(self, input: QueryWorkflowInput) -> Any:
        self._deadline(input)
        return await self.deadlines.bounded(f"a query about {input.id}",
                                            lambda: super(_Bounded, self).query_workflow(input))

    async def signal_workflow(self, input: SignalWorkflowInput) -> None:
        self._deadline(input)
        await self.deadlines.bounded(f"a signal to {input.id}",
                                     lambda: super(_Bounded, self).signal_workflow(input))

    async def describe_workflow(self, input: DescribeWorkflowInput) -> Description:
        self._deadline(input)
        return await self.deadlines.bounded(
            f"a question about {input.id}", lambda: super(_Bounded, self).describe_workflow(input))


def _reason(error: RPCError) -> str:
    text = error.message
    if "refused" in text.lower() or "tcp connect error" in text:
        return "connection refused"
    if "reset" in text.lower():
        return "connection reset"
    return f"{error.status.name.lower().replace('_', ' ')}: {text[:200]}"
