"""Questions about people, periods and series, told apart from topic questions and
answered from the archive's directory and dates.

- a person: "Qu'a dit Nadia Cherif ?", "What did the Transilys speaker say about nudges?",
  "Qui est Guy Fagherazzi ?" → their sessions and what they said there;
- who spoke: "Qui est intervenu sur le dark social ?" → the speakers of the sessions
  found, with their organisation;
- periods and series: "Quelles sessions en 2020 ?", "the latest Cercle Dircoms",
  "les sessions Social Data depuis 2021" → a dated list, newest first;
- a person, organisation, series or period the archive does not hold → a refusal naming it.

Anything else is a topic question: `QuestionRouter.answer` returns None and the
answerer searches as before. The router reads the question as the answerer analysed
it (`smcbot.text.Query`: its words and their forms), and asks the retriever whether
the archive holds a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from smcbot.dates import MONTHS, format_date, session_label
from smcbot.directory import Directory, Person, mentions, mentions_folded
from smcbot.errors import QuestionError
from smcbot.index import ArchiveIndex
from smcbot.models import Answer, Article, Quote, SessionQuotes, Source
from smcbot.people import Unit, moderators_in, units_of
from smcbot.quoting import UNSIGNED, clip
from smcbot.replies import refusal
from smcbot.retrieval import HybridRetriever, SearchFilters, SearchResult
from smcbot.series import series_key
from smcbot.text import (
    Query,
    asks_who_ran,
    content_words,
    expansions,
    fold,
    stems,
    who_ran_rest,
    without_who_ran_it,
)
from smcbot.wording import say

# How many words after "who hosts" may name the series asked about ("the Tous
# plateformisés talks", "le cycle Sciences et réseaux sociaux").
SERIES_NAMED_WITHIN = 6

MONTH_NAMES = {
    "janvier": 1, "january": 1, "jan": 1, "janv": 1, "fevrier": 2, "february": 2, "feb": 2, "fevr": 2,
    "mars": 3, "march": 3, "avril": 4, "april": 4, "avr": 4, "apr": 4, "mai": 5, "may": 5,
    "juin": 6, "june": 6, "juillet": 7, "july": 7, "juil": 7, "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "september": 9, "sept": 9, "sep": 9, "octobre": 10, "october": 10, "oct": 10,
    "novembre": 11, "november": 11, "nov": 11, "decembre": 12, "december": 12, "dec": 12,
}  # fmt: skip
SEASONS = {
    "printemps": (3, 5), "spring": (3, 5), "ete": (6, 8), "summer": (6, 8),
    "automne": (9, 11), "autumn": (9, 11), "fall": (9, 11), "hiver": (12, 2), "winter": (12, 2),
}  # fmt: skip
MONTH = "(?:" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True)) + r")\.?"
SEASON = "(?:" + "|".join(SEASONS) + ")"
YEAR = r"(?:19|20)\d{2}"

WHO_SPOKE = re.compile(
    r"\bqui\s+(?:est|sont|etait|etaient|a|ont|avait)\s+(?:(?:deja|donc)\s+)?"
    r"(?:intervenu|intervenue|intervenus|intervenues|venu|venue|venus|parle|participe|anime|pris\s+la\s+parole)\b"
    r"|\bqui\s+(?:etait|etaient|sont|est|etaient)\s+(?:les\s+)?(?:intervenant|intervenants|invites|orateurs|panelistes)\b"
    r"|\bqui\s+(?:etait|etaient|est|sont)\s+autour\s+de\s+la\s+table\b"
    r"|\bquels?\s+(?:etaient|sont|furent)?\s*(?:les\s+)?(?:intervenants|invites)\b"
    r"|\bwho\s+(?:spoke|talked|presented|took\s+part|participated|attended|was\s+on\s+the\s+panel|were\s+the\s+speakers"
    r"|are\s+the\s+speakers|were\s+the\s+panell?ists|was\s+speaking|were\s+on\s+the\s+panel)\b"
    r"|\b(?:which|what)\s+speakers\b|\bthe\s+speakers\s+(?:at|of|on|for|about)\b"
)
PERSON = [
    re.compile(
        r"\bqu'?(?:a|ont|avait|avaient)(?:-t-(?:il|elle|ils|elles)|-(?:ils|elles))?\s+(?:dit|raconte|explique)\s+(?P<who>.+)"
    ),
    re.compile(r"\bque\s+(?:dit|disait|pense|pensait|raconte|racontait|explique|expliquait)\s+(?P<who>.+)"),
    re.compile(r"\bqu'?en\s+(?:pense|pensait|dit|disait)\s+(?P<who>.+)"),
    re.compile(r"\bqui\s+(?:est|etait)\s+(?P<who>.+)"),
    re.compile(r"\bdans\s+quel(?:le)?s?\s+sessions?\s+(?P<who>.+?)\s+(?:est|a|etait|sont|ont)(?:-(?:il|elle)s?)?\s"),
    re.compile(
        r"\bwhat\s+(?:did|does|has|had|do)\s+(?P<who>.+?)\s+(?:say|said|think|thought|tell|told|explain|talk)\b"
    ),
    re.compile(r"\bwho\s+(?:is|was)\s+(?P<who>.+)"),
    re.compile(
        r"\b(?:which|what)\s+sessions?\s+(?:did|has|have)\s+(?P<who>.+?)\s+(?:speak|take|attend|appear|talk|join)"
    ),
    re.compile(r"\bwhich\s+(?P<who>.+?)\s+(?:people|speakers|staff|employees)\b"),
]
WHO_SPOKE_RATIO = 0.75
# "Le prochain Cercle Dircoms", "the next meetup": an event still to come is not in an
# archive of sessions held.
UPCOMING = re.compile(r"\b(?:prochaine?s?|next|upcoming|a venir|coming up)\b")
# "Vous vous réunissez où ?", "where does the club usually meet?": where the club meets
# is practical information, not in the write-ups of its sessions. Read on folded text,
# where "où" is "ou" ("or"): the place word must stand beside the club's meeting.
_CLUB = r"(?:le club|le smc|le social media club|les membres|on)"
_MEETS_FR = (
    r"(?:vous vous (?:reunissez|retrouvez)|vous (?:reunissez|retrouvez)-vous(?= a\b| au\b| en\b|\s*[?.!]|\s*$)"
    r"|" + _CLUB + r" se (?:reunit|retrouve|reunissent|retrouvent)"
    r"|(?:les sessions|les rencontres|les soirees|les tables rondes|vos sessions)"
    r" (?:ont lieu|se tiennent|se deroulent))"
)
_GATHERINGS = r"(?:sessions|rencontres|soirees|tables rondes|evenements|afterworks)"
_CLUB_EN = r"(?:you(?: guys| all| folks| people)?|y'all|we|(?:the )?(?:(?:social media )?club|smc)|(?:the )?members)"
MEETING_PLACE = re.compile(
    r"\bou (?:est-ce qu(?:e|')?\s*)?(?:"
    + _MEETS_FR
    + r"|se (?:reunit|retrouve|reunissent|retrouvent) "
    + _CLUB
    + r"|(?:ont lieu|se tiennent|se deroulent) (?:les|vos) (?:sessions|rencontres|soirees|tables rondes))\b"
    r"|\b" + _MEETS_FR + r" ou\b(?! pas\b| non\b)"
    r"|\bc'?\s?est ou (?:les|vos) " + _GATHERINGS + r"\b(?![^?]*\bou\b)"  # not "c'est ou X, ou Y ?"
    r"|\b(?:les|vos) " + _GATHERINGS + r",? c'?\s?est ou\b(?![^?]*\bou\b)"
    r"|\bwhere (?:do|does) " + _CLUB_EN + r" (?:usually |normally |generally |often )?(?:meet|gather|get together)"
    r"(?= in\b| at\b| these days\b| now\b|\s*[?.!]|\s*$)"
    r"|\bwhere (?:do|does) "
    + _CLUB_EN
    + r" (?:usually |normally )?(?:hold|host|run|organi[sz]e) (?:its|your|their|our|the)"
    r" (?:sessions|meetups|meetings|events|round ?tables)(?=\s*(?:[?.!]|$| in\b| at\b| these days\b| now\b))"
    # "où le club organise ses soirées ?" at the question's start ("… une agence ou vous
    # organisez vos soirées vous-mêmes ?" is "or")
    r"|(?:^|[,;:?!.]\s*)ou (?:est-ce que )?(?:le club|vous) (?:organise|organisez|tient|tenez) (?:ses|vos) "
    + _GATHERINGS
    + r"\b"
    r"|\bwhere (?:are|is) (?:the|your) (?:sessions|meetups|meetings|events|round ?tables)"
    r" (?:usually )?(?:held|hosted)\b"
)
# "Comment on adhère au club ?", "how much is the membership fee?": joining the club and
# what it costs are practical information, not in the write-ups. The club must be the one
# asked about: "le club", "the club" named no further, the SMC, or membership as such;
# another body's membership (an astronomy club's, the Guardian's, "les cotisations
# sociales" of a freelance) is a session's subject.
_THE_CLUB = (
    r"(?:(?:au |le |du |the |your |this )?(?:smc|social media club)\b"
    r"|(?:au |le |du |the |your |this )club(?=\s*(?:[?.!,]|$)))"  # a club named no further: ours
)
# What may follow a membership asked as such: its price, nothing else named.
_ITS_PRICE = r"(?:c'est |elle est |est |coute |ca coute |elle coute |is |costs? )?"
JOINING = re.compile(
    r"\b(?:comment|pour) (?:on |je |faire pour |peut-on |puis-je )?(?:adherer|adhere|adherez|devenir membre)"
    r"(?:,? " + _THE_CLUB + r"|\s*[?.!]|\s*$)"
    r"|\b(?:adherer|adhere|adherez|devenir membre|cotiser|cotise|adhesion)\b[^?.!]{0,20}\b"
    + _THE_CLUB
    # "la cotisation c'est combien ?", "l'adhésion est payante ?", "combien coûte l'adhésion ?"
    + r"|\b(?:l'|la )?(?:adhesion|cotisation)(?: (?:au|du) (?:club|smc))?,? "
    + _ITS_PRICE
    + r"(?:combien|payante|gratuite|quel prix)(?=\s*(?:[?.!,]|$))"
    r"|\b(?:combien|prix|tarif) (?:coute |de |pour |est )?(?:l'|la |une )?(?:adhesion|cotisation)"
    r"(?: (?:au|du) (?:club|smc))?\s*(?:[?.!]|$)"
    r"|\b(?:join|become a member of|sign up (?:to|for)|membership (?:of|in)) "
    + _THE_CLUB
    + r"|\bhow (?:do|can) (?:i|we|you) (?:become a member|join)\s*(?:[?.!,]|$)"
    # "how much is the membership fee?", not "the Guardian's membership fees"
    r"|(?:^|\b(?:the|your|a|is|what's|whats|are) )(?:annual |yearly |monthly |student )?membership"
    r" (?:fee|fees|cost|costs|price|prices|dues)"
    r"(?=\s*(?:[?.!,]|$| and\b))"
    r"|\bhow much (?:is|does) (?:the )?membership(?=\s*(?:[?.!,]|$| and\b| cost\s*(?:[?.!,]|$)))"
)
# Another club or association named ("the astronomy club", "le club d'astronomie"): its
# members and fees are what a session may tell.
OTHER_CLUB = re.compile(
    r"\b(?!(?:the|your|this|our|media|au|le|du|ce|votre|notre) )\w+ club\b|\bclub (?:d'|de |des |du )\w"
)
EVENT_WORDS = re.compile(
    r"\b(?:sessions?|tables? rondes?|round ?tables?|meetups?|evenements?|events?|soirees?|rencontres?"
    r"|afterworks?|conferences?|talks?|rendez-vous|dates?)\b"
)
TOPIC_SPLIT = re.compile(
    r"\s+(?:sur|a\s+propos\s+d[eu']?|au\s+sujet\s+d[eu']?|concernant|about|on|regarding|des|du)\s+|\s*[?!,]"
)
LIST_WORDS = set(
    """
    session sessions liste lister list listing cycle cycles series serie episode episodes rencontre rencontres
    seance seances edition editions numero number n° evenement evenements event events tables
    """.split()
)
SERIES_QUESTION = re.compile(
    r"\b(?:quels?\s+(?:sont\s+)?(?:les\s+)?cycles|les\s+cycles\s+d[ue]|(?:which|what)\s+series"
    r"|list(?:e|er)?\s+(?:of\s+|des\s+|les\s+)?(?:the\s+|all\s+)?(?:cycles|series)\b)"
)
CAPITALISED_RUN = r"[A-ZÀ-Þ][\w'’\-]*(?:\s+[A-ZÀ-Þ][\w'’\-]*)*"
LISTED_NAME = re.compile(
    rf"(?P<before>{CAPITALISED_RUN})\s+(?:sessions?|séances?|rencontres?|épisodes?|episodes?)\b"
    rf"|\b(?:sessions?|séances?|rencontres?)\s+(?:du\s+|de\s+|d['’]\s*)?(?:cycle\s+)?(?P<after>{CAPITALISED_RUN})"
)
LIST_VERB = re.compile(r"\b(?:list|liste|lister|listez|listing|enumere|enumerer)\b")
NEWEST = {"derniere", "dernier", "dernieres", "derniers", "latest", "last", "recent", "recente", "recentes", "recents"}
OLDEST = {"premiere", "premier", "first", "earliest"}
NOISE = set(
    """
    session sessions liste lister list cycle cycles series serie episode episodes rencontre rencontres seance
    seances edition editions numero number held hold holds took take place lieu eu tenu tenue tenues tenus
    organise organisee organisees organises club smc quelles quels which what all toutes tous belong
    belongs appartiennent appartient parlait parlaient porte portait portaient about quoi were was did
    between entre since depuis after apres before avant from de during pendant ete ont latest last first
    derniere dernier dernieres derniers premiere premier recent recente recentes recents year annee
    month mois quelle quel give donne donner montre show me moi toutes tout the en in of
    intervenants intervenant intervenu intervenue intervenus speakers speaker spoke table ronde tables
    rondes autour panel participe participated took part parler talk talked pour etaient etait sont
    qui who invites people personnes gens round roundtable soiree soirees evening meeting meetup talks
    svp stp please plz bonjour hello hi merci thanks thx
    """.split()
)


@dataclass(frozen=True)
class Period:
    """A span of days a question asks about, and how to say it."""

    since: date | None
    until: date | None
    label: dict[str, str]
    # The season it was named by, in each language, with its year ("ete 2022", "summer
    # 2022"): a session looking back on it months later names it so.
    season: tuple[str, ...] = ()


def dates_label(filters: SearchFilters) -> dict[str, str]:
    """How a reply names the days filters were given as dates: "in 2024" for a whole year,
    else "from 1 March 2024 to 30 June 2024", "since 1 March 2024" or "until 30 June 2024"."""
    since, until = filters.since, filters.until
    if (
        since
        and until
        and since.year == until.year
        and (since, until) == (date(since.year, 1, 1), date(until.year, 12, 31))
    ):
        return {"fr": f"en {since.year}", "en": f"in {since.year}"}
    first = {language: format_date(since, language) for language in MONTHS}
    last = {language: format_date(until, language) for language in MONTHS}
    if since and until:
        return {"fr": f"du {first['fr']} au {last['fr']}", "en": f"from {first['en']} to {last['en']}"}
    if since:
        return {"fr": f"depuis le {first['fr']}", "en": f"since {first['en']}"}
    return {"fr": f"jusqu'au {last['fr']}", "en": f"until {last['en']}"}


def _fold_keep(text: str) -> str:
    """`fold` letter by letter, so positions in the result are positions in `text`."""
    out = []
    for char in text:
        folded = fold(char) or char
        out.append(folded[0] if len(folded) >= 1 else char)
    return "".join(out)


def _n(count: int, language: str) -> str:
    """ "3 sessions", "1 session" (the same word in French and English)."""
    return f"{count} session{'' if count == 1 else 's'}"


# Names in the wording table of the sentences this module says, where they differ.
WORDING_KEYS = {"recent": "recent_sessions"}


def text_of(key: str, language: str, **values: object) -> str:
    """An answer sentence in French or English, from the one wording table."""
    return say(WORDING_KEYS.get(key, key), language, **values)


# --- periods ------------------------------------------------------------------------------


def parse_period(question: str) -> Period | None:
    """The period a question names: "en 2020", "juin 2019", "spring 2021", "depuis 2021",
    "between October and December 2020"; None when it names none."""
    q = fold(question)
    if match := re.search(
        rf"\b(?:between|entre|from|d[eu]|d')\s*({MONTH})\s+(?:and|et|to|a|au)\s+({MONTH})\s+({YEAR})\b", q
    ):
        first, last, year = MONTH_NAMES[match[1].rstrip(".")], MONTH_NAMES[match[2].rstrip(".")], int(match[3])
        return _months(year, first, year, last)
    if match := re.search(rf"\b({SEASON})\s+(?:de\s+|of\s+|d')?({YEAR})\b", q):
        first, last = SEASONS[match[1]]
        year = int(match[2])
        names = tuple(f"{name} {year}" for name, months in SEASONS.items() if months == (first, last))
        return replace(_months(year, first, year + (1 if last < first else 0), last), season=names)
    if match := re.search(rf"\b({MONTH})\s+({YEAR})\b", q):
        month, year = MONTH_NAMES[match[1].rstrip(".")], int(match[2])
        return _months(year, month, year, month)
    if match := re.search(rf"\b(?:since|depuis|after|apres|a\s+partir\s+de)\s+({YEAR})\b", q):
        year = int(match[1])
        return Period(date(year, 1, 1), None, {"fr": f"depuis {year}", "en": f"since {year}"})
    if match := re.search(rf"\b(?:before|avant)\s+({YEAR})\b", q):
        year = int(match[1])
        return Period(None, date(year - 1, 12, 31), {"fr": f"avant {year}", "en": f"before {year}"})
    if match := re.search(rf"\b({YEAR})\b", q):
        year = int(match[1])
        return Period(date(year, 1, 1), date(year, 12, 31), {"fr": f"en {year}", "en": f"in {year}"})
    return None


# A year that dates the question ("in 2024", "en juin 2019", "back in 2019"), not one that
# names a thing ("the 2016 election", "la loi de 2023 sur les influenceurs" is "de 2023"
# after a noun, so only a preposition right before the date counts).
DATING = re.compile(
    rf"\b(?:in|en|during|pendant|durant|since|depuis|before|avant|after|apres)\s+"
    rf"(?:(?:l'|le\s+|the\s+)?(?:{MONTH}|{SEASON})\s+(?:de\s+|of\s+|d')?)?{YEAR}\b"
    rf"|\b(?:{MONTH})\s+{YEAR}\b|\b{SEASON}\s+(?:de\s+|of\s+|d')?{YEAR}\b"
)


def topic_period(question: str) -> Period | None:
    """The period a topic question is dated with ("AI and brand safety back in 2019",
    "best networks for marketing in 2024"): its search keeps to the sessions of that
    period. None when no date qualifies the question as a whole."""
    return parse_period(question) if DATING.search(fold(question)) else None


# A date after a law, a regulation or an election, and "de"/"of", is that thing's, not
# when sessions took place: "la loi influenceurs de juin 2023", "the law of 2020", "le
# règlement européen de 2022". Only such things: "les tables rondes de 2020", "les
# échanges de 2020" or "au cours de 2021" date the sessions asked about.
THINGS = (
    "lois?|laws?|reglements?|regulations?|acts?|directives?|decrets?|ordonnances?|reformes?|reforms?"
    "|elections?|referendums?|scrutins?"
)
THING_DATE = re.compile(
    rf"\b(?P<thing>(?:{THINGS})(?:\s+[\w'’-]+){{0,3}}?)\s+(?:de|du|of|d['’])\s*"
    rf"(?:(?:{MONTH}|{SEASON})\s+(?:de\s+|of\s+|d['’])?)?{YEAR}\b"
)


def without_thing_dates(question: str) -> str:
    """The question (folded) without the dates that name a law, a regulation or an
    election (`THING_DATE`): what is left of it dates the sessions asked about."""
    return THING_DATE.sub(lambda match: match["thing"], fold(question))


ANNOUNCED_DAYS = 365  # a season's programme is published up to a year ahead
RECALLED_DAYS = 120  # a session comes back to what happened in the months before it
SEASON_RECALLED_DAYS = 365  # or to a season or month it names with its year ("l'été 2022", "avril 2020")


def _year_names(period: Period) -> tuple[str, ...]:
    """The years of a period of whole years ("2020"), so a session looking back on it
    ("en 2020, la chambre a formé 300 artisans") is found; none for other spans."""
    if period.since is None or period.until is None:
        return ()
    whole = (period.since.month, period.since.day, period.until.month, period.until.day) == (1, 1, 12, 31)
    return tuple(str(year) for year in range(period.since.year, period.until.year + 1)) if whole else ()


def _month_names(period: Period) -> tuple[str, ...]:
    """The folded names of the months of a period of at most a season ("fevrier",
    "february"), so a programme published before it is found; none for longer spans."""
    names = [fold(MONTHS[language][day.month - 1]) for day in _months_within(period) for language in ("fr", "en")]
    return tuple(dict.fromkeys(names))


def _months_with_year(period: Period) -> tuple[str, ...]:
    """The folded names of the months of a period of at most a season, each with its year
    ("avril 2020", "april 2020"); none for longer spans."""
    names = [
        f"{fold(MONTHS[language][day.month - 1])} {day.year}"
        for day in _months_within(period)
        for language in ("fr", "en")
    ]
    return tuple(dict.fromkeys(names))


def _months_within(period: Period) -> list[date]:
    """A day in each month of a period of at most a season (its first, then each month's
    first); none for longer or open spans."""
    if period.since is None or period.until is None or (period.until - period.since).days > 100:
        return []
    days, day = [], period.since
    while day <= period.until:
        days.append(day)
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return days


def _months(year: int, first: int, last_year: int, last: int) -> Period:
    """From the first day of one month to the last day of another, named in each
    language as a reply writes it ("(juin 2019)", "(June – August 2019)"), not as typed."""
    end = date(last_year + (last == 12), last % 12 + 1, 1)
    until = date.fromordinal(end.toordinal() - 1)
    label = {language: f"({_month_span(year, first, last_year, last, language)})" for language in MONTHS}
    return Period(date(year, first, 1), until, label)


def _month_span(year: int, first: int, last_year: int, last: int, language: str) -> str:
    """ "juin 2019", "juin – août 2019", "décembre 2019 – février 2020"."""
    names = MONTHS[language]
    if (year, first) == (last_year, last):
        return f"{names[first - 1]} {year}"
    start = names[first - 1] if year == last_year else f"{names[first - 1]} {year}"
    return f"{start} – {names[last - 1]} {last_year}"


def _period_words(question: str) -> set[str]:
    """Folded words that only say when (months, seasons, years)."""
    return {
        w for w in re.findall(r"[a-z0-9]+", fold(question)) if w in MONTH_NAMES or w in SEASONS or re.fullmatch(YEAR, w)
    }


# --- the router ---------------------------------------------------------------------------


class QuestionRouter:
    """Tells questions about people, periods and series apart, and answers them."""

    def __init__(self, index: ArchiveIndex, retriever: HybridRetriever) -> None:
        self.directory = Directory(list(index.articles.values()))
        self.retriever = retriever

    def resolve_series(self, filters: SearchFilters | None) -> SearchFilters | None:
        """The filters with their series given its canonical name (any alias is accepted).

        Raises:
            QuestionError: no series has that name; the message lists the known ones.
        """
        if filters is None or not filters.series:
            return filters
        canonical = self.directory.series.canonical(filters.series)
        if canonical is None:
            known = ", ".join(name for name, _ in self.directory.series_counts())
            raise QuestionError(f"no series named '{filters.series}'; the archive's series are: {known}")
        return replace(filters, series=canonical)

    def outside_archive(self, question: str, language: str, filters: SearchFilters | None) -> Answer | None:
        """A refusal when no session of the archive falls in the dates the filters ask for
        (`smcbot ask --since/--until`, "and in 2024?"): it says so with the archive's first and
        last sessions, where a search would only find "nothing on that". None otherwise."""
        if filters is None or not (filters.since or filters.until):
            return None
        dates = SearchFilters(filters.since, filters.until)
        if any(dates.admits(article) for article in self.directory.articles):
            return None
        return self._no_sessions(question, language, "", Period(filters.since, filters.until, dates_label(dates)))

    def answer(self, query: Query, language: str, filters: SearchFilters | None) -> Answer | None:
        """The answer to a question about people, periods or series (`query`, analysed by
        the retriever); None for a topic question."""
        filters = filters or SearchFilters()
        question = query.text
        folded = _fold_keep(question)
        plain = fold(question)
        if UPCOMING.search(plain) and self._about_sessions(question):
            return self._refusal(question, language, text_of("upcoming", language))
        if MEETING_PLACE.search(plain):
            return self._refusal(question, language, text_of("meeting_place", language))
        if JOINING.search(plain) and not OTHER_CLUB.search(plain):
            return self._refusal(question, language, text_of("joining", language))
        if WHO_SPOKE.search(folded) and not query.asks_who_ran:  # who ran it: its people, the host first
            return self._who_spoke(question, folded, language, filters)
        series = self._series_in(question)
        if series and self._asks_who_ran(question, series, None):  # "who was the host of Tous plateformisés #8?"
            return self._listing(query, language, filters)
        period = self._period(question)
        if period is not None:  # "Qu'a dit Nadia Cherif en 2020 ?"
            filters = replace(filters, since=period.since or filters.since, until=period.until or filters.until)
        for pattern in PERSON:
            match = pattern.search(folded)
            if match:
                routed = self._person(query, match, language, filters)
                if routed is not None:
                    return routed
        named = self._named_speakers(question)
        if named:  # "Nadia Cherif et le nudge": a speaker's full name, without "qu'a dit"
            routed = self._people_answer(query, named, language, filters, "")
            if routed is not None:
                return routed
        return self._listing(query, language, filters)

    def _named_speakers(self, question: str) -> list[Person]:
        """The speakers whose full name the question writes out."""
        folded = fold(question)  # the directory's keys are its people's folded names
        return [person for name, person in self.directory.people.items() if mentions_folded(folded, name)]

    # --- people ---------------------------------------------------------------------------

    def _person(self, query: Query, match: re.Match, language: str, filters: SearchFilters) -> Answer | None:
        """ "Qu'a dit X ?", "What did the Transilys speaker say about nudges?"."""
        question = query.text
        who_text = question[match.start("who") : match.end("who")]
        who_text = who_text[: len(TOPIC_SPLIT.split(_fold_keep(who_text), maxsplit=1)[0])]
        people: list[Person] = []
        unknown_names, unknown_orgs, org_label = [], [], ""
        for group in _capitalised_groups(who_text):
            found, staff_of = self._who_is(group)
            people += found
            org_label = org_label or staff_of
            if found:
                continue
            for part in _sub_groups(group) or [group]:  # "Marc Dupont de L'Oréal": a name, a company
                if self._written_in_archive(part):
                    continue  # named in a write-up without being a speaker's name: the search finds it
                if len(part.split()) >= 2:
                    unknown_names.append(part)
                elif not self.retriever.in_archive(fold(part)):
                    unknown_orgs.append(part)
        if people:
            people = self._by_role(people, who_text) if org_label else people
            return self._people_answer(query, _unique_people(people), language, filters, org_label)
        if unknown_names:
            return self._refusal(question, language, text_of("no_person", language, name=", ".join(unknown_names)))
        if unknown_orgs:
            return self._refusal(question, language, text_of("no_org", language, name=", ".join(unknown_orgs)))
        described = self._described(who_text)
        if described is not None and self._search_agrees(query, described, filters):
            return self._people_answer(query, [described], language, filters, "")
        return None

    def _search_agrees(self, query: Query, person: Person, filters: SearchFilters) -> bool:
        """Whether the search for the whole question finds one of `person`'s sessions first
        (or nothing): a description is a guess ("la dircom de l'entreprise" fits many), and
        the rest of the question ("…avec les pompes funèbres") may name another session."""
        try:
            result = self.retriever.search(query.text, filters)
        except QuestionError:
            return True
        first = next((hit.article.id for hit in result.sessions if hit.answers), None)
        return first is None or any(article.id == first for article in person.sessions)

    def _written_in_archive(self, name: str) -> bool:
        """True if a write-up writes out `name` (of several words) as it stands: a company the
        write-ups name in passing is not an unknown speaker ("l'intervenant de Fidelis
        Assurances"). Read only for a name the directory does not know."""
        if len(name.split()) < 2:
            return False
        # only the write-ups holding each of its words are read (the lexical index knows them)
        candidates = self.retriever.articles_with(content_words(name))
        articles = self.retriever.index.articles
        return any(mentions(articles[article_id].body, name) for article_id in candidates)

    def _who_is(self, group: str) -> tuple[list[Person], str]:
        """The people a capitalised run names (a speaker, or an organisation's speakers, or
        both split at a particle: "Paul Michon de Kering"), and the organisation named."""
        person = self.directory.find(group)
        if person is not None:
            return [person], ""
        staff = self._staff_of(group)
        if staff:
            return staff, group
        found, organisation = [], ""
        for part in _sub_groups(group):
            people, named_org = self._who_is(part)
            found += people
            organisation = organisation or named_org
        return found, organisation

    def _staff_of(self, organisation: str) -> list[Person]:
        """The speakers whose organisation a name designates ("Banque Aurore", "Inserm")."""
        name = re.sub(r"['’]s$", "", organisation)
        return [p for p in self.directory.people.values() if p.organisation and mentions(p.organisation, name)]

    def _by_role(self, people: list[Person], who_text: str) -> list[Person]:
        """Among people of one organisation, those whose role the question describes (all if none fits)."""
        wanted = _description_words(who_text)
        scored = [(len(wanted & _description_words(p.role)), p) for p in people]
        best = max((s for s, _ in scored), default=0)
        return [p for s, p in scored if s == best] if best else people

    def _described(self, who_text: str) -> Person | None:
        """The one speaker a description fits ("la chercheuse en économie comportementale")."""
        wanted = _description_words(who_text)
        if not wanted:
            return None
        scored = sorted(
            (
                (len(wanted & _description_words(f"{p.role} {p.organisation}")), p)
                for p in self.directory.people.values()
            ),
            key=lambda item: -item[0],
        )
        if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][1]

    def _people_answer(
        self, query: Query, people: list[Person], language: str, filters: SearchFilters, org: str
    ) -> Answer | None:
        """Each person's sessions (those about the question's topic first) and their words;
        None when none of them is in the period asked about."""
        question = query.text
        wanted = _topic_stems(query, people)
        sessions: list[SessionQuotes] = []
        for person in people:
            for article in self._ranked_sessions(person, wanted, filters):
                quotes = self._person_quotes(person, article, wanted, language)
                existing = next((s for s in sessions if s.article.id == article.id), None)
                if existing is not None and existing.shown is not None:
                    existing.shown += quotes
                else:
                    sessions.append(SessionQuotes(article, [], 1.0, shown=quotes))
        if not sessions:  # none in the period asked about: the topic search answers or refuses
            return None
        if len(people) == 1:
            lead = text_of("person", language, who=people[0].label(), n=_n(len(sessions), language))
        else:
            lines = [f"• {p.label()}" for p in people]
            lead = "\n".join([text_of("people", language, org=org), *lines])
        return self._answered(question, language, lead, sessions)

    def _ranked_sessions(self, person: Person, wanted: set[str], filters: SearchFilters) -> list[Article]:
        """A person's sessions: with a topic, those about it first (or only those, when some are)."""
        sessions = [a for a in person.sessions if filters.admits(a)]
        if not wanted:
            return sessions
        # What the title and takeaways say counts twice: they say what the session was about.
        scored = [
            (_overlap(_article_text(a), wanted) + _overlap(" ".join([a.title, *a.takeaways]), wanted), a)
            for a in sessions
        ]
        best = max((s for s, _ in scored), default=0)
        kept = [(s, a) for s, a in scored if s >= 0.5 * best] if best else scored
        return [a for _, a in sorted(kept, key=lambda item: -item[0])]

    def _person_quotes(self, person: Person, article: Article, wanted: set[str], language: str) -> list[Quote]:
        """What a person said at one session, the words closest to the topic first; when the
        write-up quotes nothing of theirs, the sentence that mentions them."""
        said = [st for a, st in person.statements if a.id == article.id]
        said.sort(key=lambda st: -_overlap(st.text, wanted))
        quotes = [Quote(clip(st.text), person.label(), "speech") for st in said[:2]]
        if quotes:
            return quotes
        mention = next((u for u in _narration(article) if mentions(u.text, person.name.split()[-1])), None)
        if mention is None:
            return []
        return [Quote(clip(mention.text), UNSIGNED[language], "narration")]

    # --- who spoke ------------------------------------------------------------------------

    def _who_spoke(self, question: str, folded: str, language: str, filters: SearchFilters) -> Answer:
        """The speakers of the sessions that answer the topic of "Qui est intervenu sur … ?"."""
        series = self._series_in(question)
        if series and not filters.series:
            filters = replace(filters, series=series)
        period = self._period(question, series)
        if period is not None:  # "Who were the speakers at the April 2023 round table?"
            filters = replace(filters, since=period.since or filters.since, until=period.until or filters.until)
        series_words = set(
            re.findall(r"[a-z0-9]+", fold(" ".join([series, *self.directory.series.aliases.get(series, [])])))
        )
        topic = _topic_text(question, _period_words(question) | (series_words if series else set()))
        result = None
        if topic or not (series or period):  # "Who spoke in 2020?" needs no search
            try:
                result = self.retriever.search(topic or question, filters)
            except QuestionError:
                result = None
        if result is None or not result.answered:
            articles = [a for a in self.directory.articles if filters.admits(a)] if not topic else []
            if not articles or not (series or period):
                return self._refusal(question, language, self._nothing_on(question, language))
        else:
            articles = _sessions_about(result)
        wanted = {s for group in (result.term_groups if result else []) for s in group}
        at = {"fr": " dans", "en": " at"}[language] if series else ""
        what = (f"{at} « {series} »" if series else "") + (f" {period.label[language]}" if period else "")
        n = _n(len(articles), language)
        heading = text_of("who_spoke", language, n=n) if topic else text_of("who_spoke_in", language, what=what, n=n)
        return self._speakers_answer(question, language, articles, wanted, heading)

    def who_ran(self, question: str, language: str, result: SearchResult) -> Answer:
        """ "Who hosted the lighthouse keepers talk?": the people of the sessions the
        question's search found (`result`, answered), whoever the write-up says ran each
        one first, said so; the heading says when no write-up says who ran it."""
        wanted = {s for group in result.term_groups for s in group}
        return self._who_ran_answer(question, language, _sessions_about(result), wanted)

    def _who_ran_answer(
        self, question: str, language: str, articles: list[Article], wanted: set[str], *, only_said: bool = False
    ) -> Answer:
        """The people of `articles`, whoever each write-up says ran the session first, said
        so; the heading says when no write-up says who ran it. `only_said`: of a series or
        a period, only the sessions whose write-ups say who ran them, when any does."""
        running = {article.id: moderators_in(article.body, article.speakers) for article in articles}
        if only_said and any(running.values()):
            articles = [article for article in articles if running[article.id]]
        key = "who_ran" if any(running.values()) else "who_ran_unsaid" if len(articles) == 1 else "who_ran_unsaid_many"
        heading = text_of(key, language, n=_n(len(articles), language))
        return self._speakers_answer(question, language, articles, wanted, heading, running=running)

    def _speakers_answer(
        self,
        question: str,
        language: str,
        articles: list[Article],
        wanted: set[str],
        heading: str,
        *,
        running: dict[str, list[str]] | None = None,
    ) -> Answer:
        """The people of `articles` under `heading`, each session with one quote of each.
        With `running` (article id → who ran it, `moderators_in`), those come first, said
        so, with the session's title when there are several."""
        sessions, people = [], []
        for article in articles:
            speakers = self.directory.speakers_of(article)
            people += [p for p in speakers if p not in people]
            quotes = [q for p in speakers for q in self._person_quotes(p, article, wanted, language)[:1]]
            quotes = [q for q in quotes if q.kind == "speech"]  # their own words, one each
            sessions.append(SessionQuotes(article, [], 1.0, shown=quotes))
        hosts = self._hosts_lines(articles, people, running or {}, language)
        if not people and not hosts:  # the write-ups name nobody: say so rather than show an empty list
            many = len(sessions) > 1
            lead = text_of("no_speakers_many" if many else "no_speakers", language, n=len(sessions))
            return self._answered(question, language, lead, sessions)
        hosted = {fold(name) for names in (running or {}).values() for name in names}
        lines = hosts + [f"• {p.label()}" for p in people if fold(p.name) not in hosted]
        return self._answered(question, language, "\n".join([heading, *lines]), sessions)

    def _hosts_lines(
        self, articles: list[Article], people: list[Person], running: dict[str, list[str]], language: str
    ) -> list[str]:
        """One line for each person who ran a session, as the directory presents them (or
        by name alone when the write-up gives no role), said so."""
        known = {fold(p.name): p for p in people}
        ran: dict[str, list[str]] = {}  # each host's label → the sessions they ran, in order
        for article in articles:
            for name in running.get(article.id, []):
                person = known.get(fold(name))
                titles = ran.setdefault(person.label() if person is not None else name, [])
                short = f"{article.series} #{article.episode}" if article.series and article.episode else article.title
                if short not in titles:
                    titles.append(short)
        many = len(articles) > 1  # then each host's line names the sessions they ran
        return [
            f"• {label} — {text_of('ran_it', language)}" + (f" ({' ; '.join(titles)})" if many else "")
            for label, titles in ran.items()
        ]

    # --- periods and series ---------------------------------------------------------------

    def dated(self, question: str, filters: SearchFilters | None) -> tuple[SearchFilters | None, Period | None]:
        """The filters of a topic question narrowed to the period it is dated with
        (`topic_period`), and that period; the filters unchanged when it names none."""
        period = self._held_winter(topic_period(self._dating_text(question)))
        if period is None:
            return filters, None
        filters = filters or SearchFilters()
        since, until = period.since or filters.since, period.until or filters.until
        months, years = _month_names(period), _year_names(period)
        filters = replace(filters, since=since, until=until, naming=months or years)
        if months and since is not None:  # a programme announces a season's sessions
            filters = replace(filters, announced_since=since - timedelta(days=ANNOUNCED_DAYS))
        if months and until is not None:
            filters = replace(filters, recalled_until=until + timedelta(days=RECALLED_DAYS))
        elif years and until is not None:  # a session of the next year looks back on it
            filters = replace(filters, recalled_until=until.replace(year=until.year + 1))
        with_year = period.season + _months_with_year(period)
        if with_year and until is not None:  # named with its year, a season or month is looked back on longer
            later = until + timedelta(days=SEASON_RECALLED_DAYS)
            filters = replace(filters, with_year=with_year, with_year_recalled_until=later)
        return filters, period

    def _period(self, question: str, series: str | None = None) -> Period | None:
        """The period a question names for the sessions it asks about (`parse_period`),
        not a date naming a thing ("la loi influenceurs de juin 2023"); `series` as for
        `_dating_text`."""
        return self._held_winter(parse_period(self._dating_text(question, series)))

    def _held_winter(self, period: Period | None) -> Period | None:
        """A winter named by its year is read as the one it begins ("hiver 2020": December
        2020 to February 2021); when that one holds no session, as the one it ends
        (December 2019 to February 2020), which many mean by it ("the winter 2021 session"
        of February 2021)."""
        if period is None or period.since is None or period.since.month != 12 or not period.season:
            return period
        if any(_within(article, period) for article in self.directory.articles):
            return period
        year = period.since.year
        earlier = replace(_months(year - 1, 12, year, 2), season=period.season)
        return earlier if any(_within(article, earlier) for article in self.directory.articles) else period

    def _dating_text(self, question: str, series: str | None = None) -> str:
        """The question as read for its dates: a question naming a series (`series`, when
        the caller already looked for one) keeps them all ("le Cercle Dircoms de juin
        2019" is the series' session of June 2019); any other loses the dates that name a
        thing (`without_thing_dates`)."""
        series = self._series_in(question) if series is None else series
        return question if series else without_thing_dates(question)

    def _about_sessions(self, question: str, series: str | None = None) -> bool:
        """True if the question is about sessions: it names a series (`series`, when the
        caller already looked for one) or an event ("session", "meetup", "soirée")."""
        series = self._series_in(question) if series is None else series
        return bool(series or EVENT_WORDS.search(fold(question)))

    def _series_in(self, question: str) -> str:
        """The series a question names (any alias; the longest match wins), "" if none."""
        return self.directory.series.named_in(question)

    def _listing(self, query: Query, language: str, filters: SearchFilters) -> Answer | None:
        """ "Quelles sessions en 2020 ?", "the latest Cercle Dircoms", "List the SMC Focus sessions"."""
        question = query.text
        if SERIES_QUESTION.search(fold(question)) and not self._series_in(question):
            return self._series_overview(question, language)  # "Quels sont les cycles du club ?"
        tokens = set(re.findall(r"[a-z0-9]+", fold(question)))
        episode = _episode_in(question)
        series = self._series_in(question)
        period = self._period(question, series)
        # "the last session", "le dernier Cercle Dircoms"; not "last night" or "le dernier iPhone"
        about_sessions = self._about_sessions(question, series)
        newest, oldest = bool(tokens & NEWEST) and about_sessions, bool(tokens & OLDEST) and about_sessions
        # "what was said in 2019?": a period and no topic asks for that period's sessions
        listing = bool(tokens & LIST_WORDS) or newest or oldest or (period is not None and not query.words)
        who_ran = self._asks_who_ran(question, series, period)
        if query.asks_who_ran and not who_ran and not series:
            return None  # who ran the session on a topic ("the winter 2021 session about…"): searched
        if who_ran:  # the verb is no topic to narrow the sessions by
            query = self.retriever.analyse(without_who_ran_it(question))
        listing = listing or who_ran
        named = bool(series) and (episode is not None or period is not None)  # "le Cercle Dircoms de juin 2019"
        if not (listing and (period or series or newest or episode)) and not named:
            unknown = "" if series else self._unheard_series(question)
            if unknown:  # "List the Hackathon sessions": refused as "the latest Hackathon session" is
                return self._refusal(question, language, text_of("no_series", language, name=unknown))
            return None
        if not series:
            unknown = _unknown_series(question, tokens)
            if unknown:
                return self._refusal(question, language, text_of("no_series", language, name=unknown))
        articles = [a for a in self.directory.articles if filters.admits(a)]
        if series:
            articles = [a for a in articles if a.series == series]
        if period:
            articles = [a for a in articles if _within(a, period)]
        on_topic = self._on_topic(query, series, articles, filters, period)
        if on_topic is None:  # a topic the archive lacks: the topic search says so
            return None
        articles = on_topic
        if episode is not None:
            articles = [a for a in articles if a.episode == episode]
        if not articles:  # without words asking for a list or an episode, it may be a topic question
            if not listing and episode is None:
                return None
            return self._no_sessions(question, language, series + (f" #{episode}" if episode else ""), period)
        if newest:
            articles = articles[:1]
        elif oldest:
            articles = articles[-1:]
        if who_ran:  # "qui animait le cycle …": the sessions saying who ran them, all if none does
            wanted = {s for group in query.term_groups for s in group}
            return self._who_ran_answer(question, language, articles, wanted, only_said=True)
        return self._list_answer(question, language, articles, series, period)

    def _asks_who_ran(self, question: str, series: str, period: Period | None) -> bool:
        """Whether the question asks who ran the series it names ("qui animait le cycle
        …", "who hosts the Tous plateformisés talks?", "qui animait la table ronde du
        Cercle Dircoms #19 ?") or the sessions of a period with no topic ("qui a animé
        les sessions de 2019 ?"), not who does something the series' session told of
        ("Sciences et réseaux sociaux #3 : qui modère les contenus sur Facebook ?"), nor a
        topic of that period ("who hosted the AI panel in 2019?", searched)."""
        rest = who_ran_rest(question)
        if rest is None:
            return False
        if series:
            named_next = self._series_in(" ".join(rest.split()[:SERIES_NAMED_WITHIN])) == series
            return named_next or asks_who_ran(question)
        return period is not None and not self.retriever.analyse(rest).words

    def _unheard_series(self, question: str) -> str:
        """The name a listing gives its sessions ("List the Hackathon sessions", "les sessions
        Hackathon") when no series has it and no session even mentions it, "" otherwise."""
        match = LISTED_NAME.search(question)
        if not match or not LIST_VERB.search(fold(question)):
            return ""
        name = match.group("before") or match.group("after")
        skipped = (
            QUESTION_WORDS | LIST_WORDS | NEWEST | OLDEST | set(MONTH_NAMES) | {"list", "liste", "lister", "listez"}
        )
        words = [w for w in name.split() if fold(w) not in skipped]
        if not words:
            return ""
        name = " ".join(words)
        if any(mentions(_article_text(a), name) for a in self.directory.articles):
            return ""  # a topic the archive covers ("List the TikTok sessions"), not a series
        return name

    def _series_overview(self, question: str, language: str) -> Answer:
        """Each series with its number of sessions and dates; its latest session linked."""
        lines, sessions = [], []
        for name, count in self.directory.series_counts():
            articles = self.directory.in_series(name)
            dated = [a.date for a in articles if a.date]
            first, last = (format_date(min(dated), language), format_date(max(dated), language)) if dated else ("", "")
            span = "" if not dated else f", {first}" if first == last else f", {first} – {last}"
            lines.append(f"• {name} — {_n(count, language)}{span}")
            sessions.append(SessionQuotes(articles[0], [], 1.0, shown=[]))
        lead = "\n".join([text_of("overview", language, n=len(lines)), *lines])
        return self._answered(question, language, lead, sessions)

    def _on_topic(
        self, query: Query, series: str, articles: list[Article], filters: SearchFilters, period: Period | None
    ) -> list[Article] | None:
        """Narrow a listing to the sessions about the topic the question also names, if any.
        When none is found, all: a series named narrows the list enough ("la session lyon
        sur la bouffe"); but None, with no series named, when the topic is one the archive
        lacks ("what was said at the session about the 2024 olympic torch relay?"): the
        sessions of 2024 are not about it."""
        when = _period_words(query.text)
        words = [w.word for w in query.words if w.word not in NOISE and w.word not in when]
        series_words = set(re.findall(r"[a-z0-9]+", fold(series)))
        topic = [w for w in words if w not in series_words and series_key(w) not in series_key(series).split()]
        if not topic:
            return articles
        scoped = replace(
            filters,
            series=series or filters.series,
            since=(period.since if period and period.since else filters.since),
            until=(period.until if period and period.until else filters.until),
        )
        try:
            # as written: a name keeps its capitals ("Decathlon"), which the search reads
            result = self.retriever.search(" ".join(query.original(word) for word in topic), scoped)
        except QuestionError:
            return articles
        found = {hit.article.id for hit in result.answering}
        if not found and not series and _lacks_subject(result):
            return None
        return [a for a in articles if a.id in found] if found else articles

    def _list_answer(
        self, question: str, language: str, articles: list[Article], series: str, period: Period | None
    ) -> Answer:
        """A dated list, newest first; a single session comes with its takeaways."""
        sessions = []
        for article in articles:
            shown = [Quote(clip(t), "", "takeaway") for t in article.takeaways[:3]] if len(articles) == 1 else []
            sessions.append(SessionQuotes(article, [], 1.0, shown=shown))
        what = ""
        if series:
            what += f" « {series} »"
        if period:
            what += f" {period.label[language]}"
        key = "listing" if len(articles) > 1 else "single"
        lead = text_of(key, language, n=_n(len(articles), language), what=what)
        return self._answered(question, language, lead, sessions)

    def _no_sessions(self, question: str, language: str, series: str, period: Period | None) -> Answer:
        """Nothing in that period (or series and period): say so, with the archive's span."""
        what = (f" « {series} »" if series else "") + (f" {period.label[language]}" if period else "")
        return self._refusal(question, language, text_of("no_sessions", language, what=what), span=True)

    def _nothing_on(self, question: str, language: str) -> str:
        """The refusal for a who-spoke question whose topic nothing covers."""
        return (
            "Je n'ai rien trouvé sur ce sujet dans l'archive du Social Media Club."
            if language == "fr"
            else ("I found nothing on that in the Social Media Club archive.")
        )

    # --- composing --------------------------------------------------------------------------

    def _answered(self, question: str, language: str, lead: str, sessions: list[SessionQuotes]) -> Answer:
        """An answer citing `sessions` in order, as plain text and parts; a refusal when
        there are none (an answer always cites what it answers from)."""
        if not sessions:
            return self._refusal(question, language, text_of("nothing", language))
        lines = [lead]
        for session in sessions:
            article = session.article
            lines += ["", f"■ {session_label(article, language)}"]
            lines += [f"  {article.url}"] if article.url else []  # a local file's article may have none
            for quote in session.shown or []:
                who = f" — {quote.speaker}" if quote.speaker else ""
                lines.append(f"  « {quote.text} »{who}")
        sources = [Source(s.article.title, s.article.url, s.article.date, s.score) for s in sessions]
        return Answer(question, True, "\n".join(lines), language, sources=sources, sessions=sessions, lead=lead)

    def _refusal(self, question: str, language: str, lead: str, *, span: bool = False) -> Answer:
        """Say plainly what was not found, what the archive covers, and its latest sessions."""
        series = ", ".join(name for name, _ in self.directory.series_counts())
        notes = [text_of("covers", language, series=series)] if series else []
        dated = [a for a in self.directory.articles if a.date]
        if span and dated:
            first, last = format_date(dated[-1].date, language), format_date(dated[0].date, language)
            notes.append(text_of("span", language, first=first, last=last))
        notes.append(text_of("recent", language))
        return refusal(question, language, lead, notes, self.directory.articles[:3])


# --- helpers ------------------------------------------------------------------------------

QUESTION_WORDS = {
    "qu", "que", "qui", "quel", "quelle", "quels", "quelles", "what", "who", "which", "how", "when", "where",
    "dans", "did", "does", "is", "was", "the", "le", "la", "les", "i", "smc", "social", "media", "club",
}  # fmt: skip


def _capitalised_groups(text: str) -> list[str]:
    """Runs of capitalised words (names, organisations) in a part of a question; a
    particle ("de", "Le") may sit inside a run ("Pontet de Fouquières")."""
    tokens = [re.sub(r"^(?:[dlDL]['’])|['’]s$", "", t) for t in re.findall(r"[\w'’\-&]+", text)]
    runs: list[list[str]] = [[]]
    for position, token in enumerate(tokens):
        upper = (
            bool(token)
            and fold(token) not in QUESTION_WORDS
            and (
                token[0].isupper() or (token[0].isdigit() and any(c.isupper() for c in token))  # "20Minutes"
            )
        )
        nxt = tokens[position + 1] if position + 1 < len(tokens) else ""
        particle = fold(token) in PARTICLES and runs[-1] and nxt[:1].isupper()
        if upper or particle:
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [" ".join(run) for run in runs if run]


def _sub_groups(group: str) -> list[str]:
    """A run split at its particles: "Paul Michon de Kering" → "Paul Michon", "Kering"."""
    parts = re.split(r"\s+(?:de|du|des|d['’])\s+", group)
    return [p for p in parts if p] if len(parts) > 1 else []


PARTICLES = {"de", "du", "des", "le", "la", "van", "von", "d'"}


def _unique_people(people: list[Person]) -> list[Person]:
    """People in order, each once."""
    seen: dict[str, Person] = {}
    for person in people:
        seen.setdefault(fold(person.name), person)
    return list(seen.values())


def _description_words(text: str) -> set[str]:
    """Content words of a description, with French forms of English ones, singular."""
    found = set()
    for word in content_words(text):
        for form in expansions(word):
            found.add(form[:-1] if len(form) > 3 and form.endswith("s") else form)
    return found - {"speaker", "intervenant", "people", "person"}


def _sessions_about(result: SearchResult) -> list[Article]:
    """The sessions about an answered search's topic, not every one that touched it
    (within `WHO_SPOKE_RATIO` of the first)."""
    best = result.answering[0].strength
    return [hit.article for hit in result.answering if hit.strength >= WHO_SPOKE_RATIO * best]


def _topic_text(question: str, dropped: set[str] = frozenset()) -> str:
    """The question without its who-spoke words (and `dropped` ones): what the sessions are about."""
    skip = NOISE | set(dropped)
    kept = [w for w in re.findall(r"[\w'’\-]+", question) if fold(w).split("'")[-1] not in skip and content_words(w)]
    return " ".join(kept)


def _topic_stems(query: Query, people: list[Person]) -> set[str]:
    """Stems of the question's topic words, all their forms (its names, organisations and
    roles left out)."""
    skipped = set(NOISE)
    for person in people:
        skipped |= set(re.findall(r"[a-z0-9]+", fold(f"{person.name} {person.organisation} {person.role}")))
    return {form for word in query.words if word.word not in skipped for form in word.forms}


def _overlap(text: str, wanted: set[str]) -> int:
    """How many of the wanted stems a text holds."""
    if not wanted:
        return 0
    return sum(1 for w in set(content_words(text)) if any(s in wanted for s in stems(w)))


def _article_text(article: Article) -> str:
    """Everything an article says, for matching a topic."""
    return " ".join([article.title, *article.takeaways, article.body])


def _narration(article: Article) -> list[Unit]:
    """The narration units of an article's body."""
    return [u for u in units_of(article.body, article.speakers) if not u.speech]


def _lacks_subject(result: SearchResult) -> bool:
    """Whether a search found nothing because what it asks about is not in the archive:
    its subject is absent, a name it gives that is no acronym, or every word it has."""
    names_lacking = bool(result.unknown_names) and not result.gate.unknown_acronyms_only
    every_word = len(result.absent_words) == len(result.query.words)
    return result.gate.subject_absent or names_lacking or every_word


def _within(article: Article, period: Period) -> bool:
    """True when the article is dated within the period."""
    if article.date is None:
        return False
    return (not period.since or article.date >= period.since) and (not period.until or article.date <= period.until)


def _episode_in(question: str) -> int | None:
    """ "numéro 10", "#10", "n°10", "number 10", "10e": the episode a question names."""
    match = re.search(r"(?:#|\bn[°o]\s*|\bnumero\s+|\bnumber\s+|\bno\.?\s+|\bepisode\s+)(\d{1,3})\b", fold(question))
    return int(match.group(1)) if match else None


def _unknown_series(question: str, tokens: set[str]) -> str:
    """A series the question names that the archive does not hold: a quoted name, the
    words after "cycle"/"series", or a capitalised word that is not a month."""
    quoted = re.search(r"[«“\"]\s*([^»”\"]{2,60}?)\s*[»”\"]", question)
    if quoted:
        return quoted.group(1)
    named = re.search(r"\b(?:cycle|série|series|commission)\s+([A-ZÀ-Þ][\w'’\-]*(?:\s+[A-ZÀ-Þ][\w'’\-]*)*)", question)
    if named:
        return named.group(1)
    words = re.findall(r"(?<!^)(?<![.?!]\s)\b([A-ZÀ-Þ][\w'’\-]+)", question.strip())
    skipped = set(MONTH_NAMES) | set(SEASONS) | QUESTION_WORDS
    words = [w for w in words if fold(w) not in skipped]
    return " ".join(words)
