"""When to look at an article next: often while it is young, rarely when old.

Pure: takes the article's timeline and an injected "now", returns a time. Scrubs happen within
hours (the Zangezur reports were gone the same afternoon), so the first hours are checked every
few minutes; a story that has been quiet for weeks is checked daily until the horizon.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

# (age of the article below which, interval between checks). Ages count from when scrubwatch
# first saw the article, since publication dates on pages are often missing or wrong.
DEFAULT_TABLE: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(hours=6), timedelta(minutes=15)),
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=3), timedelta(hours=3)),
    (timedelta(days=14), timedelta(hours=12)),
)
OLD_INTERVAL = timedelta(days=1)
# After an edit or deletion the article is "hot" again: look back soon, an outlet that scrubs
# once often scrubs again, or restores.
AFTER_CHANGE = timedelta(hours=6)
AFTER_CHANGE_INTERVAL = timedelta(minutes=15)
JITTER = 0.1  # +-10%, so articles found in one batch do not hit a host in one burst


def next_check(
    *,
    now: datetime,
    first_seen: datetime,
    last_change_at: datetime | None = None,
    horizon: timedelta = timedelta(days=60),
    rng: random.Random | None = None,
    scale: float = 1.0,
) -> datetime | None:
    """The next time to check, or None when the article is past the horizon.

    `scale` stretches (>1) or shrinks (<1) every interval: a per-outlet override.
    """
    age = now - first_seen
    if age >= horizon:
        return None
    interval = interval_for_age(age)
    if last_change_at is not None and now - last_change_at < AFTER_CHANGE:
        interval = min(interval, AFTER_CHANGE_INTERVAL)
    interval *= scale
    if rng is not None:
        interval *= 1 + rng.uniform(-JITTER, JITTER)
    return now + interval


def interval_for_age(age: timedelta) -> timedelta:
    """The interval of the default table for an article of this age."""
    for limit, interval in DEFAULT_TABLE:
        if age < limit:
            return interval
    return OLD_INTERVAL


FAILURE_FIRST_RETRY = timedelta(minutes=5)
FAILURE_MAX_RETRY = timedelta(hours=6)


def retry_after_failure(
    *, now: datetime, consecutive_failures: int, rng: random.Random | None = None
) -> datetime:
    """When to retry after a failed fetch: 5 min, doubling per failure in a row, at most 6 h,
    with jitter so the articles of a host that went down together do not retry together.

    A struggling server gets room to recover, and a failure is never mistaken for a deletion.
    """
    exponent = max(consecutive_failures - 1, 0)
    delay = min(FAILURE_FIRST_RETRY * (1 << min(exponent, 16)), FAILURE_MAX_RETRY)
    if rng is not None:
        delay *= 1 + rng.uniform(-JITTER, JITTER)
    return now + delay
