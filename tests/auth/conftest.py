"""An identity on a real store: the register with accounts, their grants and credentials.

Password hashing uses cheap argon2id parameters here (time cost 1, 64 KiB), set
through the same settings production reads (``CABINET_PASSWORD_TIME_COST``,
``CABINET_PASSWORD_MEMORY_KIB``), so the suite stays fast; the library's
defaults are the production setting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date

import pytest

from domain.permissions import Actor, Role
from domain.register.grants import RoleGrant, RoleRevocation
from domain.values import DocumentKind, SourceDocument
from tests.conftest import Clock
from workers.bootstrap import RegisterSystem, open_register
from workers.settings import Settings
from workers.storage.credentials import CredentialStore, open_credentials
from workers.web_settings import WebSettings

OPERATOR = Actor(agency="SOC", role=Role.OPERATOR)
CHEAP = WebSettings(password_time_cost=1, password_memory_kib=64)
PASSWORD = "correct horse battery"


def order(number: int, day: date = date(2021, 1, 4)) -> SourceDocument:
    return SourceDocument(kind=DocumentKind.LETTER, number=f"นร 0101/{number}", date=day,
                          issuer="SOC")


def grant(username: str, agency: str, role: Role, effective: date, number: int) -> RoleGrant:
    return RoleGrant(username=username, agency=agency, role=role, effective_from=effective,
                     source=order(number, effective), reason="appointed by order")


def revocation(username: str, effective: date, number: int) -> RoleRevocation:
    return RoleRevocation(username=username, effective_from=effective,
                          source=order(number, effective), reason="moved to another post")


@pytest.fixture
def auth_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, web=CHEAP)


@pytest.fixture
def auth_system(auth_settings: Settings, clock: Clock) -> Iterator[RegisterSystem]:
    opened = open_register(auth_settings, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def credentials(auth_system: RegisterSystem, clock: Clock) -> CredentialStore:
    return open_credentials(auth_system, clock=clock)
