"""Refuse to serve HTTP unsafely: outside development, real keys or nothing.

The development ledger key and the development secret are public (they are in
this code), so a server using either outside development would let anyone
forge the chain, a session cookie or a CSRF token. In development a fixed
secret is used, so sessions survive a restart of ``cabinet server``.
"""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from workers.settings import Settings, SettingsError
from workers.storage.ledger import DEV_KEY

DEVELOPMENT_SECRET = "cabinet-register-development-secret-key"
MIN_SECRET_LENGTH = 32


def check_can_serve(settings: Settings) -> None:
    """Raise ``SettingsError`` naming the setting when the app must not serve."""
    if settings.development:
        return
    if not settings.ledger_key or settings.ledger_key.encode() == DEV_KEY:
        raise SettingsError("CABINET_LEDGER_KEY must be set to the register's own secret "
                            "outside development; the server refuses the development key")
    secret = settings.web.secret_key
    if not secret:
        raise SettingsError("CABINET_SECRET_KEY must be set outside development: it signs "
                            "sessions and CSRF tokens")
    if secret == DEVELOPMENT_SECRET:
        raise SettingsError("CABINET_SECRET_KEY is the development secret; set a secret of "
                            "your own outside development")
    if len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(f"CABINET_SECRET_KEY must have at least {MIN_SECRET_LENGTH} "
                            "characters (e.g. `python -c 'import secrets; "
                            "print(secrets.token_urlsafe(32))'`)")


def serving_secret(settings: Settings) -> bytes:
    """The key that signs CSRF tokens: the configured one, or in development the fixed one."""
    if settings.web.secret_key:
        return settings.web.secret_key.encode()
    if settings.development:
        return DEVELOPMENT_SECRET.encode()
    raise SettingsError("CABINET_SECRET_KEY must be set outside development")


def cookies_secure(settings: Settings) -> bool:
    """Whether cookies carry ``Secure``: always, except in development on plain-http loopback
    (where a browser would not send them back)."""
    url = urlsplit(settings.web.base_url)
    if not settings.development or url.scheme == "https":
        return True
    try:
        loopback = ip_address(url.hostname or "").is_loopback
    except ValueError:
        loopback = url.hostname == "localhost"
    return not loopback
