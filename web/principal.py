"""Who is acting: the signed-in person, and the actor the register records for them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.permissions import Actor, Role
from domain.values import AgencyCode

SignedInBy = Literal["password", "token", "session", "oidc"]


class Principal(BaseModel):
    """A signed-in account, and the agency and role it holds now (from the register's grants)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str
    agency: AgencyCode
    role: Role
    signed_in_by: SignedInBy

    @property
    def actor(self) -> Actor:
        """What the register records as having acted: the account's agency and role."""
        return Actor(agency=self.agency, role=self.role)
