"""Words: folding, stop words, stemming, language detection, and the analysis of a
question into one `Query` value (its words, their forms, names and weights).

Shared by the index (BM25 tokens), retrieval (query terms, the relevance gate)
and answering (the asker's language). French and English stemmers are both
applied to every word, because the archive is French but full of English terms
("brand safety", "employee advocacy") and members ask in both languages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from smcbot.dates import MONTHS
from smcbot.language import CLUB_PHRASES, CLUB_WORDS, COMMON_ZIPF, LibraryWords, WordTables

WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
ELISION = re.compile(r"\b(?:l|d|j|qu|n|s|c|m|t|lorsqu|jusqu|puisqu)'")

STOP_FR = set(
    """
    a au aux avec ce ces cet cette c ca celle celles celui ceux chez comme comment dans de des du
    elle elles en est et etaient etait etre eu fait faut il ils je la le les leur leurs lui ma mais
    me meme mes moi mon ne ni nos notre nous on ont ou par pas peu peut peuvent plus pour qu quand
    que quel quelle quelles quels qui quoi sa sans se ses si son sont sur ta te tes toi ton tous
    tout toute toutes tres tu un une vos votre vous y ete avoir ai as avons avez sera seront
    dit dits dite parle parler parlent dire sujet propos ceci cela etc lors afin ainsi alors aussi
    donc encore entre fois ici la-bas tant trop vers voici voila quoi dont d l s n j m t qu-est-ce
    est-ce y-a qu-est qu-est-ce a-t-il a-t-elle a-t-on y-a-t-il faut-il peut-on doit-on doivent doit avait
    sont-ils sont-elles lequel laquelle lesquels quelqu chose choses
    dites expliquer explique mentionne evoque evoquer savoir sait demain aujourd hui hier pourquoi combien
    qqn qqch qq qqs qlq
    aujourd'hui vraiment ca fera ferait font faisait va vont allait pourrait pourraient devrait
    """.split()
)
STOP_EN = set(
    """
    a about above after again all am an and any are as at be been being below between both but by
    can could did do does doing down during each few for from further had has have having he her
    here hers him his how i if in into is it its itself just me more most my no nor not of off on
    once only or other our out over own same she should so some such than that the their them then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours said say says saying talk talked
    tell told think thought make makes made get gets got use used using way ways thing things
    whats what's who's how's anything something someone people much many also within across
    speak speaks spoke spoken discuss discussed mention mentioned explain explained know
    tomorrow today yesterday good best
    ok okay else wo ca actually really quite rather whether anyone anybody everyone someone somebody
    ever even still yet let lets like
    """.split()
)
STOPWORDS = STOP_FR | STOP_EN

# Verbs that carry no topic in any of their forms ("aurais", "devient", "gets"): a
# question's word whose lemma is one of them is dropped like a stop word. "What
# happened in June 2019?" asks for that month's sessions, as "what was said" does.
GENERIC_VERBS = {
    "fr": frozenset(
        "avoir etre faire aller pouvoir devoir vouloir devenir falloir venir savoir mettre prendre donner voir".split()
    ),
    "en": frozenset("be have do get go can may must become come know put take give see want need happen".split()),
}

# A glossary of the club's field — social media, marketing, corporate communication,
# data and the roles around them — in English and French, written for the field as a
# whole (general vocabulary comes from the FreeDict dictionaries, smcbot.language).
# Keys are folded English words; values are folded French words.
EN_TO_FR = {
    # platforms, content and audiences
    "social": "sociaux sociales social", "network": "reseau", "networks": "reseaux",
    "platform": "plateforme", "platforms": "plateformes", "app": "application appli",
    "apps": "applications applis", "online": "ligne internet web numerique", "digital": "numerique digital",
    "internet": "internet web", "website": "site", "content": "contenu contenus", "contents": "contenus",
    "post": "publication post publier", "posts": "publications posts publier", "posting": "publier publication",
    "publish": "publier", "share": "partage partager", "shares": "partages partager", "sharing": "partage partager",
    "follower": "abonne", "followers": "abonnes communaute", "subscribers": "abonnes", "audience": "audience public",
    "community": "communaute", "communities": "communautes", "fans": "fans communaute", "reach": "portee toucher",
    "views": "vues", "likes": "likes", "comments": "commentaires", "engagement": "engagement",
    "engaged": "engages engagement", "viral": "viral virale viralite", "trend": "tendance", "trends": "tendances",
    "video": "video videos", "videos": "videos", "live": "live direct", "stream": "live stream",
    "streaming": "streaming live", "streamer": "streamer", "podcast": "podcast", "audio": "audio sonore",
    "episode": "episode", "episodes": "episodes", "listeners": "auditeurs ecoute", "newsletter": "newsletter",
    "message": "message", "messages": "messages messagerie", "messaging": "messagerie", "feed": "fil",
    "hashtag": "hashtag", "meme": "meme", "creator": "createur", "creators": "createurs videastes",
    "youtuber": "youtubeur videaste", "youtubers": "youtubeurs videastes", "influencer": "influenceur",
    "influencers": "influenceurs", "ambassador": "ambassadeur", "ambassadors": "ambassadeurs",
    "young": "jeunes", "youth": "jeunes jeunesse", "teens": "ados adolescents jeunes",
    "teenagers": "ados adolescents jeunes", "gamers": "joueurs gamers", "gaming": "jeu jeux gaming",
    # marketing and advertising
    "brand": "marque", "brands": "marques", "branding": "marque", "marketing": "marketing",
    "advertising": "publicite", "advert": "publicite", "ads": "publicite publicites", "ad": "publicite",
    "advertiser": "annonceur", "advertisers": "annonceurs", "campaign": "campagne", "campaigns": "campagnes",
    "targeting": "ciblage", "targeted": "ciblees ciblage", "target": "cible cibler", "budget": "budget",
    "customer": "client", "customers": "clients consommateurs", "consumers": "consommateurs",
    "loyalty": "fidelite fidelisation", "retail": "distribution enseigne", "store": "magasin boutique enseigne",
    "agency": "agence", "agencies": "agences", "sponsored": "sponsorise sponsorises", "partnership": "partenariat",
    "partnerships": "partenariats", "product": "produit", "products": "produits", "recall": "rappel",
    "reputation": "reputation", "safety": "securite", "gamification": "gamification ludification",
    # corporate communication
    "company": "entreprise societe", "companies": "entreprises", "business": "entreprise affaires",
    "firm": "entreprise", "corporate": "entreprise institutionnelle", "employee": "employe salarie collaborateur",
    "employees": "employes salaries collaborateurs", "staff": "salaries collaborateurs equipes",
    "employer": "employeur", "boss": "patron dirigeant", "bosses": "patrons dirigeants", "ceo": "pdg dirigeant",
    "ceos": "pdg dirigeants", "executive": "comex direction dirigeants", "executives": "comex dirigeants",
    "leaders": "dirigeants", "leadership": "direction dirigeants", "board": "comex direction",
    "manager": "responsable manager", "head": "directeur responsable", "director": "directeur directrice",
    "spokesperson": "porte-parole", "communication": "communication", "communications": "communication",
    "comms": "communication", "pr": "relations presse", "press": "presse", "journalist": "journaliste",
    "journalists": "journalistes", "media": "medias", "crisis": "crise", "crises": "crises",
    "internal": "interne", "external": "externe", "ghostwriter": "plume", "ghostwriting": "plume",
    # measurement and data
    "data": "donnees data", "analytics": "mesure analyse statistiques", "metrics": "indicateurs mesure",
    "kpi": "indicateurs", "kpis": "indicateurs", "measure": "mesurer mesure", "measuring": "mesurer mesure",
    "measurement": "mesure", "reporting": "reporting", "tracking": "suivi tracage", "privacy": "vie privee rgpd",
    "gdpr": "rgpd", "cookies": "cookies", "algorithm": "algorithme", "algorithms": "algorithmes",
    "ai": "ia", "monitoring": "veille", "listening": "ecoute veille", "watch": "veille",
    "research": "recherche", "researchers": "chercheurs", "study": "etude",
    # the words of business French
    "obstacle": "frein limite", "obstacles": "freins limites", "barrier": "frein", "barriers": "freins",
    "hurdles": "freins", "drawbacks": "limites inconvenients", "challenge": "defi enjeu",
    "challenges": "defis enjeux", "stakes": "enjeux", "issues": "enjeux", "goal": "objectif",
    "goals": "objectifs", "benefits": "avantages benefices", "risk": "risque", "risks": "risques",
    "tool": "outil", "tools": "outils", "strategy": "strategie", "strategies": "strategies",
    "value": "valeur valoriser", "worth": "valeur valoriser", "prove": "prouver demontrer justifier",
    "convince": "convaincre", "skills": "competences", "jobs": "metiers emplois", "trust": "confiance",
    # public life
    "election": "election elections electorale", "elections": "elections electorales",
    "politics": "politique", "political": "politique politiques", "voters": "electeurs",
    "parties": "partis", "government": "etat gouvernement", "state": "etat", "law": "loi juridique",
    "legal": "juridique", "regulation": "reglementation", "misinformation": "desinformation",
    "disinformation": "desinformation", "fake": "fausses fake", "conspiracy": "complotisme",
    "moderation": "moderation", "moderate": "moderer moderation", "censorship": "censure",
    "self-censorship": "auto-censure", "real-time": "temps reel", "realtime": "temps reel",
    "popularization": "vulgarisation", "popularisation": "vulgarisation",
}  # fmt: skip


# The field's abbreviations and nicknames, as members type them ("IA et CM ?",
# "insta", "FB"): each stands for the words the archive's text spells out.
ABBREVIATIONS = {
    "cm": "community manager managers", "cms": "community managers", "insta": "instagram",
    "ig": "instagram", "fb": "facebook", "yt": "youtube", "rs": "reseaux sociaux", "pub": "publicite",
    "pubs": "publicites", "rp": "relations presse", "dircom": "directeur directrice communication",
    "dircoms": "directeurs directrices communication", "influ": "influenceur influence", "x": "twitter",
    # direct messages, as the platforms and members call them ("swamped with DMs")
    "dm": "message prive messagerie", "dms": "messages prives messagerie",
    # French chat shorthand
    "asso": "association", "assos": "associations", "appli": "application", "applis": "applications",
    "msg": "message messages", "com": "communication", "reu": "reunion", "info": "information",
    "infos": "informations", "pro": "professionnel", "pros": "professionnels", "perso": "personnel",
    "rh": "ressources humaines", "drh": "ressources humaines", "dg": "direction generale",
    # saints' days as both languages shorten them ("la St Valentin", "St Patrick's");
    # not "Ste", which also shortens "société"
    "st": "saint",
}  # fmt: skip


# Platforms and apps named like a word of English or French: "threads" is Meta's app
# in a member's question, not the "fils" or "threads" of a discussion the archive
# speaks of; such a word is a name, found only where the archive's text writes it.
PLATFORM_WORDS = frozenset("threads discord telegram clubhouse mastodon bluesky bereal".split())


# Platforms and apps are names however members type them ("roblox", "twitch"): a
# question about one the archive never mentions is not answered from its other words.
PLATFORM_NAMES = frozenset(
    """
tiktok instagram facebook twitter linkedin youtube snapchat pinterest reddit twitch whatsapp wechat weibo
douyin xiaohongshu roblox fortnite minecraft tumblr vimeo spotify deezer substack patreon onlyfans tinder
bumble quora flickr dailymotion yubo zenly vinted leboncoin strava goodreads wattpad letterboxd tripadvisor
yelp nextdoor lemon8 viadeo soundcloud behance dribbble
""".split()
)


# The club's words that point at the archive itself ("quelles sessions ont parlé de
# YouTube ?"): unlike "membre" or "cotisation", they ask for no more than the topic.
ARCHIVE_WORDS = frozenset(
    """session sessions roundtable roundtables panel panels conference conferences
evenement evenements event events rencontre rencontres meetup meetups soiree soirees speaker speakers
intervenant intervenants intervenante intervenantes panelist panelists paneliste panelistes""".split()
)


def fold(text: str) -> str:
    """Lowercase, strip accents and unify typographic quotes and apostrophes."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("«", '"').replace("»", '"').replace("œ", "oe").replace("Œ", "oe")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Months say when, not what: one the archive's text never names is not a missing topic.
MONTH_WORDS = frozenset(fold(name) for names in MONTHS.values() for name in names)


# Bumped when the tokens of a text change, so a rebuild re-tokenises every article.
ANALYSIS_VERSION = 7

# A write-up's sentence saying that its subject was not discussed ("a évoqué en passant
# le groupe Strava, sans s'y attarder", "la loi, que la table ronde n'a pas abordée",
# "ces sujets feront l'objet d'une prochaine session"): the session has nothing to say
# on it, so those words do not make it answer a question about that subject.
EVENT_NOUN = r"(?:session|rencontre|table\s+ronde|soirée|soiree)"
PARTICIPLE = r"(?:é|e|ée|ee|és|es|ées|ees)"
NOT_DISCUSSED = re.compile(
    r"(?i)\bsans\s+(?:trop\s+|vraiment\s+|que\s+[^,.;]{0,40}?ne\s+)?s['’]\s*(?:y\s+)?(?:attard|appesanti|étend|etend)\w*"
    # ", sans entrer dans le détail" after what was named; at a sentence's start it
    # introduces what is said ("Sans entrer dans les détails, il explique que…")
    r"|,\s*sans\s+(?:entrer|rentrer)\s+dans\s+(?:le|les)\s+d[ée]tails?"
    rf"|\b(?:évoqu|evoqu|mentionn|abord|effleur){PARTICIPLE}\s+(?:\w+\s+)?(?:en\s+passant|bri[èe]vement)\b"
    r"|\b(?:en\s+passant|bri[èe]vement)\s+(?:évoqu|evoqu|mentionn|abord)"
    rf"|\b(?:évoqu|evoqu|abord){PARTICIPLE}\s+rapidement\s+faute\s+de\s+temps"
    # the session did not take it up: "n'a pas été abordé", "que la table ronde n'a pas abordées"
    r"|\bn['’]\s*(?:a|ont|avait|avaient)\s+pas\s+(?:été|ete)\s+(?:abord|trait|développ|developp|approfondi|discut|détaill|detaill)"
    r"|\bn['’]\s*(?:a|ont|avait|avaient)\s+pas\s+abord"
    rf"|\b(?:fera|feront)\s+l['’]\s*objet\s+d['’]\s*une\s+(?:prochaine|future|autre)\s+{EVENT_NOUN}"
    rf"|\b(?:réserv|reserv|renvoy|report)(?:er|{PARTICIPLE})\s+(?:pour\s+|à\s+|a\s+)une\s+(?:prochaine|future|autre)\s+{EVENT_NOUN}"
    rf"|\b{EVENT_NOUN}\s+ult[ée]rieure"
)
# The next session's subject, announced at the end of a write-up ("a conclu en annonçant
# la prochaine session, consacrée aux formats courts"): the words after the announcement
# are that session's, not this one's; those before it may be a speaker's last words. Only
# where the sentence closes the session (a programme announcing its sessions keeps them).
ANNOUNCED = re.compile(
    r"(?i)\b(?:conclu|conclure|annon[cç]\w*|rendez-vous)\b[^.!?]{0,80}?"
    r"(?:\b(?:th[èe]me|sujet)\s+de\s+la\s+prochaine\s+(?:session|rencontre|table|soirée|soiree)"
    rf"|\bprochaine\s+{EVENT_NOUN}\b[^.!?]{{0,40}}?\bconsacr)"
)
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def without_asides(text: str) -> str:
    """A passage without what it says was not discussed (`NOT_DISCUSSED`, the whole
    sentence) or announces for a later session (`ANNOUNCED`, from the announcement on):
    the text searched for a session's words; its whole text is still what is shown."""
    if not NOT_DISCUSSED.search(text) and not ANNOUNCED.search(text):
        return text
    kept = []
    for sentence in SENTENCE_END.split(text):
        if NOT_DISCUSSED.search(sentence):
            continue
        announced = ANNOUNCED.search(sentence)
        kept.append(sentence[: announced.start()] if announced else sentence)
    return " ".join(part for part in kept if part.strip())


# French inverted subjects: "fera-t-il" is "fera", "peut-on" is "peut".
INVERTED_SUBJECT = re.compile(r"-(?:t-)?(?:il|elle|on|ils|elles|je|tu|nous|vous|ce)\b")
# English possessives and contractions: "boss's" is "boss", "don't" is "do".
ENGLISH_CLITIC = re.compile(r"(?<=[a-z])'(?:s|re|ve|ll|d|m)\b|n't\b")


def words(text: str) -> list[str]:
    """Folded words of a text, French elisions ("l'IA", "qu'on"), inverted subjects
    ("fera-t-il") and English possessives and contractions ("boss's", "don't") removed."""
    return WORD.findall(ENGLISH_CLITIC.sub("", INVERTED_SUBJECT.sub(" ", ELISION.sub(" ", fold(text)))))


def content_words(text: str, *, keep: frozenset[str] = frozenset()) -> list[str]:
    """Folded words that carry meaning: stop words and one-letter words removed, except
    those in `keep` (a question's acronyms, "X")."""
    return [
        w for w in words(text) if (w not in STOPWORDS or w in keep) and (len(w) > 1 or w in keep) and not w.isdigit()
    ]


ACRONYM = re.compile(r"\b(?:[A-Z]{2,5}|X)\b")  # "X": the platform once called Twitter


def acronyms(text: str) -> frozenset[str]:
    """Folded words written in capitals ("AI", "IT", "UX"), unless the whole text is.

    An acronym is a subject even when its letters spell a stop word of the other
    language ("AI" is French "ai", "IT" English "it"). A question of one or two words
    ("AI ?", "IA et RH") is read as acronyms, not as shouted."""
    found = ACRONYM.findall(text)
    every_word = re.findall(r"[^\W\d_]+", text)
    if len(every_word) >= SHOUTED_WORDS and len(found) * 2 > len(every_word):
        return frozenset()  # written in capitals throughout: nothing stands out
    return frozenset(fold(token) for token in found)


def written_as_acronym(token: str) -> bool:
    """A word as written is an acronym: in capitals ("B2B", "SNCF"), or capitals with a
    plural "s" ("MPs", "KPIs")."""
    return token.isupper() or bool(PLURAL_ACRONYM.fullmatch(token))


PLURAL_ACRONYM = re.compile(r"[A-Z]{2,5}s")


# Words a question needs before capitals throughout read as shouting ("WHAT WAS SAID").
SHOUTED_WORDS = 3


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    """A Snowball stemmer, built once per language."""
    return Stemmer.Stemmer(language)


@lru_cache(maxsize=200_000)
def stems(word: str) -> tuple[str, ...]:
    """The French and English stems of one folded word (one or two distinct forms)."""
    french = _stemmer("french").stemWord(word)
    english = _stemmer("english").stemWord(word)
    return (french,) if french == english else (french, english)


def index_tokens(text: str) -> list[str]:
    """BM25 tokens of a passage: both stems of each content word, and of each part of a
    hyphenated one ("fact-checking" is also "fact" and "checking", "Covid-19" "covid")."""
    return [stem for word in content_words(text) for part in with_parts(word) for stem in stems(part)]


def with_parts(word: str) -> list[str]:
    """A word and, when it is hyphenated, the word written joined ("start-up" is also
    "startup", "e-sport" "esport": both spellings are current) and its parts that carry
    meaning."""
    if "-" not in word:
        return [word]
    parts = [p for p in word.split("-") if len(p) > 1 and not p.isdigit() and p not in STOPWORDS]
    return [word, word.replace("-", ""), *parts]


MAX_QUESTION_CHARS = 1000
# Which general resources a question's words are bridged with (smcbot.language).
RESOURCES = frozenset({"freedict", "lemmas", "cognates", "wordfreq", "club_words", "typos"})


def expansions(word: str) -> list[str]:
    """The folded word, its parts if hyphenated, what it abbreviates, the platform it is
    derived from ("tiktokeur"), and its French equivalents from the club's jargon lexicon."""
    translated = EN_TO_FR.get(word, "").split() + ABBREVIATIONS.get(word, "").split()
    platform = platform_of(word)
    if platform and platform != word:
        translated.append(platform)
    return [*with_parts(word), *[t for t in dict.fromkeys(translated) if t != word]]


# In a fixed order, so that a word two names could start gets the same one in every process.
PLATFORMS_IN_ORDER = tuple(sorted(PLATFORM_NAMES))

# The endings that make a platform's name a word for its users or their trade, in
# French and English: "tiktokeur", "instagrameuse", "twitcheurs", "youtuber", "linkedinien".
PLATFORM_SUFFIXES = ("eur", "euse", "eurs", "euses", "er", "ers", "ien", "iens", "ienne", "iennes")


def platform_of(word: str) -> str | None:
    """The platform a folded word names or is derived from ("tiktokeur" → "tiktok",
    "instagrammeuse" → "instagram"), None for any other word."""
    if word in PLATFORM_NAMES or word in PLATFORM_WORDS:
        return word
    for platform in PLATFORMS_IN_ORDER:
        stem = platform[:-1] if platform.endswith("e") else platform  # "youtubeur"
        if word.startswith(stem):
            rest = word[len(stem) :]
            rest = rest[1:] if rest[:1] == stem[-1] else rest  # "instagrammeur"
            if rest in PLATFORM_SUFFIXES:
                return platform
    return None


@dataclass(frozen=True)
class QueryWord:
    """One content word of a question and everything the search needs to know of it.

    `forms` are the index tokens (stems) that count as this word in the archive: its
    own French and English stems, its lemma's, and those of its French translations
    and cognates. `zipf` is how common the word is in general English or French
    (wordfreq, 0-7): a common word tells less about the topic than a rare one.
    `translated_forms` are the forms that come only from a dictionary translation, each
    with how common that translation is in general French: the relevance gate judges
    with its own settings which are among the commonest words ("weather" → "temps",
    which the archive mostly uses for time), forms through which alone a session
    shares no clue with the question.
    """

    word: str
    forms: tuple[str, ...]
    name: bool = False
    zipf: float = 0.0
    translated_forms: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Query:
    """A question analysed once: read by retrieval, the relevance gate and answering."""

    text: str
    language: str
    words: tuple[QueryWord, ...]
    club_words: tuple[str, ...] = ()
    near_now: bool = False  # dated from the asker's days around now (`NEAR_NOW`): "demain", "hier soir"
    practical: bool = False  # what a law or scheme provides, how to use it, or news (`practical`)
    scheme_words: frozenset[str] = frozenset()  # the words naming a law or scheme it names (`scheme_words`)
    asks_who_ran: bool = False  # who ran a session it names (`asks_who_ran`): "who hosted the … talk?"
    asks_for: AskedFact | None = None  # a fact only a write-up stating it answers (`asked_fact`)

    @property
    def asks_price(self) -> bool:
        """Whether the question asks what something costs or pays (`AMOUNT`)."""
        return self.asks_for is AMOUNT

    @property
    def term_groups(self) -> list[list[str]]:
        """For each word, the stems any of its forms may take (BM25 searches them all)."""
        return [list(w.forms) for w in self.words]

    @property
    def size(self) -> int:
        """How many content words the question has, the club's own words included but those
        pointing at the archive itself: they never match, so "Comment devenir membre du
        club ?" needs more than "devenir", while "quelles sessions ont parlé de YouTube ?"
        asks no more than "YouTube"."""
        return len(self.words) + len([word for word in self.club_words if word not in ARCHIVE_WORDS])

    @property
    def names(self) -> list[str]:
        """The words written like names ("TikTok", "RGPD")."""
        return [w.word for w in self.words if w.name]

    def original(self, folded: str) -> str:
        """A word as the asker wrote it ("TikTok" rather than "tiktok")."""
        for token in re.findall(r"[\w'-]+", self.text):
            if fold(token) == folded:
                return token
        return folded


def analyse(question: str, lexicon=None) -> Query:
    """Analyse a question once: its language, content words, their forms and names.

    Args:
        question: the question as asked (cut to MAX_QUESTION_CHARS).
        lexicon: the index's `smcbot.language.Lexicon` (English→French), if any.
    """
    text = question.strip()[:MAX_QUESTION_CHARS]
    general = _general(lexicon)
    language = detect_language(text, general)
    who_ran = asks_who_ran(text)
    topical = _without_seasons_dated(
        _without_asker_now(_without_club_phrases(_without_who_ran(text) if who_ran else text))
    )
    names = set(named_terms(topical))
    originals = _original_forms(topical)
    found, club = [], []
    capitals = acronyms(topical)
    for word in dict.fromkeys(content_words(topical, keep=capitals)):
        if "club_words" in RESOURCES and _club_word(word, originals.get(word, word), language, general):
            club.append(word)
            continue
        if word not in capitals and (
            _unknown_month(word, lexicon) or _time_of_day(word, lexicon) or _generic_verb(word, language, general)
        ):
            continue
        original = originals.get(word, word)
        named = word in names or platform_of(word) is not None
        frequency = _frequency(original, word in capitals, general) if "wordfreq" in RESOURCES else 0.0
        if word in PLATFORM_WORDS:  # a platform's own stems only: no translation, lemma or slip
            forms, translated = _platform_forms(word, lexicon), {}
        else:
            forms, translated, slip = _word_forms(word, frequency, named, language, lexicon)
            if slip:  # "comunity": searched as the archive's "community", as common as it is
                frequency = _frequency(slip, False, general)
        every = tuple(sorted(forms | set(translated)))
        found.append(QueryWord(word, every, named, frequency, tuple(sorted(translated.items()))))
    return Query(
        text,
        language,
        tuple(found),
        tuple(club),
        near_now=bool(NEAR_NOW.search(text)),
        practical=practical(text),
        scheme_words=scheme_words(text),
        asks_who_ran=who_ran,
        asks_for=asked_fact(text),
    )


# A question asking what something costs or pays, an amount of money (folded text):
# "how much does the app cost a town?", "combien coûte l'abonnement ?", "prix d'une
# licence ?", "community manager salary". Not how much something changed ("how much did
# the views go up", "how much of the budget", "how much was the drop"): a share or a
# trend, not a price. Not "combien de …": a count.
_NOT_A_CHANGE = (
    r"(?![^?.!]*\b(?:up|down|drops?|dropped|rise|rose|grow|grew|growth|fall|fell|increase\w*|decrease\w*|share"
    r"|percent|more|less|fewer|bigger|smaller|longer|shorter|faster|slower|cheaper|time|views?|followers?|reach)\b)"
)
_PAYING_EN = (
    r"(?:cost|costs|charge|charges|charged|pay|pays|paid|spend|spent|earn|earns|earned|make|makes|made|raise|raised"
    r"|bring in|brought in|sell|sells|sold|offer|offered|worth)"
)
PRICE_ASKED = (
    re.compile(
        r"\bhow much (?!of\b)"
        + _NOT_A_CHANGE
        + r"(?:money\b|(?:does|do|did|will|would|is|was|are|were)\b[^?.!]{0,60}\b"
        + _PAYING_EN
        + r"\b|(?:is|was|are|were) (?:a|an|one|the|each|it|they)\b|for\b)"
    ),
    # a price or a fee named first ("price of a sponsored story?", not "the price of
    # fame" mid-sentence, nor a rate or what a crisis costs a brand), a salary, a charge
    re.compile(
        r"^(?:(?:what(?:'s| is| are) the |any )?(?:average |typical )?)?(?:price|fee)s? (?:of|for|per)\b"
        r"|\bsalary\b|\bwhat (?:does|did|do) [^?.!]{1,40} (?:cost|charge)\b"
        # "what price was a baguette…" (not "at what price does the app flag a listing": a
        # threshold, not what something costs)
        r"|(?<!\bat )\bwhat (?:price|fee)s? (?:was|is|are|were)\b"
    ),
    re.compile(
        r"\bcombien (?:ca |cela |est-ce que ca )?(?:coute|coutent|coutait|a coute|ont coute|paie|paye|payent|paient"
        r"|a paye|ont paye|gagne|gagnent|a gagne|touche|touchent|rapporte|a rapporte|ont rapporte|a recolte"
        r"|ont recolte|a leve|ont leve|facture|facturent|a facture|vend|vendent)\b(?! de\b)"
        r"(?![^?.!]*\ben (?:abonnes|vues|followers|likes|clics|visites|inscriptions|clients)\b)"
    ),
    re.compile(
        r"\bc'est combien\b(?! de\b)|\b(?:ca |cela )?coutent? combien\b|\bpaye(?:e|s|es)? combien\b"
        r"|\b(?:ca|cela) (?:donne|rapporte) combien\b(?! de\b)"
        r"|^(?:(?:le |la |quel |quelle )?(?:prix|tarif|salaire|montant)s? (?:de|du|des|d'|par))"
        r"|\bcombien (?!de\b|d')[^?.!]{0,30}\b(?:paient|payent|facturent|touchent)\b(?! de\b)"
        r"|\bquels? (?:prix|tarifs?|budget|salaire|montant)\b"
    ),
)
# What states a price in a write-up: a currency, or that something is free or paid for.
AMOUNT_OF_MONEY = re.compile(
    r"€|\$|£|\b(?:euros?|centimes?|dollars?|gratuite?s?|gratuitement|payante?s?|free of charge)\b", re.IGNORECASE
)


# A question that says whose words it asks about ("selon Marc", "d'après la mairie",
# "according to the panel"): what was said, which the archive holds.
_NOT_A_SPEAKER = r"^(?![^?.!]*\b(?:selon|d'apres|according to)\b)"
# A question asking whether something is legal (folded text): "is it legal for parents to
# post…?", "is posting photos of kids legal?", "c'est légal de filmer…?", "a-t-on le droit
# d'obliger…?". Not "legal" naming a thing ("legal tech", "legal action", "legally
# binding"), nor what a speaker said of it ("selon l'avocate, c'est légal ?").
_LEGAL_EN = r"(?:legal|illegal|lawful|unlawful|against the law)(?=\s*(?:[?.!,]|$|to\b|for\b|in\b|under\b|here\b|now\b))"
LEGALITY_ASKED = tuple(
    re.compile(
        _NOT_A_SPEAKER + r"(?![^?.!]*\b(?:parle\w*|dit|intervenants?|speakers?|panel|said|say|mentioned)\b).*" + pattern
    )
    for pattern in (
        r"\b(?:is|was|isn't|wasn't|would|will) (?:it|this|that) (?:be )?(?:even |actually |really |still )?"
        + _LEGAL_EN,
        r"\b(?:is|are) [^?.!]{1,60}\b" + _LEGAL_EN,
        r"\blegally (?:allowed|permitted|required|obliged)\b|\b(?:can|may|could) [^?.!]{1,40}\blegally\b(?! binding)",
        r"\b(?:est-ce|c'est|est-il|est-elle|serait-ce|ce serait|c'etait) (?:vraiment |bien |meme |encore )?"
        r"(?:legal|illegal|legale|illegale|licite|illicite)\b",
        r"\b(?:a-t-on|avons-nous|ai-je|a-t-il|a-t-elle|ont-ils|ont-elles|on a|j'ai|est-ce qu'on a)"
        r" (?:vraiment |bien |encore )?le droit d(?:e\b|')|\blegalement\b",
    )
)
# What shows a write-up speaks of the law: a law, its texts, its bodies, its people and its
# courts (folded text).
LEGAL_MATTER = re.compile(
    r"\b(?:lois?|legal|legale|legales|legaux|illegal\w*|legalement|juridique\w*|juristes?|avocate?s?"
    r"|droit (?:a l'image|d'auteur|du travail|du numerique|social|de la consommation|des marques)|le droit d[e']"
    r"|rgpd|cnil|dgccrf|arpp|arcom|decrets?|reglementations?|reglementaires?|tribuna(?:l|ux)|jurisprudence"
    r"|code (?:penal|civil|du travail|de la consommation)|licite|illicite|pratiques commerciales trompeuses"
    r"|legislations?|laws?|lawful|unlawful|legally|gdpr)\b"
)
# A sentence saying a subject was raised without being taken up, in the words
# `NOT_DISCUSSED` (which the index leaves out of the words searched) does not know:
# "la table ronde n'a pas eu le temps de l'aborder", "n'a pas souhaité la détailler",
# "elle mériterait une session à elle seule", "rappelle au passage que…". Read when a
# question is answered (`in_passing`), so an index built before needs no rebuild.
NOT_TAKEN_UP = re.compile(
    r"(?i)\bsans\s+(?:entrer|rentrer)\s+dans\s+(?:le|les)\s+d[ée]tails?\b(?!\s*,)|\ben\s+passant\b|\bau\s+passage\b"
    r"|\bn['’]\s*(?:a|ont)\s+pas\s+(?:eu\s+le\s+temps|souhaité|souhaite|voulu)\b"
    r"|\bpas\s+(?:été|ete)\s+(?:abord|trait)\w*|\bmériterai(?:en)?t\s+une\s+(?:session|table\s+ronde)"
)


def in_passing(sentence: str) -> bool:
    """Whether a sentence says what it names was not discussed (`NOT_DISCUSSED`,
    `NOT_TAKEN_UP`)."""
    return bool(NOT_DISCUSSED.search(sentence) or NOT_TAKEN_UP.search(sentence))


def split_passing(text: str) -> tuple[str, str]:
    """A text's sentences naming a subject only in passing (`in_passing`), and the rest."""
    passing, rest = [], []
    for sentence in SENTENCE_END.split(text):
        (passing if in_passing(sentence) else rest).append(sentence)
    return " ".join(passing), " ".join(rest)


def outside_passing(text: str) -> str:
    """The text without its sentences naming a subject only in passing (`in_passing`)."""
    return split_passing(text)[1]


@dataclass(frozen=True)
class AskedFact:
    """A kind of fact a question may ask for that only a write-up stating it answers:
    an amount of money ("combien coûte … ?"), what the law allows ("is it legal to … ?").
    A session that matches the question's words without stating any, or stating it only
    in passing, is no answer to it (`smcbot.retrieval`); `reply` is the wording key of
    the reply saying so."""

    name: str
    reply: str
    asked: tuple[re.Pattern[str], ...]  # read on the folded question
    stated: re.Pattern[str]  # read on a write-up's text (folded when `folded`)
    folded: bool = False
    # How often a write-up must state it to answer: one amount is an answer; the law
    # named once ("se former aux contenus et aux réglementations") is no discussion of it.
    min_mentions: int = 1
    # Whether it must be stated of the thing asked: an amount is the price of something
    # ("combien coûte une place de concert ?" is not answered by what a channel earns).
    of_the_thing: bool = False

    def asked_in(self, question: str) -> bool:
        """True if the question asks for this kind of fact."""
        folded = fold(question)
        return any(pattern.search(folded) for pattern in self.asked)

    def stated_in(self, text: str) -> bool:
        """True if the text (a passage) states this kind of fact."""
        return bool(self.stated.search(self._as_read(text)))

    def statements(self, write_up: str) -> list[tuple[frozenset[str], int]]:
        """The sentences of a write-up stating this kind of fact, other than in passing ("a
        participant raised the children's image rights; it would deserve a session of its
        own"): each as its stems (`sentence_stems`) and how often it states it."""
        sentences = SENTENCE_END.split(outside_passing(write_up))
        found = []
        for number, sentence in enumerate(sentences):
            count = len(self.stated.findall(self._as_read(sentence)))
            if count:  # the sentences around it may name what the amount is of
                around = " ".join(sentences[max(number - 1, 0) : number + 2])
                found.append((sentence_stems(around), count))
        return found

    def answered_by(self, statements: list[tuple[frozenset[str], int]], thing: frozenset[str] = frozenset()) -> bool:
        """True if a write-up's `statements` state this kind of fact often enough
        (`min_mentions`); with `thing` (the stems naming what is asked about) and
        `of_the_thing`, only the sentences naming it count."""
        of_it = bool(thing) and self.of_the_thing
        return sum(count for said, count in statements if not of_it or thing & said) >= self.min_mentions

    def answered_in(self, write_up: str, thing: frozenset[str] = frozenset()) -> bool:
        """True if a whole write-up states this kind of fact (`statements`, `answered_by`)."""
        return self.answered_by(self.statements(write_up), thing)

    def _as_read(self, text: str) -> str:
        """The text as `stated` reads it: folded when `folded`."""
        return fold(text) if self.folded else text


# A record asked for ("c'est quoi le record de…", "the world record for…"), not the verb
# ("why did they record the podcast outside?"); a write-up states one by the word.
RECORD_ASKED = (
    re.compile(
        r"\b(?:le|un|du|au|ce|son|leur|nouveau|the|a|world|all[- ]time|new|their|its) records?\b"
        r"(?! (?:it|them|the|a|an|label|labels|store|shop|player)\b)"
        r"|\brecords? (?:de|du|des|d'|for|of)\b|\brecord-breaking\b"
    ),
)
RECORD_STATED = re.compile(r"\brecords?\b|\bjamais (?:vu|atteint|egale)\b")

AMOUNT = AskedFact("amount", "no_amount", PRICE_ASKED, AMOUNT_OF_MONEY, of_the_thing=True)
LEGALITY = AskedFact("legality", "no_legality", LEGALITY_ASKED, LEGAL_MATTER, folded=True, min_mentions=2)
RECORD = AskedFact("record", "no_record", RECORD_ASKED, RECORD_STATED, folded=True)
ASKED_FACTS = (AMOUNT, LEGALITY, RECORD)


def sentence_stems(sentence: str) -> frozenset[str]:
    """The French and English stems of a sentence's content words."""
    return frozenset(stem for word in content_words(sentence) for part in with_parts(word) for stem in stems(part))


def asked_fact(question: str) -> AskedFact | None:
    """The kind of fact the question asks for (`ASKED_FACTS`), None for most questions."""
    return next((fact for fact in ASKED_FACTS if fact.asked_in(question)), None)


def asks_price(question: str) -> bool:
    """True for a question asking what something costs, pays or earns (`PRICE_ASKED`)."""
    return AMOUNT.asked_in(question)


# The stems of the words stating a price, one more group of terms for the quotes of a
# question asking one: the sentence giving the amount is the one to quote.
AMOUNT_STEMS = ["euro", "centim", "dollar", "gratuit", "payant"]


def quote_terms(term_groups: list[list[str]], query: Query) -> list[list[str]]:
    """The terms a question's quotes are chosen by: its words' stems (`term_groups`, a
    translation's included), and for a question asking a price, the words stating one
    (`AMOUNT_STEMS`)."""
    return term_groups + ([AMOUNT_STEMS] if query.asks_price else [])


def wants_an_amount(wanted: set[str]) -> bool:
    """Whether the stems a quote is chosen by are a price question's (`AMOUNT_STEMS` among them)."""
    return wanted.issuperset(AMOUNT_STEMS)


def states_an_amount(text: str) -> bool:
    """True if the text gives a price or an amount of money (`AMOUNT_OF_MONEY`)."""
    return AMOUNT.stated_in(text)


# A law, a rule or a public scheme, as named in French and in English (folded text).
_LAW_FR = (
    r"(?:lois?|decrets?|reglementation|reglement|regles|chartes?|dispositifs?|labels?|bonus|primes?|allocations?"
    r"|subventions?|credits? d'impot|aides? de l'etat|directives?|rgpd|dsa|dma)"
)
_LAW_EN = (
    r"(?:laws?|lois?|act|decrees?|regulations?|rules|charters?|schemes?|labels?|tax credits?|grants?|subsid(?:y|ies)"
    r"|allowances?|bonus|directives?|gdpr|dsa|dma)"
)
# What such a text does, said of it in French: "la loi Egalim impose quoi ?". The
# lookbehinds leave out a speaker's words: "qu'a dit la juriste", "ont dit", "en dit",
# "qu'a-t-elle dit" (not "elle interdit": "la loi Evin, elle interdit quoi ?").
_PROVIDES_FR = (
    r"(?<!\ba )(?<!\bont )(?<!\ben )(?<!-t-elle )(?<!-t-il )"
    r"(?:dit|prevoit|prevoient|impose|imposent|interdit|interdisent|exige|exigent|oblige|obligent|couvre|autorise)"
)
_PROVIDES_EN = r"(?:say|require|ban|cover|allow|forbid|impose|change|mean|provide)"
# A public scheme whose amount or use a citizen asks about (not "les règles de
# l'algorithme", not a brand's payment in kind).
_SCHEME_FR = r"(?:bonus|primes?|aides?|allocations?|subventions?|credits? d'impot|pass \w+|cheques? \w+|cpf)"
_SCHEME_EN = r"(?:grants?|subsid(?:y|ies)|allowances?|tax credits?|bonus|vouchers?|pass|cpf)"
_ACCOUNT_EN = r"(?:accounts?|vouchers?|pass|cards?|credits?|allowances?|grants?|bonus|cpf)"
# A public scheme, as opposed to a brand's or an employer's ("la prime de Noël chez…").
_PUBLIC_SCHEME_FR = r"(?:pass \w+|cpf|allocations? \w+|aides? de l'etat|primes? a la \w+|cheques? energie)"
# A competition of the world, whose winner is news.
_CONTEST = (
    r"(?:cup|final|finals|championships?|title|league|tournament|prize|award|trophy|medal|election|race|bocuse"
    r"|coupe|finale|championnat|titre|ligue|tournoi|prix|trophee|medaille|election|course)"
)
# Questions asking what a law or a public scheme provides, how something works or how
# to use it as a citizen, or a fact of the world beyond the sessions (when a ban comes,
# the best time to post). The archive reports what was said at round
# tables: it answers them only from a session about that subject, not from one naming
# it in passing (`smcbot.retrieval`). Each pattern keeps a speaker's view out ("what does
# Claire Morel think of the Evin law?", "les intervenants en disent quoi ?"): that
# is what the archive holds.
PRACTICAL_PATTERNS = (
    # "la loi Egalim impose quoi exactement ?", "que dit la loi Evin ?", "qu'interdit le décret ?"
    # (the verb close to the law, not "que dit" of a speaker: "la loi Evin : que dit Claire Morel ?")
    re.compile(rf"\b{_LAW_FR}\b[^?.!]{{0,30}}(?<!\bque )(?<!\bce que )\b{_PROVIDES_FR}\b"),
    re.compile(
        rf"(?:\b(?:que|qu'est-ce que|qu'est ce que) {_PROVIDES_FR}|\bqu'(?:impose|interdit|exige|autorise))"
        rf"(?: exactement| concretement| vraiment)? (?:la |le |les |l')?{_LAW_FR}\b"
    ),
    # "que change la loi Matras pour les bénévoles ?", "quelle indemnisation prévoit le
    # règlement européen ?" (what the text itself changes or grants)
    re.compile(
        rf"\b(?:que|qu'est-ce que|qu'est ce que) change(?:nt)? (?:concretement |vraiment )?(?:la |le |les |l')?"
        rf"{_LAW_FR}\b"
        rf"|\bquel(?:le)?s? (?:[\w'-]+ ){{1,3}}(?:prevoit|prevoient|impose|imposent|exige|exigent|accorde|garantit)"
        rf" (?:la |le |les |l')?{_LAW_FR}\b"
    ),
    # "c'est quoi la loi Evin ?", "la prime, c'est quoi ?"
    re.compile(rf"\bc'est quoi (?:la |le |les |l')?{_LAW_FR}\b|\b{_LAW_FR}\b[^?.!]{{0,40}}\bc'est quoi\b"),
    # "what does the Studer law require?", "the DSA requires what?", "what's actually in the charter?"
    re.compile(
        rf"\bwhat (?:exactly |actually |really )?(?:does|do) [^?.!]{{0,40}}\b{_LAW_EN}\b[^?.!]{{0,40}}"
        rf"\b{_PROVIDES_EN}\b"
    ),
    # "what fines does the Naegelen law set?" (what it sets, not "what goals do the speakers set")
    re.compile(
        rf"\bwhat (?:fines|penalties|sanctions|obligations) (?:does|do) (?:the |this |that )?"
        rf"[^?.!]{{0,30}}\b{_LAW_EN}\b"
    ),
    re.compile(
        rf"\b{_LAW_EN} (?:says|requires|bans|covers|allows|forbids|imposes|provides)\b"
        rf"|\bwhat's (?:actually )?in (?:the |this |that )?[^?.!]{{0,40}}\b{_LAW_EN}\b"
    ),
    # "what are the ANJ's rules for…", "what is the Evin law?", "what's the … law about"
    re.compile(
        r"\bwhat are the [\w-]+'s (?:rules|regulations|conditions|criteria)\b"
        r"|\bwhat are the (?:rules|conditions|criteria) (?:to|for) (?:get|getting|apply|applying|qualify|claim)\w*\b"
    ),
    re.compile(rf"\bwhat(?:'s| is) (?:the |this |that )?[^?.!]{{0,40}}\b{_LAW_EN}\b(?: about)?\s*(?:[?.!]|$)"),
    # how it works: "FR-Alert ça marche comment ?", "how does the tax credit work?"
    re.compile(r"\b(?:ca|cela) (?:marche|fonctionne) comment\b|\bcomment (?:ca|cela) (?:marche|fonctionne)\b"),
    # "comment fonctionne le pass Culture ?" (a law or a scheme: "comment fonctionne la
    # cuisine centrale ?" asks what a speaker told of their own)
    re.compile(rf"\bcomment (?:marche|fonctionne)(?:nt)? (?:une?|la|le|les|l')?\s*(?:{_LAW_FR}|{_SCHEME_FR})\b"),
    # or a part of a public one: "comment marche le reste à charge du CPF ?" (not "le système
    # de primes chez Decathlon", a speaker's own)
    re.compile(
        rf"\bcomment (?:marche|fonctionne)(?:nt)? (?:une?|la|le|les|l')?\s*(?:[\w-]+ ){{0,3}}(?:du|de la|de l'|des) ?"
        rf"{_PUBLIC_SCHEME_FR}\b"
    ),
    # "la loi Egalim, ça change quoi pour les éleveurs ?" (a law proper, not "les règles de
    # l'algorithme"; not "selon les intervenants": what speakers said)
    re.compile(
        r"\b(?:lois?|decrets?|reglement|directives?|rgpd|dsa|dma)\b[^?.!]{0,30}\b(?:ca|cela) (?:change|a change) quoi\b"
        r"(?![^?.!]*\b(?:selon|d'apres)\b)"
    ),
    # "how does the video game tax credit work?" (a law or a scheme: "how does ordering fish
    # from the coop work?" asks what a speaker told of their own)
    re.compile(
        rf"\bhow does (?=[^?.!]{{0,60}}\b(?:{_LAW_EN}|{_SCHEME_EN})\b)[^?.!]{{1,60}}\bwork"
        r"\s*(?:[?,.!]|$| in\b| for (?:me|us|people|students|families)\b)"
    ),
    # who may use it, and how: "who qualifies?", "comment s'inscrire ?", "can I pay with my CPF?"
    re.compile(r"\bwho (?:qualifies|is eligible|can apply)\b|\b(?:am i|are we|is my \w+) eligible\b"),
    re.compile(r"\bqui (?:a|y a) droit\b|\bai-je droit\b|\bj'y ai droit\b"),
    re.compile(r"\bcomment (?:on |je |faire pour )?(?:s'inscri\w*|candidate\w*|postule\w*|en beneficier)\b"),
    re.compile(rf"\bcomment (?:obtenir|toucher|demander|beneficier d[eu']) ?(?:la |le |les |l'|un |une )?{_LAW_FR}\b"),
    re.compile(r"\bhow (?:do|can) (?:i|we|you) (?:apply|sign up|register|claim|qualify)\b|\bhow to (?:apply|claim)\b"),
    re.compile(
        rf"\b(?:on peut|peut-on|je peux|puis-je) payer [^?.!]{{1,50}}\bavec (?:le |la |l'|mon |ma |son |sa |un |une )?"
        rf"(?:compte \w+|{_SCHEME_FR})\b"
    ),
    re.compile(
        rf"\bcan (?:i|we|you) pay (?:for )?[^?.!]{{1,50}}\bwith (?:my|our|your|the|a) [^?.!]{{0,20}}\b{_ACCOUNT_EN}\b"
    ),
    re.compile(
        r"\bfaut quoi comme (?:conditions|papiers|documents)\b"
        r"|\bconditions? pour (?:avoir|obtenir|beneficier|toucher)\b"
    ),
    # facts of the world beyond the sessions: what will happen, when to post. Not "who
    # won": a session may tell who won its own contest ("qui a gagné le tournoi de
    # tetris à la médiathèque ?"), in its text rather than its takeaways.
    re.compile(r"\bwhen will\b|\bc'est pour quand\b"),
    # which law provides it, what the rules give (not "selon Paul, de quelle loi…")
    re.compile(
        rf"{_NOT_A_SPEAKER}(?![^?.!]*\b(?:parle\w*|dit|intervenants?|speakers?|panel|said|say|says|mentioned|discussed"
        r"|think|thinks)\b)"
        r".*(?:\b(?:de|par) quelle loi\b|\bwhich law\b|\bunder (?:the )?(?:eu|french|european) (?:rules|law|laws"
        r"|regulations?)\b"
        # a text named ("under the Montreal convention", "under the Digital Services Act"),
        # not "under the new law"
        r"|\bunder (?:the )?(?!(?:new|current|same|old|proposed|latest|existing) )(?:[\w-]+ ){1,3}"
        r"(?:convention|treaty|act|law|directive|regulation)\b)"
    ),
    # a procedure, a rule's criteria: "comment on déclare un rappel produit ?", "c'est
    # quoi les nouveaux critères du questionnaire ?"
    re.compile(
        r"\bcomment (?:on |je )?(?:declare|signale)r? (?:un|une)\b"
        r"|\bc'est quoi les (?:nouveaux |nouvelles )?(?:criteres|regles|conditions)\b"
    ),
    # what a law forces on others, what a thing is and how it differs from another: the
    # news, not a round table
    re.compile(
        rf"{_NOT_A_SPEAKER}.*(?:\bhow (?:does|do|will) (?:the )?[^?.!]{{0,40}}\b{_LAW_EN}\b"
        r" (?:force|forces|make|makes|oblige|obliges)\b"
        r"|\bwhat(?:'s| is) [^?.!]{1,30} and how (?:is|does) it differ|\bwhat(?:'s| is) the difference between\b"
        r"|\bc'est quoi la difference entre\b)"
    ),
    # who invented something is its history (not "selon Paul, qui a inventé la grille ?")
    re.compile(rf"{_NOT_A_SPEAKER}.*\b(?:who invented|qui a invente)\b"),
    # what opens or takes place this year: "la ligne 3 du tram ouvre quand ?", "c'est quand
    # le salon cette année ?" (not what was said: "c'est quand qu'on a parlé de BeReal cette
    # année ?", "selon Marc, le magasin ouvre quand ?")
    re.compile(
        rf"{_NOT_A_SPEAKER}(?:.*\b(?:ouvre|ouvrira|rouvre|rouvrira) quand\b"
        r"|.*\bc'est quand\b(?![^?.!]*\b(?:parle|dit|session|sessions|rencontre|table ronde|intervenu)\b)"
        r"[^?.!]{0,40}\bcette annee\b)"
    ),
    # Who won a competition of a given year is the news ("who won the 2018 world cup?",
    # "who won the Bocuse d'Or this year"); undated, it may be a session's own contest,
    # and "gagner" is also to gain ("qui a gagné 14 000 abonnés en 2022 ?").
    re.compile(
        rf"\b(?:who won|qui a (?:gagne|remporte))\b(?=[^?.!]*\b{_CONTEST}\b)[^?.!]{{0,60}}"
        r"(?:\b(?:19|20)\d\d\b|\b(?:this|last) year\b|\bcette annee\b|\bl'an dernier\b|\bl'annee derniere\b)"
    ),
    # (asked of the world, at the question's start: not "what did the speakers say about the best time to post?")
    re.compile(
        r"^(?:(?:what(?:'s| is) the|any) )?best (?:time|day|hour)s?(?: of (?:the )?(?:day|week))? to post\b"
        r"|^(?:(?:quelle est la|c'est quoi la|la) )?meilleure? (?:heure|moment|jour)s?"
        r"(?: de (?:la )?(?:journee|semaine))? pour poster\b"
    ),
    # how much it is: "montant du bonus réparation ?", "how big is the grant?"
    re.compile(rf"\b(?:montant|combien)\b[^?.!]{{0,40}}\b{_SCHEME_FR}\b"),
    # "le pass culture ça donne combien ?": a public scheme (not a brand's bonus, nor what a
    # speaker said: "d'après Marie Roux, la prime c'est combien ?")
    re.compile(
        rf"{_NOT_A_SPEAKER}.*\b{_PUBLIC_SCHEME_FR}\b[^?.!]{{0,30}}\b(?:c'est|ca (?:donne|fait|rapporte)) combien\b"
    ),
    re.compile(rf"\bhow (?:big|much) (?:is|are) (?:the |this |that )?[^?.!]{{0,40}}\b{_SCHEME_EN}\b"),
)


# The noun of a law or a public scheme ("loi", "pass", "grant"; "aide" only as "l'aide de
# l'État": "l'appli qui aide les commerçants" is a verb), and how many content words
# either side of it name which one ("le pass culture", "the Evin law").
_SCHEME_NOUN = re.compile(
    rf"\b(?:{_LAW_FR}|{_LAW_EN}|{_SCHEME_FR}|{_SCHEME_EN}|conventions?|treat(?:y|ies))\b(?<!\baide)(?<!\baides)"
)
SCHEME_REACH = 2
# What a question asks of a law or scheme, beside its name: no part of the name.
SCHEME_ASKING = frozenset(
    """
    dit prevoit prevoient impose imposent interdit interdisent exige exigent oblige obligent couvre autorise
    change changent marche fonctionne fonctionnent toucher obtenir demander beneficier donne rapporte fait
    coute ouvre ouvrira say says require requires ban bans cover covers allow allows forbid forbids impose
    imposes mean means provide provides set sets work works cost costs change changes
    actually exactly really concretely exactement vraiment concretement
    """.split()
)

# What the question asks under a text ("the payout for a lost suitcase under the Montreal
# convention"): no part of its name.
SCHEME_BOUNDARY = frozenset({"under", "sous"})


def scheme_words(text: str) -> frozenset[str]:
    """The folded words naming the laws or schemes a question names: each one's noun and
    the `SCHEME_REACH` content words either side, up to what the question asks of it
    (`SCHEME_ASKING`): "le pass culture ça marche comment pour les ados" gives "pass"
    and "culture", not "ados", whom it is for; "comment toucher la prime à la
    conversion ?" gives "prime" and "conversion", not "toucher"."""
    folded = fold(text)
    blanked = ELISION.sub(lambda m: " " * len(m.group()), folded)  # the same positions
    capitals = acronyms(text)  # "the EU AI Act": "AI" is no French "ai"
    tokens = [
        token
        for token in WORD.finditer(blanked)
        if token.group() not in STOPWORDS or token.group() in capitals or token.group() in SCHEME_BOUNDARY
    ]
    words = [token.group() for token in tokens]
    found: set[str] = set()
    for noun in _SCHEME_NOUN.finditer(folded):
        inside = [i for i, token in enumerate(tokens) if token.start() < noun.end() and token.end() > noun.start()]
        if inside:
            found.update(words[inside[0] : inside[-1] + 1])
            found.update(_until_asked(words[: inside[0]][::-1]))
            found.update(_until_asked(words[inside[-1] + 1 :]))
    return frozenset(found - SCHEME_ASKING - SCHEME_BOUNDARY)


def _until_asked(words: list[str]) -> list[str]:
    """The first `SCHEME_REACH` words, up to what the question asks (`SCHEME_ASKING`) or
    the preposition putting the rest under the text (`SCHEME_BOUNDARY`)."""
    kept = []
    for word in words[:SCHEME_REACH]:
        if word in SCHEME_ASKING or word in SCHEME_BOUNDARY:
            break
        kept.append(word)
    return kept


def practical(text: str) -> bool:
    """Whether a question asks what a law or public scheme provides, how to use it, or a
    fact of the world beyond the sessions (`PRACTICAL_PATTERNS`)."""
    folded = fold(text)
    return any(pattern.search(folded) for pattern in PRACTICAL_PATTERNS)


def _word_forms(
    word: str, frequency: float, named: bool, language: str, lexicon
) -> tuple[set[str], dict[str, float], str | None]:
    """A word's own forms and its translated ones (`_forms`), those of the archive word it
    is a typing slip of added (`_slip`), and that word (None when it is no slip)."""
    forms, translated = _forms(word, language, lexicon)
    slip = _slip(word, frequency, named, lexicon)
    if slip:
        slipped, slipped_translated = _forms(slip, language, lexicon)
        forms |= slipped
        translated = _rarest(translated, slipped_translated)
    return forms, {stem: zipf for stem, zipf in translated.items() if stem not in forms}, slip


def _platform_forms(word: str, lexicon) -> set[str]:
    """A platform's name ("threads") counts as its own stems, never through a translation
    or a lemma, and only if the archive's French text writes the word: an archive that
    speaks only of "fils" of discussion (glossed "threads") does not know the platform.
    (Once it writes the word, its stems match as any word's do, glosses included.)"""
    if lexicon is not None and lexicon.words and not lexicon.knows(word):
        return set()
    return set(stems(word))


def _frequency(word: str, acronym: bool, general: LibraryWords | WordTables) -> float:
    """How common a word is in general language (Zipf): in the commoner of English and
    French, but for an acronym in the rarer ("AI" is not the French "ai" of "j'ai")."""
    pick = min if acronym else max
    return pick(general.zipf(word, "en"), general.zipf(word, "fr"))


def _slip(word: str, frequency: float, name: bool, lexicon) -> str | None:
    """The archive word a question word is a typing slip of: only for a word that is no
    name, unknown to the archive and too rare to be a word of general language (below
    the word tables' floor, where they read 0)."""
    if "typos" not in RESOURCES or name or frequency >= COMMON_ZIPF or lexicon is None or not lexicon.words:
        return None
    return lexicon.correction(word)


def _unknown_month(word: str, lexicon) -> bool:
    """A month the archive's text never names ("April" when no session says "avril"):
    it dates the question, it is not a subject the archive lacks."""
    if word not in MONTH_WORDS or lexicon is None or not lexicon.words:
        return False
    return not any(lexicon.knows(variant) for variant in [word, *lexicon.translate(word)])


# A time of day as typed: "18h", "18h30", "9am", "6pm".
TIME_OF_DAY = re.compile(r"^(?:[01]?\d|2[0-4])(?:h\d{0,2}|am|pm)$")  # not "48h", a duration


def _time_of_day(word: str, lexicon) -> bool:
    """A time of day the archive's text never writes that way ("18h" where a write-up says
    "18 h" or "18 heures"): it dates the question within a day, it is no subject."""
    if not TIME_OF_DAY.match(word) or lexicon is None or not lexicon.words:
        return False
    return not lexicon.knows(word)


def _generic_verb(word: str, language: str, general: LibraryWords | WordTables) -> bool:
    """True for a form of a verb that says nothing of a topic ("aurais", "devient")."""
    return "lemmas" in RESOURCES and fold(general.lemma(word, language)) in GENERIC_VERBS[language]


MEMBERSHIP_VERBS = frozenset({"adherer", "cotiser"})


def _club_word(word: str, original: str, language: str, general: LibraryWords | WordTables) -> bool:
    """A word naming the club, its format or its members (`CLUB_WORDS`), in any of its
    forms for the verbs of membership (`original`, as typed: the lemmas know "adhère",
    not "adhere"): "comment on adhère au club ?" asks how to join as "adhérer" does."""
    if word in CLUB_WORDS:
        return True
    if "lemmas" not in RESOURCES:
        return False
    # Only the verbs of membership: "intervient", "organisent", "joined" have other subjects
    # ("pourquoi l'État intervient", "why Gen Z joined BeReal"), and "clubs" are other clubs.
    lemmas = {fold(general.lemma(form, language)) for form in {word, original.lower()}}
    return bool(lemmas & MEMBERSHIP_VERBS)


def _without_club_phrases(text: str) -> str:
    """The question without the club's name and format phrases ("table ronde")."""
    if "club_words" not in RESOURCES:
        return text
    for phrase in CLUB_PHRASES:
        text = re.sub(rf"(?i)\b{phrase}\b", " ", text)
    return text


# The asker's days just before and after now ("demain", "hier soir", "this weekend"): a
# question dated so asks about the world around the asker (the weather, last night's
# match), which an archive of the club's past sessions does not hold.
# Not "les métiers de demain", "les médias d'hier", "the newsroom of tomorrow",
# "tomorrow's leaders": there the day names a topic.
NEAR_NOW = re.compile(
    r"(?i)\b(?:ce|this|next)\s+week[- ]?end\b|\ble\s+week[- ]?end\s+prochain\b|\b(?:ce\s+soir|tonight)\b"
    r"|(?<!\bde )(?<!\bd')(?<!\bd’)(?<!\bof )"
    r"\b(?:demain|apr[eè]s-demain|hier(?:\s+soir)?|tomorrow|yesterday)\b(?!['’]s)"
)
# Those and the asker's today ("aujourd'hui", "this week"): words that date a question
# from the asker's present name no topic, so they are no clue that a session answers
# ("météo à Lyon ce week-end ?" shares "week-end" with a Lyon write-up by chance).
ASKER_NOW = re.compile(
    NEAR_NOW.pattern + r"|\b(?:aujourd['’]hui|ce\s+matin|cette\s+semaine|today|this\s+(?:week|morning|evening))\b"
)


# French "se passer" ("qu'est-ce qui s'est passé en juin 2019 ?") asks what happened,
# like "what happened": no topic ("passé" alone is the past, "passe" a pass).
HAPPENED = re.compile(
    rf"(?i)\b(?:s['’]\s*|se\s+)(?:(?:est|était|etait|sont|étaient|etaient)\s+)?pass(?:{PARTICIPLE}|ait|aient|ent)\b"
)


# Who ran a session ("who hosted the lighthouse keepers talk", "qui animait la table
# ronde sur les phares ?") asks for one of its people, as "who spoke" does: the verb
# names the session's format, not its topic. Only where "who" or "qui" asks (the
# question's start, or after a comma) and a session is named: "who moderated the panda
# cam chat", "l'IA qui modérait les contenus" ask about moderating.
_SESSION_NOUN = (
    r"(?:talks?|sessions?|panels?|round ?tables?|meetups?|debates?|discussions?|events?|conferences?|workshops?"
    r"|evenings?|tables?[- ]rondes?|soir[ée]es?|rencontres?|d[ée]bats?|conf[ée]rences?|ateliers?|[ée]v[ée]nements?"
    r"|cercle|cycle|s[ée]ries?)"
)
# The session is what the verb is about: named within a few words after it ("the
# lighthouse keepers talk"), not later in the clause ("qui modérait les commentaires du
# journal, d'après la table ronde…" asks who moderated the comments).
_SESSION_NAMED = (
    r"(?=\s+(?:(?:the|this|that|la|le|les|l['’]|cette|ce)\s*)?(?:[\w'’#-]+\s+){0,3}?" + _SESSION_NOUN + r"\b)"
)
# Ran, in the past: "who hosts the Tous plateformisés talks?" asks of a series.
_RAN = r"(?:hosted|moderated|chaired|ran|led|animait|a\s+anim[ée]e?|mod[ée]rait|a\s+mod[ée]r[ée]e?)"
RAN_THE_SESSION = re.compile(
    r"(?i)(?:^|(?<=[,;:?!.]))(\s*(?:who|qui)\s+)"
    r"(?:" + _RAN + r"|emceed|was the (?:moderator|host|chair) of|animaient|pr[ée]sentait"
    r"|a\s+pr[ée]sent[ée]e?|[ée]tait l['’]\s*(?:animat(?:eur|rice)|mod[ée]rat(?:eur|rice)) d[eu])" + _SESSION_NAMED
)


# The session named first, then who ran it: "la session lyon sur l'accessibilité, qui
# animait ?", "the lighthouse talk, who hosted it?".
RAN_IT_AFTER = re.compile(
    r"(?i)^(?=[^?]*\b"
    + _SESSION_NOUN
    + r"\b[^?]*,\s*(?:who|qui)\s)[^?]*,(\s*(?:who|qui)\s+)"
    + _RAN
    + r"(?:\s+(?:it|la|le|l['’]))?(?=\s*[?.!]*\s*$)"
)


# "back in 2019", "back then": when, not what.
BACK_THEN = re.compile(r"(?i)\b(?:way\s+)?back(?=\s+(?:in\s+(?:19|20)\d\d|then)\b)")


# A season with its year dates the question ("le deuil en hiver 2021"): the search keeps
# to that period (`smcbot.routing`), and a session need not say "hiver" to answer.
SEASON_DATED = re.compile(
    r"(?i)\b(?:printemps|[ée]t[ée]|automne|hiver|spring|summer|autumn|fall|winter)(?=\s+(?:de\s+|of\s+|d')?(?:19|20)\d\d\b)"
)


def _without_seasons_dated(text: str) -> str:
    """The question without the seasons dating it (`SEASON_DATED`)."""
    return SEASON_DATED.sub(" ", text)


def _without_asker_now(text: str) -> str:
    """The question without the words that date it from the asker's present (`ASKER_NOW`)
    or in the past (`BACK_THEN`), and those asking what happened (`HAPPENED`)."""
    for frame in (ASKER_NOW, BACK_THEN, HAPPENED):
        text = frame.sub(" ", text)
    return text


# Who ran what the question names next, whatever it is; the caller checks that it is a
# session, a series or a period ("who hosts the Tous plateformisés talks?", "qui
# animait en 2019 ?"; not "… : qui modère les contenus sur Facebook ?"). A series is run
# in the present too.
WHO_RAN = re.compile(
    r"(?i)(?:^|(?<=[,;:?!.]))(\s*(?:et\s+|c'est\s+)?(?:who|qui)\s+(?:qui\s+)?)(?:"
    + _RAN
    + r"|hosts|moderates|chairs|runs|anime|animent|mod[èe]re|mod[èe]rent"
    + r"|(?:was|is) the (?:host|moderator|chair) of"
    + r"|[ée]tait l['’]\s*(?:animat(?:eur|rice)|mod[ée]rat(?:eur|rice)) d[eu])\b"
)


def who_ran_rest(question: str) -> str | None:
    """What a question asking who ran something names after its verb (`WHO_RAN`): "the
    Tous plateformisés talks?" of "who hosts the Tous plateformisés talks?"; None when
    it asks no such thing."""
    found = WHO_RAN.search(question)
    return question[found.end() :] if found else None


def without_who_ran_it(question: str) -> str:
    """The question without the verb asking who ran what it names (`WHO_RAN`)."""
    return WHO_RAN.sub(r"\1", question)


def asks_who_ran(question: str) -> bool:
    """True for a question asking who ran a session ("who hosted the … talk?", "la
    session lyon sur l'accessibilité, qui animait ?")."""
    return bool(RAN_THE_SESSION.search(question) or RAN_IT_AFTER.search(question))


def _without_who_ran(text: str) -> str:
    """The question without the verb asking who ran the session (`RAN_THE_SESSION`,
    `RAN_IT_AFTER`), read before the club's phrases go ("table ronde" names the session);
    "who" stays."""
    text = RAN_THE_SESSION.sub(r"\1", text)
    after = RAN_IT_AFTER.search(text)
    return text[: after.end(1)] + text[after.end() :] if after else text


def _original_forms(text: str) -> dict[str, str]:
    """Folded word → the word as written, lowercased, accents kept (for wordfreq)."""
    return {fold(token): token for token in written_words(text)}


def written_words(text: str) -> list[str]:
    """The words of a text as written, lowercased, accents kept, elisions removed."""
    text = text.replace("’", "'").lower()
    return re.findall(r"[^\W_]+(?:[-'][^\W_]+)*", re.sub(r"\b(?:l|d|j|qu|n|s|c|m|t)'", " ", text))


def _general(lexicon) -> LibraryWords | WordTables:
    """Where word frequencies and lemmas come from: the index's tables, else the libraries."""
    return lexicon.general if lexicon is not None else LIBRARY_WORDS


LIBRARY_WORDS = LibraryWords()


def _forms(word: str, language: str, lexicon) -> tuple[set[str], dict[str, float]]:
    """The stems that count as `word` in the archive, and apart those that come from a
    dictionary translation, each with that translation's general French frequency."""
    general = _general(lexicon)
    variants = set(expansions(word))
    english = language == "en" or ("wordfreq" in RESOURCES and general.more_english(word))
    if "lemmas" in RESOURCES:
        variants.add(fold(general.lemma(word, "en" if english else "fr")))
    translated: dict[str, float] = {}
    if english:
        for variant in list(variants):
            variants.update(EN_TO_FR.get(variant, "").split())
            if "freedict" in RESOURCES and lexicon is not None:
                for translation in lexicon.translate(variant):
                    zipf = general.zipf(translation, "fr") if "wordfreq" in RESOURCES else 0.0
                    translated = _rarest(translated, {stem: zipf for stem in stems(translation)})
            if "cognates" in RESOURCES and lexicon is not None:
                variants.update(lexicon.cognates(variant))
    own = {stem for variant in variants for stem in stems(variant)}
    return own, {stem: zipf for stem, zipf in translated.items() if stem not in own}


def _rarest(first: dict[str, float], second: dict[str, float]) -> dict[str, float]:
    """Two stems-to-frequency maps as one, a stem given by both taking the rarer frequency
    (a stem is among the commonest words only if every translation giving it is)."""
    return {stem: min(first.get(stem, zipf), second.get(stem, zipf)) for stem, zipf in (second | first).items()}


NAME_LIKE = re.compile(r"^(?:[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}\w*|[A-Z][\w-]+)$")


def named_terms(text: str) -> list[str]:
    """Folded words written like names (capitalised past the first word, CamelCase,
    acronyms): "TikTok", "WeChat", "RGPD", "Fagherazzi". A question naming something
    the archive never mentions is not answered by it."""
    raw = re.findall(r"[\w][\w'’-]*", text)
    names = []
    for position, token in enumerate(raw):
        token = re.sub(r"^(?:[lLdDjJ]|[qQ]u)['’]", "", token)
        if not token or not NAME_LIKE.match(token):
            continue
        sentence_start = position == 0 or token in {"I"}
        if sentence_start and not re.search(r"[A-Z].*[A-Z]", token):
            continue
        folded = fold(token)
        if folded not in STOPWORDS and len(folded) > 1:
            names.append(folded)
    return list(dict.fromkeys(names))


def detect_language(text: str, general: LibraryWords | WordTables | None = None) -> str:
    """Guess whether a question is French ("fr") or English ("en").

    Counts French and English function words; accented letters tip a tie
    towards French. A question they leave tied ("bonjour", "marque employeur") is
    settled, when `general` word frequencies are at hand, by how many of its words are
    clearly commoner in one language than in the other. Anything else (another
    language, emoji) answers "en".
    """
    tokens = words(text)
    french = sum(1 for t in tokens if t in FRENCH_MARKERS)
    english = sum(1 for t in tokens if t in ENGLISH_MARKERS)
    if re.search(r"[àâçéèêëîïôûùœ]", text.lower()) or re.search(r"\b(?:qu|l|d)['’]", text.lower()):
        french += 1
    if french == english and general is not None:
        capitals = acronyms(text)  # "AI" is not the "ai" of "j'ai"
        french, english = _leaning([t for t in tokens if t not in capitals], general)
    return "fr" if french > english else "en"


# How much commoner (Zipf) a word must be in one language to speak for it: "marque"
# (French 4.9, English 2.4) does; "TikTok" or "live" (common in both) does not.
LEANING_ZIPF = 1.0


def _leaning(tokens: list[str], general: LibraryWords | WordTables) -> tuple[int, int]:
    """How many words are clearly commoner in French, and how many in English."""
    french = english = 0
    for token in tokens:
        gap = general.zipf(token, "fr") - general.zipf(token, "en")
        french += gap >= LEANING_ZIPF
        english += gap <= -LEANING_ZIPF
    return french, english


# Function words of one language only ("a" and "on" are both: they count for both).
FRENCH_MARKERS = set(
    """le la les des du de un une et est sont que qui quoi quel quelle quels quelles comment pourquoi
    qu'est-ce dans pour sur avec au aux ce cette ces il elle ils on nous vous a ete dit faut peut
    quand ou parle propos sujet est-ce sans mais donc chez entre vers ni ne pas tres leur leurs
    sa ses mon ma mes notre nos votre vos se en y ca cela ceci aussi comme quelqu qqn qqch""".split()
)
ENGLISH_MARKERS = set(
    """the a an of and is are was were what which who how why when where to in on for with about
    said say do does did can could should would this that these those from it its be been have
    has not by at if than then there their they we you our my your any some out up into
    anyone""".split()
)
