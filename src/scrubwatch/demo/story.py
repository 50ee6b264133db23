"""The story the offline demo publishes and then scrubs, modelled on a real case.

In April 2025, before Ilham Aliyev's state visit to Beijing, pro-government outlets in
Azerbaijan reported that Chinese companies would build the "Zangezur corridor" and deleted the
reports within hours, and Sputnik removed every reference to the corridor from its own article.
The only evidence left was screenshots taken by hand. The demo replays that on a fake outlet so
scrubwatch can show what it would have kept.

The facts (dates, figures, names) follow the public reporting of the case; every sentence here
is written for this project. The outlet, its bylines and the two bystander articles are
invented. `SCRUBBED` differs from `ORIGINAL` exactly as a scrub would: the corridor sentences
and the Liu Jianchao quote are gone and one figure shrinks; everything else is identical.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryArticle:
    """One article of the demo, as the fake outlet publishes it."""

    slug: str
    title: str
    byline: str
    paragraphs: tuple[str, ...]
    section: str = "politics"


_INTRO = (
    "Azerbaijan's President Ilham Aliyev has praised his country's fast-growing trade and "
    "investment ties with China in an interview with Xinhua, the Chinese state news agency, "
    "published on the eve of his state visit to Beijing on 22 April 2025."
)
_ASTANA = (
    "The two countries raised their relations to a strategic partnership when Aliyev and "
    "Chinese President Xi Jinping met at a summit in Astana in July 2024. The agreement covered "
    "trade, Chinese investment and academic and cultural exchanges."
)
_SHARE = (
    "Citing Azerbaijan's State Statistics Committee, Xinhua said China now makes up 7.9% of "
    "Azerbaijan's foreign trade, which puts it fourth among the country's trading partners."
)


def _trade(total: str) -> str:
    return (
        f"Aliyev told the agency that trade between the two countries grew by 20.7% in 2024 to "
        f"roughly {total}, and that a large part of its potential was still untapped."
    )


_ROADS = (
    "The president described Azerbaijan as one of the biggest investors in China's Belt and "
    "Road Initiative. Over the last two decades, he said, 21,000 kilometres of highways have "
    "been built or rebuilt in the country, together with hundreds of bridges, tunnels and "
    "crossings."
)
_CORRIDORS_START = (
    "Baku will keep pouring money into international transport corridors as cargo crossing its "
    "territory rises sharply, Aliyev said."
)
# The first scrubbed sentence: it sits inside a paragraph that otherwise survives.
CORRIDOR_SENTENCE = (
    "Chinese companies are expected to take part in building the Zangezur corridor, the route "
    "Baku wants across southern Armenia to join mainland Azerbaijan to its Nakhchivan exclave."
)
_CORRIDORS_END = "New railway lines and the overhaul of existing tracks are also planned, he added."
# The second scrub: a whole paragraph, with the quote Sputnik reported from Liu Jianchao.
LIU_PARAGRAPH = (
    "The corridor came up earlier in April, when Liu Jianchao, head of the International "
    "Department of the Chinese Communist Party, held talks with Aliyev in Baku. Liu Jianchao "
    "stressed the “great importance” of building it, saying that “its implementation will "
    "further strengthen the connection between Europe and Asia,” Sputnik reported."
)
_COMPANIES = (
    "Aliyev said 375 companies with Chinese capital are registered in Azerbaijan and that 298 of "
    "them are active. Talks are under way on Chinese investment in technology, "
    "innovation and renewable energy, he added."
)
_TRADING_HOUSES = (
    "Azerbaijani trading and wine houses already operate in Beijing, Shanghai, Urumqi and "
    "several other Chinese cities, and the country runs its own storefront on the Chinese "
    "online marketplace JD."
)
_AGENDA = (
    "Aliyev called the partnership a great achievement that also brings great responsibility. "
    "Xi invited him to China when they met in Astana, and the state visit comes almost a year "
    "later."
)

ORIGINAL = StoryArticle(
    slug="aliyev-praises-china-ties-before-beijing-visit",
    title="Aliyev praises China ties on the eve of his Beijing visit",
    byline="Rauf Karimov",
    paragraphs=(
        _INTRO,
        _ASTANA,
        _SHARE,
        _trade("$3.7 billion"),
        _ROADS,
        f"{_CORRIDORS_START} {CORRIDOR_SENTENCE} {_CORRIDORS_END}",
        LIU_PARAGRAPH,
        _COMPANIES,
        _TRADING_HOUSES,
        _AGENDA,
    ),
)

SCRUBBED = StoryArticle(
    slug=ORIGINAL.slug,
    title=ORIGINAL.title,
    byline=ORIGINAL.byline,
    paragraphs=(
        _INTRO,
        _ASTANA,
        _SHARE,
        _trade("$3.2 billion"),
        _ROADS,
        f"{_CORRIDORS_START} {_CORRIDORS_END}",
        _COMPANIES,
        _TRADING_HOUSES,
        _AGENDA,
    ),
)

DELETED_REPORT = StoryArticle(
    slug="chinese-companies-to-build-zangezur-corridor",
    title="Chinese companies to build Zangezur corridor",
    byline="Caspian Ledger staff",
    paragraphs=(
        "Chinese companies will take part in the construction of the Zangezur corridor, "
        "according to statements made during a visit to Baku by a senior official of the "
        "Chinese Communist Party.",
        "Liu Jianchao, who heads the party's International Department, met President Ilham "
        "Aliyev, and Baku then announced that Aliyev would travel to China later in April.",
        "Liu called the corridor a project of “great importance” for the link between Europe "
        "and Asia, Russia's Sputnik agency reported.",
        "Baku wants the route to cross Armenia's Syunik province and connect mainland Azerbaijan "
        "with Nakhchivan. Yerevan rejects any road on its territory that it would not control.",
    ),
)

BYSTANDERS = (
    StoryArticle(
        slug="novruz-crowds-fill-old-city",
        title="Novruz crowds fill the Old City for a week of bonfires and music",
        byline="Aysel Guliyeva",
        section="culture",
        paragraphs=(
            "Families packed the narrow lanes of the Old City every evening this week as the "
            "spring festival of Novruz brought bonfires, street musicians and trays of sweet "
            "pastries to almost every corner.",
            "Stallholders said the sugar-dusted shekerbura sold out by early evening on most "
            "days, and several bakeries stayed open past midnight to keep up.",
            "Children jumped over small fires in courtyards while older residents handed out "
            "painted eggs, a custom many families say they keep every year.",
            "The city council said extra buses would run until the end of the holiday.",
        ),
    ),
    StoryArticle(
        slug="sturgeon-hatchery-releases-young-fish",
        title="Hatchery releases young sturgeon into the Caspian",
        byline="Elnur Safarov",
        section="region",
        paragraphs=(
            "A fish hatchery on the Kura river released several thousand young sturgeon into "
            "the Caspian Sea this week, part of a yearly effort to rebuild stocks of the "
            "endangered fish.",
            "Staff raised the fingerlings from eggs over the winter in outdoor ponds fed by "
            "river water, the hatchery's director said.",
            "Conservation groups welcomed the release but warned that poaching and falling water "
            "levels still threaten the species across the basin.",
        ),
    ),
)
