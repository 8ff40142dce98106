"""The HTTP app's settings: where it listens, its secret key, and the identity provider.

Read by ``Settings.from_env`` from the same environment mapping as every other
setting (``workers.settings`` stays the one place that reads the process
environment).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

LOOPBACK = "127.0.0.1"
DEFAULT_HTTP_PORT = 8000


@dataclass(frozen=True)
class OidcSettings:
    """An OpenID Connect provider that signs people in; a configured claim names their
    agency and another their role."""

    issuer: str
    client_id: str
    client_secret: str
    agency_claim: str = "agency"
    role_claim: str = "cabinet_role"
    username_claim: str = "preferred_username"
    scopes: str = "openid profile"


@dataclass(frozen=True)
class WebSettings:
    host: str = LOOPBACK
    """Loopback unless told otherwise (``CABINET_HTTP_HOST``)."""
    port: int = DEFAULT_HTTP_PORT
    public_url: str | None = None
    """The address people reach the app by (for sign-in redirects and Secure cookies);
    None: ``http://host:port``."""
    secret_key: str | None = None
    """Signs session cookies and CSRF tokens. Required outside development."""
    token_hours: int = 12
    """How long an API token or a session lasts, in hours."""
    oidc: OidcSettings | None = None
    password_time_cost: int = 3
    """argon2id passes (``CABINET_PASSWORD_TIME_COST``); argon2-cffi's default. A hash made
    with other parameters is made again at its next successful sign-in."""
    password_memory_kib: int = 65536
    """argon2id memory in KiB (``CABINET_PASSWORD_MEMORY_KIB``); argon2-cffi's default
    (64 MiB). The tests set both lower, to keep the suite fast."""

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @classmethod
    def from_env(cls, env: Mapping[str, str],
                 whole_number: Callable[[Mapping[str, str], str, int], int]) -> WebSettings:
        issuer = (env.get("CABINET_OIDC_ISSUER") or "").strip()
        oidc = None
        if issuer:
            oidc = OidcSettings(
                issuer=issuer.rstrip("/"),
                client_id=env.get("CABINET_OIDC_CLIENT_ID", ""),
                client_secret=env.get("CABINET_OIDC_CLIENT_SECRET", ""),
                agency_claim=env.get("CABINET_OIDC_AGENCY_CLAIM", "agency"),
                role_claim=env.get("CABINET_OIDC_ROLE_CLAIM", "cabinet_role"),
                username_claim=env.get("CABINET_OIDC_USERNAME_CLAIM", "preferred_username"),
                scopes=env.get("CABINET_OIDC_SCOPES", "openid profile"),
            )
        return cls(
            host=env.get("CABINET_HTTP_HOST", LOOPBACK) or LOOPBACK,
            port=whole_number(env, "CABINET_HTTP_PORT", DEFAULT_HTTP_PORT),
            public_url=env.get("CABINET_PUBLIC_URL") or None,
            secret_key=env.get("CABINET_SECRET_KEY") or None,
            token_hours=whole_number(env, "CABINET_TOKEN_HOURS", 12),
            oidc=oidc,
            password_time_cost=whole_number(env, "CABINET_PASSWORD_TIME_COST", 3),
            password_memory_kib=whole_number(env, "CABINET_PASSWORD_MEMORY_KIB", 65536),
        )

