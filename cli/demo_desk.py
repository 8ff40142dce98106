"""``cabinet demo --serve``: after the case, the whole embedded system on the demo's folder.

One account per agency and role the case's steps were taken by (and a Secretariat
auditor), all with one development password printed on the screen, so that a
newcomer can sign in to the web desk and look at, or continue, what the case did.
The demo's register is a throwaway in development mode; nothing here is for a
register that is the record.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.permissions import Actor, Role
from domain.register.grants import RoleGrant
from domain.register.imports import LOCAL_OPERATOR
from domain.register.records import ImportFile
from projections.queries import grants
from workers.bootstrap import RegisterSystem
from workers.storage.credentials import open_credentials

DEMO_PASSWORD = "demo-password"


def add_case_accounts(system: RegisterSystem, case: ImportFile) -> list[tuple[str, Actor]]:
    """An account for each actor of the case's steps, named ``agency-role`` (``opdc-head``)."""
    actors = {str(r.actor): r.actor for p in case.proposals for r in p.steps}
    actors["SOC:auditor"] = Actor(agency="SOC", role=Role.AUDITOR)
    store = open_credentials(system)
    today = grants.today()
    made = []
    for actor in actors.values():
        username = f"{actor.agency}-{actor.role.value}".lower()
        system.register.grant_role(RoleGrant.model_validate({
            "username": username, "agency": actor.agency, "role": actor.role.value,
            "effective_from": today, "reason": "an account of the demo",
            "source": {"kind": "letter", "number": None, "date": today, "issuer": "SOC"}}),
            LOCAL_OPERATOR)
        store.set_password(username, DEMO_PASSWORD)
        made.append((username, actor))
    system.catch_up()
    return made


def announce_accounts(made: list[tuple[str, Actor]], say: Callable[[str], None]) -> None:
    say(f"\nAccounts of the desk (password {DEMO_PASSWORD!r} for each):")
    for username, actor in made:
        say(f"  {username:14} {actor}")
