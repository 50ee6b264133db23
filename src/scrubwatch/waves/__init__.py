"""Scrub waves: one story (or watched term) scrubbed by several outlets is one event.

Pure, no I/O. `signature` says what a text is about in a form that compares across outlets
and scripts; `cluster` groups removals of several outlets into waves and finds the outlets
that still publish the story; `record` is a wave as the faces show it (and its JSON). The
store keeps signatures and waves; `pipeline.waves` updates them after each pass.
"""

from scrubwatch.waves.cluster import (
    Cluster,
    Removal,
    candidate_ids,
    find_clusters,
    still_published,
)
from scrubwatch.waves.record import WaveMember, WaveRecord, wave_to_json
from scrubwatch.waves.signature import (
    StorySignature,
    index_keys,
    resemblance,
    same_story,
    sign,
)

__all__ = [
    "Cluster",
    "Removal",
    "StorySignature",
    "WaveMember",
    "WaveRecord",
    "candidate_ids",
    "find_clusters",
    "index_keys",
    "resemblance",
    "same_story",
    "sign",
    "still_published",
    "wave_to_json",
]
