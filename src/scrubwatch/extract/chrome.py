"""Learning an outlet's own boilerplate from the articles it publishes.

Generic extraction cannot know that "Our journalism is funded by readers like you..." is
this outlet's donation appeal rather than a sentence of the article. The outlet tells us by
repetition: a block that recurs on many *distinct* articles is chrome. `ChromeModel` counts,
per normalised paragraph fingerprint, on how many distinct article URLs it was seen, and
learns a block once it is on at least `min_articles` articles and on at least `min_share` of
the articles observed since the block first appeared.

Safety rules, because a real sentence stripped is a fake deletion:
- a paragraph repeated inside one article counts once, and a quote shared by a few articles
  never reaches `min_articles`; the share rule keeps a statement quoted in many follow-up
  stories of a large outlet from counting;
- learning is sticky: once learned, a block is stripped on every page, so two versions of an
  article are never compared with the block kept in one and stripped in the other;
- the model never edits stored data: callers strip both documents they compare
  (`strip_document`) at comparison time.

Memory is bounded: at most `max_tracked` candidate fingerprints (the least seen are evicted)
and at most `max_articles` remembered article keys. The whole state is plain JSON data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from scrubwatch.model import Document

__all__ = ["ChromeModel"]

_STATE_VERSION = 1
_NON_WORD = re.compile(r"[^\w]+")


def fingerprint(paragraph: str) -> str:
    """A short key for a paragraph, equal for the same block with other case or punctuation.

    Digits are kept on purpose: "The death toll rose to 12." in five follow-up stories is
    news, and folding numbers would make every such sentence one block.
    """
    text = _NON_WORD.sub(" ", paragraph.casefold()).strip()
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _article_key(url: str) -> str:
    return hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


@dataclass
class _Candidate:
    """A fingerprint not yet learned: on how many articles, since when, and on which."""

    count: int
    since: int  # number of distinct articles observed before it first appeared
    articles: list[str] = field(default_factory=list)  # the first keys, for deduplication


@dataclass
class ChromeModel:
    """Per-outlet chrome learned from observed articles (see module docstring)."""

    min_articles: int = 5
    min_share: float = 0.5
    max_tracked: int = 20_000
    max_articles: int = 5_000
    max_learned: int = 2_000
    _articles: dict[str, None] = field(default_factory=dict)  # ordered set of recent keys
    _observed: int = 0
    _candidates: dict[str, _Candidate] = field(default_factory=dict)
    _learned: dict[str, None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.min_articles < 3:
            raise ValueError("min_articles below 3 would strip quotes shared by two articles")
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError("min_share must be in (0, 1]")

    @property
    def observed(self) -> int:
        """How many distinct articles the model has seen."""
        return self._observed

    @property
    def learned(self) -> int:
        """How many blocks the model strips."""
        return len(self._learned)

    def observe(self, article_url: str, paragraphs: Sequence[str]) -> None:
        """Record the paragraphs of one fetched article (before stripping)."""
        key = _article_key(article_url)
        first_time = key not in self._articles
        if first_time:
            self._observed += 1
            self._articles[key] = None
            while len(self._articles) > self.max_articles:
                del self._articles[next(iter(self._articles))]
        for print_ in dict.fromkeys(fingerprint(p) for p in paragraphs if p.strip()):
            if print_ not in self._learned:
                self._count(print_, key, first_time)
        if len(self._candidates) > self.max_tracked:
            self._evict()

    def _count(self, print_: str, key: str, first_time: bool) -> None:
        candidate = self._candidates.get(print_)
        if candidate is None:
            candidate = _Candidate(0, self._observed - 1 if first_time else self._observed)
            self._candidates[print_] = candidate
        if key in candidate.articles:
            return
        if len(candidate.articles) >= self.min_articles and not first_time:
            # A re-fetch of an article we can no longer tell apart: not counting it can only
            # delay learning, counting it could learn a quote.
            return
        candidate.count += 1
        if len(candidate.articles) < self.min_articles:
            candidate.articles.append(key)
        span = max(1, self._observed - candidate.since)
        if candidate.count >= self.min_articles and candidate.count / span >= self.min_share:
            del self._candidates[print_]
            if len(self._learned) < self.max_learned:
                self._learned[print_] = None

    def _evict(self) -> None:
        """Drop the least seen (then oldest) candidates down to three quarters of the cap."""
        keep = self.max_tracked * 3 // 4
        ranked = sorted(self._candidates.items(), key=lambda kv: (kv[1].count, kv[1].since))
        for print_, _ in ranked[: len(ranked) - keep]:
            del self._candidates[print_]

    def absorb(self, other: ChromeModel) -> None:
        """Strip, from now on, every block `other` learned too: another worker's model of
        the same outlet, which saw other articles. Learned blocks only: counts of blocks
        still being weighed are not comparable between two models."""
        for print_ in other._learned:
            if print_ not in self._learned and len(self._learned) < self.max_learned:
                self._learned[print_] = None
                self._candidates.pop(print_, None)

    def is_chrome(self, paragraph: str) -> bool:
        """True when the paragraph is a block this outlet repeats across articles."""
        return fingerprint(paragraph) in self._learned

    def strip(self, paragraphs: Iterable[str]) -> tuple[str, ...]:
        """The paragraphs without learned chrome, in order."""
        return tuple(p for p in paragraphs if not self.is_chrome(p))

    def strip_document(self, document: Document) -> Document:
        """The Document without learned chrome paragraphs; metadata untouched."""
        kept = self.strip(document.paragraphs)
        return document if kept == document.paragraphs else replace(document, paragraphs=kept)

    def to_json(self) -> dict[str, object]:
        """The whole state as JSON-ready data (settings included)."""
        return {
            "v": _STATE_VERSION,
            "min_articles": self.min_articles,
            "min_share": self.min_share,
            "max_tracked": self.max_tracked,
            "max_articles": self.max_articles,
            "max_learned": self.max_learned,
            "observed": self._observed,
            "articles": list(self._articles),
            "candidates": {
                k: [c.count, c.since, list(c.articles)] for k, c in self._candidates.items()
            },
            "learned": list(self._learned),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ChromeModel:
        """A model from `to_json` data; ValueError when the data is not such a state."""
        if data.get("v") != _STATE_VERSION:
            raise ValueError("not a chrome model state of this version")
        try:
            model = cls(
                min_articles=_number(data, "min_articles"),
                min_share=float(str(data["min_share"])),
                max_tracked=_number(data, "max_tracked"),
                max_articles=_number(data, "max_articles"),
                max_learned=_number(data, "max_learned"),
            )
            model._observed = _number(data, "observed")
            model._articles = dict.fromkeys(str(k) for k in _items(data, "articles"))
            model._learned = dict.fromkeys(str(k) for k in _items(data, "learned"))
            candidates = data["candidates"]
            if not isinstance(candidates, dict):
                raise TypeError("candidates is not an object")
            model._candidates = {
                str(k): _Candidate(int(v[0]), int(v[1]), [str(a) for a in v[2]])
                for k, v in candidates.items()
            }
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ValueError(f"bad chrome model state: {error!r}") from error
        return model


def _number(data: dict[str, object], key: str) -> int:
    value = data[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{key} is not an integer")
    return value


def _items(data: dict[str, object], key: str) -> list[object]:
    value = data[key]
    if not isinstance(value, list):
        raise TypeError(f"{key} is not a list")
    return value
