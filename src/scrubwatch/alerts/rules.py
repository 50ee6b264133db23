"""Does a change concern a rule? Pure matching, no I/O.

A rule narrows by kind, outlet and severity, and by terms. The kind `wave` is apart: such a
rule hears of scrub waves (one story removed by several outlets), once per wave and again
when it grows, instead of single changes; `match_wave` decides those. A term matches when it is
removed, added, or sits in a changed sentence, headline or byline: the places an edit
touched. An article deleted or restored as a whole touches all of its text, so for those
the body of the version that went away (or came back) is searched too; one known only from
a web archive's index, never fetched, has no text, so the words of its URL stand in for it
(news URLs carry the headline's words: `/chinese-companies-to-build-zangezur-corridor`).

Terms are compared on `text.fold` keys, the loosest one (no language), so a term typed
without accents or in any case finds its word in any script; the article's language is
used only for where a word may end (suffixing languages such as Turkish).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from scrubwatch.model import AlertRule, Change, ChangeKind, Severity
from scrubwatch.text import fold, term_groups
from scrubwatch.waves import WaveRecord

KINDS = tuple(k.value for k in ChangeKind)
WAVE = "wave"
UNREACHABLE = "unreachable"  # an outlet unreachable from here (alerts.outages)
RULE_KINDS = (*KINDS, WAVE, UNREACHABLE)
SEVERITIES = tuple(s.value for s in Severity)


# Kinds that concern the whole article: a watched term anywhere in its text counts.
_WHOLE_ARTICLE = (ChangeKind.DELETED, ChangeKind.RESTORED, ChangeKind.ARCHIVE_REMOVED)


def touched_texts(change: Change, article_text: str = "") -> list[str]:
    """The texts of a change in which a watched term counts as concerned."""
    texts = [change.summary]
    diff = change.diff
    if diff is not None:
        texts += diff.sentences_removed + diff.sentences_added
        texts += diff.quotes_removed + diff.terms_removed
        for pair in (diff.title, diff.byline, *diff.sentences_changed, *diff.numbers_changed):
            if pair is not None:
                texts += [pair.before, pair.after or ""]
    if change.kind in _WHOLE_ARTICLE:
        texts.append(article_text or url_words(change.url))
    return [t for t in texts if t]


_URL_SEPARATORS = re.compile(r"[-_/.+,;=~]+")


def url_words(url: str) -> str:
    """The words of a URL's path (percent-decoded, separators as spaces): what is known of an
    article that was never fetched."""
    path = unquote(urlsplit(url).path, errors="replace")
    return _URL_SEPARATORS.sub(" ", path).strip()


def matched_terms(
    terms: Iterable[str], change: Change, article_text: str = "", language: str | None = None
) -> tuple[str, ...]:
    """The terms (as the rule spells them) found in what the change touched.

    A term may be a group (`Zangezur|Зангезур|Zəngəzur`): any member matches, and the group
    is reported under its first member.
    """
    folded = [fold(t) for t in touched_texts(change, article_text)]
    return tuple(
        g.label for g in term_groups(terms) if any(g.found_in(text, language) for text in folded)
    )


def outlet_matches(outlets: Iterable[str], host: str) -> bool:
    """A rule's outlet names a host with or without "www.", in any case."""
    bare = host.lower().removeprefix("www.")
    return any(o.strip().lower().removeprefix("www.") == bare for o in outlets)


def match(
    rule: AlertRule, change: Change, article_text: str = "", language: str | None = None
) -> tuple[str, ...] | None:
    """None when the rule does not want this change; else the terms it matched (maybe none).

    `severity="substantive"` leaves out minor edits only: a deletion or restoration has no
    severity and always matters.
    """
    if rule.kinds and change.kind.value not in rule.kinds:
        return None
    if rule.outlets and not outlet_matches(rule.outlets, change.outlet):
        return None
    if rule.severity == Severity.SUBSTANTIVE.value and change.severity == Severity.MINOR:
        return None
    if not rule.terms:
        return ()
    found = matched_terms(rule.terms, change, article_text, language)
    return found or None


def match_wave(rule: AlertRule, wave: WaveRecord) -> tuple[str, ...] | None:
    """None when the rule does not want this wave; else the terms it matched (maybe none).

    Only `wave` rules hear of waves. Outlets match when any outlet of the wave is one of the
    rule's; terms when a term is among the wave's removed term groups or in what one of its
    changes removed (the headline included).
    """
    if WAVE not in rule.kinds:
        return None
    if rule.outlets and not any(outlet_matches(rule.outlets, o) for o in wave.outlets):
        return None
    if not rule.terms:
        return ()
    texts = [fold(t) for t in wave.terms]
    texts += [fold(f"{m.title or ''}\n{m.removed}") for m in wave.members]
    found = tuple(
        g.label for g in term_groups(rule.terms) if any(g.found_in(text) for text in texts)
    )
    return found or None


def wants_outage(rule: AlertRule, host: str) -> bool:
    """Whether a rule hears that an outlet is unreachable from here: rules without terms
    whose kinds are all of them (none named) or name `unreachable`, for their outlets.
    While an outlet is out of reach no change of it can be seen, which such a rule's reader
    needs to know; a rule about terms hears of changes only."""
    if rule.terms or (rule.kinds and UNREACHABLE not in rule.kinds):
        return False
    return not rule.outlets or outlet_matches(rule.outlets, host)
