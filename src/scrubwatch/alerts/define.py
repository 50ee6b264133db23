"""Defining a rule from what a person typed (CLI options or a web form): one validation for
every face, so the two cannot accept different rules."""

from __future__ import annotations

from scrubwatch.alerts.channels import check_target, redact
from scrubwatch.alerts.rules import KINDS, RULE_KINDS, SEVERITIES, WAVE
from scrubwatch.errors import UsageError
from scrubwatch.model import AlertRule

MAX_DIGEST_MINUTES = 7 * 24 * 60


def comma_items(raw: str | None) -> tuple[str, ...]:
    """A comma-separated field as a tuple, blanks and repeats dropped."""
    return tuple(dict.fromkeys(i.strip() for i in (raw or "").split(",") if i.strip()))


def new_rule(
    *,
    name: str,
    target: str,
    terms: str | None = None,
    outlets: str | None = None,
    kinds: str | None = None,
    severity: str | None = None,
    secret: str | None = None,
    digest_minutes: int | None = None,
) -> AlertRule:
    """A validated rule; raises UsageError saying what is wrong."""
    rule = AlertRule(
        name=name.strip(),
        target=target.strip(),
        terms=comma_items(terms),
        outlets=tuple(o.lower() for o in comma_items(outlets)),
        kinds=tuple(k.lower() for k in comma_items(kinds)),
        severity=severity.strip().lower() if severity and severity.strip() else None,
        secret=secret or None,
        digest_minutes=digest_minutes,
    )
    if not rule.name:
        raise UsageError("an alert rule needs a name")
    unknown = [k for k in rule.kinds if k not in RULE_KINDS]
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]!r}; use {', '.join(RULE_KINDS)}")
    if WAVE in rule.kinds and len(rule.kinds) > 1:
        # A wave alert and a change alert would both be keyed on one change; keep them apart.
        raise UsageError("the kind 'wave' goes alone: make a second rule for single changes")
    if rule.severity is not None and rule.severity not in SEVERITIES:
        raise UsageError(f"unknown severity {rule.severity!r}; use {', '.join(SEVERITIES)}")
    if rule.secret and not rule.target.lower().startswith(("http://", "https://")):
        raise UsageError("a secret signs webhooks; it needs an http(s):// target")
    if digest_minutes is not None and not 1 <= digest_minutes <= MAX_DIGEST_MINUTES:
        # The upper bound also keeps the number inside SQLite's 64-bit INTEGER.
        raise UsageError(f"a digest period is from 1 to {MAX_DIGEST_MINUTES} minutes (one week)")
    check_target(rule.target)
    return rule


def describe(rule: AlertRule) -> str:
    """One line about a rule; the target is redacted and a secret is never shown."""
    parts = [f"to {redact(rule.target)}"]
    if rule.terms:
        parts.append("terms " + ", ".join(rule.terms))
    if rule.outlets:
        parts.append("outlets " + ", ".join(rule.outlets))
    parts.append("kinds " + ", ".join(rule.kinds or KINDS))
    if rule.severity == "substantive":
        parts.append("substantive edits only")
    if rule.secret:
        parts.append("signed")
    if rule.digest_minutes:
        parts.append(f"digest every {rule.digest_minutes} min")
    return ", ".join(parts)
