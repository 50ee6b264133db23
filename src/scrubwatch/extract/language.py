"""Which language a text is in: py3langid's classifier, loaded once per process.

py3langid keeps its model LZMA-compressed and decompresses all 68 MB of it on first use,
about half a second of CPU: a third of `scrubwatch extract page.html`, and paid again by
every analysis worker. Entry points that start processes often hand this module a quicker
way to load the same classifier (`scrubwatch.language_model`, an uncompressed copy in the
user's cache); without one, py3langid loads its own. Either way the answers are the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Classifier = Callable[[str], tuple[str, float]]

_loader: Callable[[], Classifier] | None = None
_classifier: Classifier | None = None
_lock = threading.Lock()


def use_loader(loader: Callable[[], Classifier]) -> None:
    """Load the classifier with `loader` when it is first needed (a no-op once loaded)."""
    global _loader
    _loader = loader


def classify(text: str) -> str:
    """py3langid's language code for `text` (ISO 639-1 where one exists)."""
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                _classifier = (_loader or _packaged)()
    code, _score = _classifier(text)
    return str(code)


def _packaged() -> Classifier:
    import py3langid

    return py3langid.classify  # type: ignore[no-any-return]
