"""Process-wide settings for the interpreter, applied once at start-up."""

from __future__ import annotations

import gc


def tune_gc() -> None:
    """Make the cyclic garbage collector run less often.

    An import or a replay builds and drops millions of small objects (events,
    models, rows). At the default threshold the collector rescans every live
    object thousands of times, which tripled the cost of decoding an event in
    measurements here. The register's objects hold no reference cycles worth
    collecting early, so collecting every 50,000 allocations loses nothing.
    """
    gc.freeze()  # what start-up imported will not be scanned again
    gc.set_threshold(50_000, 20, 100)
