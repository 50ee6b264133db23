"""Which language a text is in: py3langid's classifier, loaded once per process.

py3langid keeps its model LZMA-compressed and decompresses all 68 MB of it on first use,
about half a second of CPU: a third of `scrubwatch extract page.html`, and paid again by
every analysis worker. Entry points that start processes often hand this module a quicker
way to load the same classifier (`scrubwatch.language_model`, an uncompressed copy in the
user's cache); without one, py3langid loads its own. Either way the answers are the same.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

Classifier = Callable[[str], tuple[str, float]]

log = logging.getLogger(__name__)
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
                _classifier = load(_loader)
    code, _score = _classifier(text)
    return str(code)


def load(loader: Callable[[], Classifier] | None) -> Classifier:
    """The classifier from `loader`, or py3langid's own when there is none or it fails: a
    quicker load is never worth losing the language."""
    if loader is not None:
        try:
            return loader()
        except Exception:
            log.warning(
                "could not load the language model quickly; using py3langid's own", exc_info=True
            )
    return _packaged()


def _packaged() -> Classifier:
    import py3langid

    return py3langid.classify  # type: ignore[no-any-return]
