"""Two versions side by side, each sentence marked as kept, removed, added or rewritten.

`compare_documents` says which sentences went and came; this module finds them again in
each version's paragraphs so the page can highlight them where they stood.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrubwatch.model import Diff, Document
from scrubwatch.text import normalize, split_sentences


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence and how it fared: "" (kept), "removed", "added" or "changed"."""

    text: str
    mark: str = ""


Paragraph = tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class SideBySide:
    """The old and the new body, paragraph by paragraph, sentences marked."""

    old: tuple[Paragraph, ...]
    new: tuple[Paragraph, ...]


def side_by_side(old: Document, new: Document, diff: Diff | None) -> SideBySide:
    """Mark the sentences `diff` names in the paragraphs of both versions."""
    if diff is None:
        return SideBySide(_plain(old), _plain(new))
    removed = {normalize(s) for s in diff.sentences_removed}
    added = {normalize(s) for s in diff.sentences_added}
    before = {normalize(p.before) for p in diff.sentences_changed}
    after = {normalize(p.after) for p in diff.sentences_changed if p.after}
    return SideBySide(
        _marked(old, {"removed": removed, "changed": before}),
        _marked(new, {"added": added, "changed": after}),
    )


def _plain(doc: Document) -> tuple[Paragraph, ...]:
    return tuple((Segment(p),) for p in doc.paragraphs)


def _marked(doc: Document, marks: dict[str, set[str]]) -> tuple[Paragraph, ...]:
    paragraphs: list[Paragraph] = []
    for paragraph in doc.paragraphs:
        segments = []
        for sentence in split_sentences(paragraph, doc.language) or [paragraph]:
            key = normalize(sentence)
            mark = next((name for name, keys in marks.items() if key in keys), "")
            segments.append(Segment(sentence, mark))
        paragraphs.append(tuple(segments))
    return tuple(paragraphs)
