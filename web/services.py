"""What the HTTP app is given, and the actions both the API and the desk pages take.

Each action takes the signed-in ``Principal``: the register records the
principal's actor, never a claim in the request. Who may act is asked of
``domain.permissions`` (by the register's verbs and the workflow's
validators); a refusal is recorded on the server with the principal and the
reason, so no client needs write access to the store. Proposal steps are
recorded by the desk (``ProposalDesk`` keeps every refused attempt); the
register's own verbs and refused questions are recorded here, in a refusal
log named after what was refused (``register:holidays``, ``register:agencies``,
``register:read``, ``register:audit``).

The register is synchronous: routes run these functions in a worker thread
(``run_in_threadpool``), so the event loop that also serves Temporal's
worker is never blocked by a read or a write.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import structlog
from pydantic import BaseModel

from domain import errors, permissions
from domain.paperwork.thai_dates import BANGKOK
from domain.process.steps import Draft, Step
from domain.register.corrections import AgencyRename, HolidayMove, HolidayRevocation
from domain.register.records import AgencyRecord, HolidayRecord, proposal_workflow_id
from web import auth
from web.authentication import Authenticator
from web.principal import Principal
from workers.bootstrap import RegisterSystem
from workers.settings import Settings
from workers.storage.credentials import CredentialStore
from workflows.contracts import StepResult
from workflows.desk import ProposalDesk, new_key

log = structlog.get_logger(__name__)

HOLIDAYS_LOG = "register:holidays"
AGENCIES_LOG = "register:agencies"
READ_LOG = "register:read"
AUDIT_LOG = "register:audit"
ATTACHMENTS_LOG = "register:attachments"


@dataclass
class WebServices:
    """The parts the app answers from; one of each per process, shared by every request.

    ``desk`` is given when the process already has a Temporal client (``cabinet
    server``); otherwise the first step connects one (``connect_desk``).
    """

    settings: Settings
    system: RegisterSystem
    authenticator: Authenticator
    desk: ProposalDesk | None = None
    credentials: CredentialStore | None = None
    """The accounts' credential store (sign-in); None where the authenticator needs none."""
    today: Callable[[], date] = field(default=lambda: datetime.now(BANGKOK).date())
    """The acting day (Bangkok's): a memo dated after it is refused."""
    _connecting: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    async def proposal_desk(self) -> ProposalDesk:
        """The desk, connecting to Temporal on first use (``TemporalUnavailable`` → 503)."""
        if self.desk is None:
            async with self._connecting:
                if self.desk is None:
                    from workers.temporal import connect

                    client = await connect(self.settings)
                    self.desk = ProposalDesk(client, self.system.register,
                                             self.settings.task_queue)
        return self.desk


def check_can_serve(settings: Settings) -> None:
    """Raise ``SettingsError`` if the app must not serve with these settings (the one place
    the processes ask): sign-in's check, the development ledger key or secret key outside
    development (``web.auth.check_can_serve``)."""
    auth.check_can_serve(settings)


def default_authenticator(system: RegisterSystem) -> tuple[Authenticator, CredentialStore]:
    """Sign-in's authenticator over the register's grants and the credential store in the
    register's own database, and that store."""
    credentials = auth.open_credentials(system)
    return auth.RegisterAuthenticator(system.settings, system, credentials), credentials


def serving(system: RegisterSystem, desk: ProposalDesk | None = None) -> WebServices:
    """The services of a serving process: its register, sign-in, and the desk if it has a
    Temporal client already (else the first step connects one)."""
    authenticator, credentials = default_authenticator(system)
    return WebServices(settings=system.settings, system=system, authenticator=authenticator,
                       desk=desk, credentials=credentials)


# --- who may ---------------------------------------------------------------------------


def permit(services: WebServices, principal: Principal, verb: str, *, refusals: str,
           party_agency: str | None = None, payload: str = "") -> None:
    """Raise ``NotPermitted`` (recorded in the ``refusals`` log) unless the principal may."""
    try:
        permissions.check(verb, principal.actor, party_agency=party_agency)
    except errors.NotPermitted as refusal:
        record_refusal(services, principal, refusals, verb, refusal, payload)
        raise


def record_refusal(services: WebServices, principal: Principal, refusals: str, verb: str,
                   refusal: errors.RegisterError, payload: str) -> None:
    log.warning("request_refused", username=principal.username, actor=str(principal.actor),
                verb=verb, reason=refusal.message, log=refusals)
    services.system.register.refuse_attempt(
        refusals, attempt_id=f"{verb}:{uuid.uuid4()}", step=verb, actor=str(principal.actor),
        reason=refusal.message, field=refusal.field, payload=payload,
        username=principal.username)


def _register_verb(services: WebServices, principal: Principal, verb: str, refusals: str,
                   record: BaseModel, act: Callable[[], None]) -> None:
    # The register checks the table itself; a refusal is recorded before it reaches the client.
    try:
        act()
    except errors.NotPermitted as refusal:
        record_refusal(services, principal, refusals, verb, refusal, record.model_dump_json())
        raise
    log.info("register_verb", verb=verb, username=principal.username,
             actor=str(principal.actor))
    services.system.catch_up()


# --- the register's verbs (synchronous: call them in a worker thread) --------------------


def declare_holiday(services: WebServices, principal: Principal, record: HolidayRecord) -> None:
    _register_verb(services, principal, "declare_holiday", HOLIDAYS_LOG, record,
                   lambda: services.system.register.declare_holiday(record, principal.actor))


def move_holiday(services: WebServices, principal: Principal, record: HolidayMove) -> None:
    _register_verb(services, principal, "move_holiday", HOLIDAYS_LOG, record,
                   lambda: services.system.register.move_holiday(record, principal.actor))


def revoke_holiday(services: WebServices, principal: Principal,
                   record: HolidayRevocation) -> None:
    _register_verb(services, principal, "revoke_holiday", HOLIDAYS_LOG, record,
                   lambda: services.system.register.revoke_holiday(record, principal.actor))


def register_agency(services: WebServices, principal: Principal, record: AgencyRecord) -> None:
    _register_verb(services, principal, "register_agency", AGENCIES_LOG, record,
                   lambda: services.system.register.register_agency(record, principal.actor))


def rename_agency(services: WebServices, principal: Principal, record: AgencyRename) -> None:
    _register_verb(services, principal, "rename_agency", AGENCIES_LOG, record,
                   lambda: services.system.register.rename_agency(record, principal.actor))


# --- proposals (through the workflow) --------------------------------------------------


async def start_proposal(services: WebServices, principal: Principal, draft: Draft, *,
                         reminder_days: int = 3) -> str:
    """Start the proposal's workflow as the principal; its workflow id.

    The proposer is the principal's agency: a draft naming another is refused (403, field
    ``proposer``) and recorded. The desk checks the rest (who, the memo's date) and records
    a refusal itself.
    """
    if draft.proposer != principal.agency:
        refusal = errors.NotPermitted(
            f"the proposer {draft.proposer} is not the signed-in account's agency "
            f"{principal.agency}: a proposal is drafted by its own agency", field="proposer")
        await asyncio.to_thread(record_refusal, services, principal,
                                proposal_workflow_id(draft), "draft", refusal,
                                draft.model_dump_json())
        raise refusal
    desk = await services.proposal_desk()
    return await desk.start(draft, principal.actor, reminder_days=reminder_days,
                            today=services.today(), username=principal.username)


async def take_step(services: WebServices, principal: Principal, workflow_id: str, step: Step,
                    *, key: str | None = None) -> tuple[StepResult, str]:
    """Take ``step`` as the principal, once per ``key``; the result and the key used.

    Without a key, a new one is made: a client that retries sends back the key it was given.
    """
    key = key or new_key(step)
    desk = await services.proposal_desk()
    result = await desk.act(workflow_id, step, principal.actor, key=key,
                            username=principal.username)
    return result, key
