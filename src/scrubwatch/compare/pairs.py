"""Which two versions "the last change" compares, when nobody names them.

Version numbers count distinct texts in the order they were first seen; they are not the
order the page showed them in. A page that goes A → B → A → C shows version 1 again after
version 2, and its next text is version 3, reached from version 1. So the version before
another is the one the recorded change into it came from, not the number below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scrubwatch.model import Change, Version


def current_version(versions: Sequence[Version], latest: int | None) -> Version | None:
    """The version the page shows now (the article's `latest_version`), which after a
    flip-back is not the highest number; the highest stands in if `latest` is unknown."""
    found = next((v for v in versions if v.number == latest), None)
    return found or max(versions, key=lambda v: v.number, default=None)


def version_before(number: int, changes: Iterable[Change], numbers: Iterable[int]) -> int | None:
    """The version the page showed before it (last) came to show version `number`.

    `changes` are the article's changes, newest first: the newest one that led into `number`
    from another version names it. Without one (the first version, or a flip-back that was
    not reported again) the nearest lower number stands in; None when there is none.
    """
    for change in changes:
        came_from = change.from_version
        if change.to_version == number and came_from is not None and came_from != number:
            return came_from
    lower = [n for n in numbers if n < number]
    return max(lower) if lower else None
