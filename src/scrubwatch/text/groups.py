"""Term groups: one watched thing named several ways, `Zangezur|Зангезур|Zəngəzur`.

The `watch_terms` setting and alert rule terms are comma-separated groups with `|` between
the members of a group. A group matches when any member does, so one rule follows a name
through the scripts and spellings outlets use; it is reported under its first member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scrubwatch.text.normalize import contains_term, fold

SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class TermGroup:
    """A watched thing: its label (the first member, as typed) and every member."""

    label: str
    members: tuple[str, ...]

    def found_in(
        self, folded_text: str, language: str | None = None, *, stems: bool = False
    ) -> bool:
        """Whether any member occurs as whole words in text already passed through `fold`.

        With `stems`, a member may also open a longer word, whatever the language: Russian
        "Зангезурский" and "Зангезура" are the corridor too. Waves use this; alerts, which
        name the exact words, do not.
        """
        keys = [fold(m) for m in self.members]
        if stems:
            return any(_opens_word(folded_text, k) for k in keys if k)
        return any(contains_term(folded_text, k, language) for k in keys)


def term_groups(terms: Iterable[str]) -> tuple[TermGroup, ...]:
    """Parse terms such as `("Zangezur|Зангезур", "Liu Jianchao")` into groups.

    Blank members are dropped; a group whose folded members repeat an earlier group's
    label is kept once, so a term listed twice does not count twice.
    """
    groups: list[TermGroup] = []
    seen: set[str] = set()
    for term in terms:
        members = tuple(dict.fromkeys(m.strip() for m in term.split(SEPARATOR) if m.strip()))
        if not members or fold(members[0]) in seen:
            continue
        seen.add(fold(members[0]))
        groups.append(TermGroup(members[0], members))
    return tuple(groups)


def group_members(terms: Iterable[str]) -> list[str]:
    """Every member of every group, in order: what plain term matching should look for."""
    return [m for g in term_groups(terms) for m in g.members]


def _opens_word(folded_text: str, key: str) -> bool:
    """Whether `key` occurs at the start of a word of `folded_text`."""
    start = folded_text.find(key)
    while start >= 0:
        if not start or not folded_text[start - 1].isalnum():
            return True
        start = folded_text.find(key, start + 1)
    return False
