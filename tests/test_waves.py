"""Scrub waves, the pure part: story signatures across scripts, term groups, clustering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import wave_stories as s
from scrubwatch.compare import compare_documents
from scrubwatch.demo.story import DELETED_REPORT, ORIGINAL, SCRUBBED
from scrubwatch.model import Change, ChangeKind, Diff, Document, Severity, TextPair
from scrubwatch.pipeline.waves import removed_text
from scrubwatch.text import term_groups
from scrubwatch.waves import (
    Removal,
    StorySignature,
    candidate_ids,
    find_clusters,
    resemblance,
    same_story,
    sign,
    still_published,
)
from scrubwatch.waves.signature import skeleton

T0 = datetime(2026, 4, 22, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
GROUPS = term_groups([s.CORRIDOR_TERMS, "Liu Jianchao"])


def _sig(story: tuple[str, tuple[str, ...]], groups: bool = False) -> StorySignature:
    title, paragraphs = story
    return sign(title + "\n" + "\n".join(paragraphs), groups=GROUPS if groups else ())


def _removal(change_id: int, outlet: str, hours: float, sig: StorySignature) -> Removal:
    return Removal(change_id, outlet, T0 + timedelta(hours=hours), sig)


def test_names_fold_to_one_skeleton_across_scripts() -> None:
    assert skeleton("Нахичевань") == skeleton("Naxçıvan") == skeleton("Nakhchivan") == "nxcvn"
    assert skeleton("Зангезур") == skeleton("Zəngəzur") == skeleton("Zangezur")
    assert skeleton("Bob") == ""  # too short to tell names apart


def test_the_same_story_is_recognised_in_three_languages_and_in_agency_copy() -> None:
    en, copy, ru, az = map(_sig, (s.CORRIDOR_EN, s.CORRIDOR_EN_COPY, s.CORRIDOR_RU, s.CORRIDOR_AZ))
    assert resemblance(en, copy) > 0.5  # near-duplicate text
    assert resemblance(en, ru) == 0.0  # nothing in common word for word...
    for a, b in ((en, copy), (en, ru), (en, az), (ru, az), (copy, ru)):
        assert same_story(a, b)  # ...but the names and figures are the same


def test_different_stories_are_not_the_same_story_even_on_one_topic() -> None:
    corridor = _sig(s.CORRIDOR_EN)
    others = [s.BORDER_TALKS_EN, s.HIGHWAY_AZ, s.VISIT_EN, s.FOOTBALL_EN, s.WEATHER_RU]
    for other in others:
        assert not same_story(corridor, _sig(other))
    assert not same_story(_sig(s.BORDER_TALKS_EN), _sig(s.HIGHWAY_AZ))


def test_term_groups_match_any_member_and_inflected_forms() -> None:
    assert _sig(s.CORRIDOR_RU, groups=True).groups == {"Zangezur"}  # "Зангезурский"
    assert _sig(s.CORRIDOR_AZ, groups=True).groups == {"Zangezur", "Liu Jianchao"}
    assert _sig(s.WEATHER_RU, groups=True).groups == frozenset()
    assert [g.label for g in term_groups(["a|b", " ", "A", "c"])] == ["a", "c"]


def test_a_wave_needs_two_outlets_the_same_story_and_the_window() -> None:
    en, ru, az = _sig(s.CORRIDOR_EN), _sig(s.CORRIDOR_RU), _sig(s.CORRIDOR_AZ)
    removals = [
        _removal(1, "en.example", 0, en),
        _removal(2, "ru.example", 3, ru),
        _removal(3, "en.example", 1, _sig(s.FOOTBALL_EN)),  # unrelated, same hour
        _removal(4, "ru.example", 1, _sig(s.WEATHER_RU)),
        _removal(5, "az.example", 30, az),  # the same story, but a day later
    ]
    [wave] = find_clusters(removals, DAY)
    assert wave.change_ids == (1, 2)
    assert wave.outlets == ("en.example", "ru.example")
    assert (wave.started_at, wave.ended_at) == (T0, T0 + timedelta(hours=3))
    assert wave.terms == ()
    assert find_clusters(removals, timedelta(hours=2)) == []
    one_outlet = [_removal(1, "en.example", 0, en), _removal(2, "en.example", 1, en)]
    assert find_clusters(one_outlet, DAY) == []


def test_a_shared_term_group_links_different_stories() -> None:
    passage = sign("Chinese companies were welcome to take part in the Zangezur corridor.")
    grouped = sign(
        "Chinese companies were welcome to take part in the Zangezur corridor.", groups=GROUPS
    )
    report = _sig(s.CORRIDOR_RU, groups=True)
    assert not same_story(passage, report)
    assert find_clusters([_removal(1, "a", 0, passage), _removal(2, "b", 2, report)], DAY) == []
    [wave] = find_clusters([_removal(1, "a", 0, grouped), _removal(2, "b", 2, report)], DAY)
    assert wave.terms == ("Zangezur",)


def test_outlets_keeping_the_story_are_still_published_not_members() -> None:
    wave = [_sig(s.CORRIDOR_EN), _sig(s.CORRIDOR_RU)]
    candidates = [
        (10, "az.example", _sig(s.CORRIDOR_AZ)),
        (11, "az.example", _sig(s.HIGHWAY_AZ)),
        (12, "en.example", _sig(s.CORRIDOR_EN_COPY)),  # a member outlet's other copy
    ]
    assert still_published(wave, ["en.example", "ru.example"], candidates) == [10]


def test_signatures_survive_storage() -> None:
    sig = _sig(s.CORRIDOR_AZ, groups=True)
    assert StorySignature.from_json(sig.to_json()) == sig


def _change(kind: ChangeKind, diff: Diff | None = None) -> Change:
    severity = diff.severity if diff else None
    return Change("u", "o", T0, kind, 1, 2, "", severity=severity, diff=diff)


def test_what_a_change_removed() -> None:
    deleted = _change(ChangeKind.DELETED)
    assert removed_text(deleted, "Body.", "Title") == "Title\nBody."
    edit = Diff(
        Severity.SUBSTANTIVE,
        sentences_removed=("Gone.",),
        sentences_added=("New.",),
        sentences_changed=(TextPair("Before.", "After."),),
    )
    assert removed_text(_change(ChangeKind.EDITED, edit), "x", None) == "Gone.\nBefore."
    added_only = Diff(Severity.SUBSTANTIVE, sentences_added=("New.",))
    assert removed_text(_change(ChangeKind.EDITED, added_only), "x", None) == ""
    minor = Diff(Severity.MINOR, sentences_changed=(TextPair("Teh.", "The."),))
    assert removed_text(_change(ChangeKind.EDITED, minor), "x", None) == ""


def test_index_candidates_need_several_shared_keys_and_leave_out_members() -> None:
    postings = {"a": [1, 2, 3], "b": [1, 2], "c": [1, 2, 4], "d": [4]}
    assert candidate_ids(["a", "b", "c", "d"], postings) == [1, 2]
    assert candidate_ids(["a", "b", "c", "d"], postings, exclude=[1]) == [2]
    assert candidate_ids(["a", "b"], postings) == []


def test_the_agency_passage_cut_and_the_deleted_report_are_one_wave() -> None:
    """The case behind the project: one outlet deletes its report, the agency cuts the same
    passage from a longer article; no term group is needed to see it is one story."""
    before = Document(title=ORIGINAL.title, paragraphs=ORIGINAL.paragraphs, language="en")
    after = Document(title=SCRUBBED.title, paragraphs=SCRUBBED.paragraphs, language="en")
    diff = compare_documents(before, after)
    assert diff is not None
    cut = removed_text(_change(ChangeKind.EDITED, diff), "", None)
    report = f"{DELETED_REPORT.title}\n" + "\n".join(DELETED_REPORT.paragraphs)
    removals = [
        _removal(1, "ledger.example", 0, sign(report)),
        _removal(2, "sputnik.example", 5, sign(cut)),
        _removal(3, "other.example", 1, _sig(s.FOOTBALL_EN)),
    ]
    [wave] = find_clusters(removals, DAY)
    assert wave.change_ids == (1, 2)
    # What stayed in the agency's article is another story: it keeps no wave's text.
    assert not same_story(sign("\n".join(SCRUBBED.paragraphs)), sign(report))
