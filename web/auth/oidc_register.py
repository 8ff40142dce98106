"""What a sign-in by the identity provider records in the register, and its wiring.

The register, not the provider, answers "who could approve on 9 Nov 2021?", so
the role a person acts in must be a grant in the register. At each sign-in by
OpenID Connect the claims' agency and role are compared with the grant the
account holds today; if they differ (or it holds none), a grant effective today
is recorded, granted by the Secretariat's system on the provider's word: the
reason names the provider and the person's subject there. The same claims at
the next sign-in record nothing. A role taken away at the provider stops the
person signing in there; the register's grant ends at their next sign-in with
other claims, or when an operator revokes it (``cabinet user revoke``).

The provider's username claim names the register's account: the same name
signed in by password and by the provider is the same account.

``web.app.create_app`` mounts the routes when a provider is configured.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

import structlog
from fastapi import Response

from domain.errors import InvalidInput, RegisterError
from domain.permissions import SECRETARIAT, Actor, Role
from domain.register.grants import RoleGrant, normalize_username
from domain.values import DocumentKind, SourceDocument
from projections.queries.grants import held_grant, today
from web.auth.oidc import OidcClient, OidcIdentity, OidcRefused
from web.auth.oidc_routes import CALLBACK_PATH, OidcSignIn
from web.auth.startup import cookies_secure, serving_secret
from web.principal import Principal, SignedInBy
from workers.bootstrap import RegisterSystem
from workers.settings import Settings, SettingsError

log = structlog.get_logger("web.auth.oidc")

IDENTITY_PROVIDER = Actor(agency=SECRETARIAT, role=Role.OPERATOR)
"""Who records a grant the provider's claims imply: the Secretariat's system, which
runs the register (``grant_role`` is the Secretariat's to record)."""


def record_oidc_grant(system: RegisterSystem, identity: OidcIdentity) -> None:
    """Make the account's grant today the one the provider's claims name."""
    try:
        username = normalize_username(identity.username)
    except InvalidInput as error:
        raise OidcRefused(f"the username {identity.username!r} from the identity provider "
                          f"is not one the register can hold: {error}", status=403) from error
    on = today()
    held = held_grant(system, username, on)
    if held is not None and (held.agency, held.role) == (identity.agency, identity.role.value):
        return
    record = RoleGrant(
        username=username, agency=identity.agency, role=identity.role, effective_from=on,
        source=SourceDocument(kind=DocumentKind.ANNOTATION, date=on, issuer=SECRETARIAT,
                              title="claims of the identity provider at sign-in"),
        reason=f"signed in by the identity provider {identity.issuer} as subject "
               f"{identity.subject}, whose claims name this agency and role")
    try:
        system.register.grant_role(record, IDENTITY_PROVIDER)
    except RegisterError as error:
        # e.g. the agency left the directory between the check and the write
        raise OidcRefused(f"the register refused the role the claims name: {error}",
                          status=403) from error
    system.catch_up()
    log.info("oidc.grant_recorded", user=username, agency=identity.agency,
             role=identity.role.value, previously=f"{held.agency}:{held.role}" if held else None)


def check_oidc_settings(settings: Settings) -> None:
    """Refuse to serve with a provider that is half configured, or reached by plain http
    outside development (the code and tokens would cross the network readable)."""
    oidc = settings.web.oidc
    if oidc is None:
        return
    for name, value in (("CABINET_OIDC_CLIENT_ID", oidc.client_id),
                        ("CABINET_OIDC_CLIENT_SECRET", oidc.client_secret)):
        if not value:
            raise SettingsError(f"{name} must be set when CABINET_OIDC_ISSUER is")
    url = urlsplit(oidc.issuer)
    if url.scheme != "https" and not settings.development:
        try:
            loopback = ip_address(url.hostname or "").is_loopback
        except ValueError:
            loopback = url.hostname == "localhost"
        if not loopback:
            raise SettingsError("CABINET_OIDC_ISSUER must be an https URL outside development")


@runtime_checkable
class OpensSessions(Protocol):
    """The app's authenticator (``web.auth.RegisterAuthenticator``) as sign-in uses it."""

    def open_session(self, response: Response, who: Principal | str, *,
                     signed_in_by: SignedInBy = "password") -> str: ...


def oidc_sign_in(settings: Settings, system: RegisterSystem,
                 authenticator: object) -> OidcSignIn | None:
    """The routes' wiring for ``create_app``; None when no provider is configured."""
    oidc = settings.web.oidc
    if oidc is None:
        return None
    check_oidc_settings(settings)
    if not isinstance(authenticator, OpensSessions):
        raise SettingsError("sign-in by OpenID Connect needs the register's authenticator, "
                            "which opens the desk's sessions")
    return OidcSignIn(
        client=OidcClient(oidc, f"{settings.web.base_url}{CALLBACK_PATH}"),
        secret_key=serving_secret(settings).decode(),
        secure_cookies=cookies_secure(settings),
        known_agencies=system.register.known_agencies,
        record_grant=lambda identity: record_oidc_grant(system, identity),
        open_session=lambda response, principal: authenticator.open_session(
            response, principal, signed_in_by="oidc"))
