"""Stories for the scrub-wave tests: one report in English, Russian and Azerbaijani, agency
copy of it rewritten by a second English outlet, and stories that must not join a wave (other
news deleted at the same time, other events on the same topic)."""

from __future__ import annotations

CORRIDOR_TERMS = "Zangezur|Зангезур|Zəngəzur"

CORRIDOR_EN = (
    "Chinese companies to build the Zangezur corridor",
    (
        "Chinese state companies will build the Zangezur corridor linking Azerbaijan to its "
        "Nakhchivan exclave, Liu Jianchao told reporters in Baku on Tuesday.",
        "The China Communications Construction Company will lead a consortium that plans to "
        "invest $3.7 billion in the road and railway, with the first trains due in 2030.",
        "Liu Jianchao said the route through the Syunik region of Armenia would carry "
        "12 million tonnes of freight a year once it is complete.",
        "Officials in Yerevan did not comment on the announcement, which came a week before "
        "President Ilham Aliyev travels to Beijing.",
    ),
)

# The same agency copy as another English outlet ran it: new lead, one paragraph cut.
CORRIDOR_EN_COPY = (
    "China to build Zangezur corridor, envoy says",
    (
        "A Chinese consortium is set to build the disputed transport link, an envoy said.",
        "Chinese state companies will build the Zangezur corridor linking Azerbaijan to its "
        "Nakhchivan exclave, Liu Jianchao told reporters in Baku on Tuesday.",
        "The China Communications Construction Company will lead a consortium that plans to "
        "invest $3.7 billion in the road and railway, with the first trains due in 2030.",
        "Liu Jianchao said the route through the Syunik region of Armenia would carry "
        "12 million tonnes of freight a year once it is complete.",
    ),
)

CORRIDOR_RU = (
    "Китайские компании построят Зангезурский коридор",
    (
        "Китайские государственные компании построят Зангезурский коридор, который соединит "
        "Азербайджан с Нахичеванью, заявил во вторник в Баку Лю Цзяньчао.",
        "Консорциум во главе с China Communications Construction Company вложит в дорогу и "
        "железную дорогу 3,7 млрд долларов, первые поезда пойдут в 2030 году.",
        "По словам Лю Цзяньчао, маршрут через Сюникскую область Армении сможет перевозить "
        "12 млн тонн грузов в год.",
        "В Ереване заявление не прокомментировали; через неделю Ильхам Алиев летит в Пекин.",
    ),
)

CORRIDOR_AZ = (
    "Çin şirkətləri Zəngəzur dəhlizini tikəcək",
    (
        "Çin dövlət şirkətləri Azərbaycanı Naxçıvan ilə birləşdirən Zəngəzur dəhlizini "
        "tikəcək, Liu Jianchao çərşənbə axşamı Bakıda jurnalistlərə bildirib.",
        "China Communications Construction Company başda olmaqla konsorsium yol və dəmir "
        "yoluna 3,7 milyard dollar sərmayə qoyacaq, ilk qatarlar 2030-cu ildə işləyəcək.",
        "Liu Jianchao deyib ki, Ermənistanın Sünik bölgəsindən keçən marşrut ildə 12 milyon "
        "ton yük daşıyacaq.",
        "Prezident İlham Əliyev bir həftə sonra Pekinə səfər edəcək.",
    ),
)

FOOTBALL_EN = (
    "Neftchi beat Qarabag in the Baku derby",
    (
        "Neftchi won the Baku derby 2-1 on Sunday night in front of 28,000 fans at the "
        "Tofiq Bahramov stadium.",
        "Goals from Emin Mahmudov and a late header by Ramil Sheydayev settled the match "
        "after Qarabag had equalised through Abdellah Zoubir.",
        "The win lifts Neftchi to second place in the Premier League table, four points "
        "behind the leaders with nine rounds left to play.",
    ),
)

WEATHER_RU = (
    "В Москве ожидаются сильные снегопады",
    (
        "Синоптики Гидрометцентра предупреждают о сильных снегопадах в Москве и Подмосковье "
        "в ближайшие выходные.",
        "По словам Романа Вильфанда, за двое суток выпадет до 45 процентов месячной нормы "
        "осадков, а температура опустится до минус 15 градусов.",
        "Городские службы вывели на улицы более 11 тысяч единиц снегоуборочной техники.",
    ),
)

# Same topic as the corridor report (the route, Armenia, Azerbaijan), different events.
BORDER_TALKS_EN = (
    "Pashinyan says any Zangezur route must respect Armenian sovereignty",
    (
        "Prime Minister Nikol Pashinyan said on Thursday that Armenia would open regional "
        "roads only under its own border and customs control.",
        "Speaking in the National Assembly in Yerevan, Pashinyan rejected the term Zangezur "
        "corridor and said the Crossroads of Peace plan offered Azerbaijan the same access.",
        "The delimitation commissions led by Mher Grigoryan and Shahin Mustafayev will meet "
        "again in Tbilisi in March.",
    ),
)

HIGHWAY_AZ = (
    "Horadiz–Ağbənd avtomobil yolunun yeni hissəsi açıldı",
    (
        "Horadiz–Ağbənd avtomobil yolunun 42 kilometrlik yeni hissəsi bazar ertəsi "
        "istifadəyə verildi, Azərbaycan Avtomobil Yolları Dövlət Agentliyi bildirib.",
        "Layihəni Azvirt şirkəti 2021-ci ildə başlayıb; yol Zəngilan rayonundan keçir və "
        "Ermənistan sərhədinə qədər uzanır.",
        "Agentliyin sədri Saleh Məmmədov deyib ki, qalan 81 kilometr gələn il tamamlanacaq.",
    ),
)

# An article that only mentions the corridor in passing: its edit removes that passage.
VISIT_EN = (
    "Aliyev praises China ties before Beijing visit",
    (
        "President Ilham Aliyev praised relations with China in an interview on Monday, days "
        "before his state visit to Beijing.",
        "Aliyev said trade between the two countries had reached $4.5 billion last year.",
        "He added that Chinese companies were welcome to take part in the Zangezur corridor.",
        "The visit is expected to produce agreements on green energy and logistics.",
    ),
)
