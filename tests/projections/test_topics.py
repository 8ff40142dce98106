"""The read models name the events they read by stored topic: each name is its class's."""

from __future__ import annotations

from eventsourcing.utils import get_topic, resolve_topic

from projections.model import LazyHandlers
from projections.view import READ_MODELS, read_by_views, topics


def test_every_topic_a_read_model_names_is_an_event_class_stored_under_it():
    for model in READ_MODELS:
        for topic in model.handlers:
            event_class = resolve_topic(topic)
            assert get_topic(event_class) == topic, (model.name, topic)


def test_lazy_handlers_read_only_topics_under_their_prefix():
    lazy = [m for m in READ_MODELS if isinstance(m.handlers, LazyHandlers)]
    assert lazy, "the proposal board's handlers load on first use"
    for model in lazy:
        assert isinstance(model.handlers, LazyHandlers)
        assert all(t.startswith(model.handlers.topics_from) for t in model.handlers)


def test_the_views_say_which_topics_they_read_without_loading_handlers():
    assert all(read_by_views(t) for t in topics())
    assert not read_by_views("domain.directories:AgencyDirectory.AgencyRegistered")
    assert not read_by_views("domain.meeting:MeetingDay.Listed")
