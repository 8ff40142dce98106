"""Feed tokens: the secret in an agency's ICS feed address reads that agency's feed only,
is kept only hashed, and stops working when revoked or expired."""

from __future__ import annotations

from datetime import timedelta

from tests.auth.test_credentials import every_value
from tests.conftest import Clock
from web.ics import FeedTokens as FeedTokensProtocol
from workers.bootstrap import RegisterSystem
from workers.storage.credentials import CredentialStore
from workers.storage.feed_tokens import FeedTokens


def test_a_feed_token_reads_its_agency_and_signs_nobody_in(
        auth_system: RegisterSystem, credentials: CredentialStore, clock: Clock) -> None:
    feeds: FeedTokensProtocol = FeedTokens(credentials)
    issued = FeedTokens(credentials).issue("manee", "MOI", hours=2)
    assert issued.kind == "feed"
    assert feeds.feed_agency(issued.token) == "MOI"
    stored = every_value(auth_system)
    assert issued.token not in stored and issued.token.rsplit("_", 1)[1] not in stored
    # Not an API token, not a session: a leaked feed address reads a calendar, nothing else.
    assert credentials.resolve(issued.token, "api") is None
    assert credentials.resolve(issued.token, "session") is None
    # An API token is no feed token.
    api = credentials.issue("manee", "api")
    assert feeds.feed_agency(api.token) is None
    assert [r.token_id for r in FeedTokens(credentials).live("MOI")] == [issued.token_id]
    assert FeedTokens(credentials).live("OPDC") == []
    clock.now += timedelta(hours=2)
    assert feeds.feed_agency(issued.token) is None  # expired


def test_a_revoked_feed_token_reads_nothing(credentials: CredentialStore) -> None:
    tokens = FeedTokens(credentials)
    issued = tokens.issue("manee", "MOI")
    assert tokens.agency_of(issued.token_id) == "MOI"
    assert credentials.revoke(issued.token_id)
    assert tokens.feed_agency(issued.token) is None
    assert tokens.live("MOI") == []
