"""Literal articles for end-to-end tests (our own prose, facts from the seed case)."""

from __future__ import annotations

TITLE = "Aliyev heads to Beijing as trade with China grows"
BYLINE = "Test Reporter"
PARAGRAPHS = (
    "Azerbaijan's president Ilham Aliyev is due in Beijing on Tuesday for a state visit, "
    "his office said on Monday, after an interview with the Xinhua news agency.",
    "China now accounts for 7.9% of Azerbaijan's foreign trade, according to figures the "
    "agency cited from the State Statistics Committee in Baku.",
    "Officials said Chinese companies would build sections of the Zangezur corridor. "
    "The Zangezur corridor would link mainland Azerbaijan with its Nakhchivan exclave.",
    "“Our companies are ready to take part in the Zangezur corridor,” said Liu Jianchao "
    "during a meeting with Azerbaijani officials.",
    "Chinese investment in Azerbaijan has reached $3.7 billion over the past two decades, "
    "the agency reported, with more than 375 Chinese companies registered in the country.",
    "The two governments are expected to sign several agreements on transport, energy and "
    "education during the visit, which lasts three days.",
)
# The scrub: the corridor passage and the quote go, a figure shrinks, the rest stays.
SCRUBBED = (
    PARAGRAPHS[0],
    PARAGRAPHS[1],
    "Chinese investment in Azerbaijan has reached $3.2 billion over the past two decades, "
    "the agency reported, with more than 375 Chinese companies registered in the country.",
    PARAGRAPHS[5],
)
REMOVED_SENTENCE = "Officials said Chinese companies would build sections of the Zangezur corridor."

OTHER_TITLE = "Baku port handles record cargo volume"
OTHER = (
    "The port of Baku handled a record volume of cargo last year, its managers said on "
    "Friday, as trade along the Middle Corridor kept growing.",
    "Container traffic rose by more than a fifth, driven by shipments between China and "
    "Europe that avoid routes through Russia.",
    "The port plans to expand its terminal at Alat by the end of the decade, adding new "
    "berths and a rail connection to the Georgian border.",
    "Analysts said the growth depended on stable tariffs and faster customs checks at the "
    "Caspian crossings between Kazakhstan and Azerbaijan.",
)
