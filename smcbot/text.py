"""Words: folding, stop words, stemming, language detection and EN→FR expansion.

Shared by the index (BM25 tokens), retrieval (query terms, the relevance gate)
and answering (the asker's language). French and English stemmers are both
applied to every word, because the archive is French but full of English terms
("brand safety", "employee advocacy") and members ask in both languages.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

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
    est-ce qu'est-ce a-t-il a-t-elle a-t-on y-a-t-il faut-il peut-on doit-on doivent doit avait
    sont-ils sont-elles lequel laquelle lesquels quelqu chose choses
    dites expliquer explique mentionne evoque evoquer savoir sait demain aujourd hui hier
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
    """.split()
)
STOPWORDS = STOP_FR | STOP_EN

# A bilingual lexicon for the club's domain, so an English question reaches French
# write-ups. Keys are folded English words; values are folded French words.
EN_TO_FR = {
    "crisis": "crise crises", "crises": "crise crises", "internal": "interne internes",
    "external": "externe externes", "employee": "employe salarie collaborateur",
    "employees": "employes salaries collaborateurs", "staff": "salaries collaborateurs",
    "ambassador": "ambassadeur", "ambassadors": "ambassadeurs", "brand": "marque",
    "brands": "marques", "company": "entreprise", "companies": "entreprises",
    "business": "entreprise affaires", "money": "argent monetisation financement revenus",
    "funding": "financement financements", "revenue": "revenus monetisation",
    "monetize": "monetisation", "monetise": "monetisation", "earn": "gagner revenus monetisation",
    "income": "revenus", "state": "etat", "government": "etat gouvernement",
    "chinese": "chinois chinoise chine", "china": "chine", "foreign": "etrangere etranger etrangeres",
    "abroad": "etranger", "law": "loi juridique reglementation", "legal": "juridique",
    "regulation": "reglementation reglementations", "regulations": "reglementations",
    "privacy": "vie privee donnees personnelles rgpd", "gdpr": "rgpd", "data": "donnees data",
    "research": "recherche recherches", "researchers": "chercheurs chercheuses",
    "researcher": "chercheur chercheuse", "scientists": "scientifiques chercheurs",
    "scientific": "scientifique scientifiques", "study": "etude etudier", "health": "sante",
    "patients": "patients", "disease": "maladie", "diabetes": "diabete",
    "ethics": "ethique", "consent": "consentement", "trust": "confiance", "press": "presse",
    "journalists": "journalistes", "journalist": "journaliste", "media": "medias",
    "news": "actualite informations", "real-time": "temps reel", "realtime": "temps reel",
    "real": "reel", "time": "temps", "fast": "rapide rapidement", "speed": "vitesse rapidite",
    "tools": "outils", "tool": "outil", "manage": "gerer gestion", "management": "gestion",
    "handle": "gerer gestion", "handled": "gerer gestion", "handling": "gestion",
    "measure": "mesure mesurer", "measurement": "mesure", "metrics": "indicateurs mesure",
    "indicators": "indicateurs", "reporting": "reporting", "board": "comex direction",
    "executive": "comex direction dirigeants", "executives": "comex dirigeants",
    "leadership": "direction dirigeants", "value": "valeur valoriser", "convince": "convaincre",
    "advertising": "publicite", "ads": "publicite publicites", "advertiser": "annonceur",
    "advertisers": "annonceurs", "campaign": "campagne", "campaigns": "campagnes",
    "safety": "securite securisation", "security": "securite", "artificial": "artificielle",
    "intelligence": "intelligence", "ai": "ia", "algorithm": "algorithme",
    "algorithms": "algorithmes", "autonomous": "autonome autonomes", "human": "humain humaine",
    "humans": "humains", "moderation": "moderation", "moderate": "moderation moderer",
    "moderates": "moderation", "reliability": "fiabilite", "reliable": "fiable",
    "language": "langage langue", "video": "video videos", "videos": "videos",
    "youtubers": "youtubeurs videastes", "youtuber": "youtubeur videaste",
    "creators": "createurs videastes", "science": "science sciences", "popularization": "vulgarisation",
    "popularisation": "vulgarisation", "fake": "fausses fake", "misinformation": "desinformation fake",
    "conspiracy": "complotisme", "influencers": "influenceurs", "influencer": "influenceur",
    "influence": "influence", "activists": "militants", "activist": "militant",
    "reputation": "reputation", "anticipate": "anticiper", "prevent": "prevenir prevention",
    "food": "agro-alimentaire alimentaire", "pharmaceutical": "pharmaceutique laboratoires",
    "obstacles": "freins limites", "obstacle": "frein limite", "barriers": "freins limites",
    "limits": "limites", "fear": "peur", "self-censorship": "auto-censure", "censorship": "censure",
    "strategy": "strategie", "strategies": "strategies", "content": "contenu contenus",
    "contents": "contenus", "formats": "formats", "format": "format", "new": "nouveau nouveaux nouvelles",
    "programme": "programme", "program": "programme", "schedule": "programme date",
    "session": "session", "sessions": "sessions", "event": "evenement", "events": "evenements",
    "networks": "reseaux", "network": "reseau", "social": "sociaux sociales social",
    "platforms": "plateformes", "platform": "plateforme", "audience": "audience",
    "customers": "clients consommateurs", "consumers": "consommateurs", "buy": "acheter",
    "pay": "payer", "shopping": "acheter achat", "app": "application app", "market": "marche",
    "experience": "experience", "future": "avenir futur", "challenge": "defi enjeu",
    "challenges": "defis enjeux", "risk": "risque risques", "risks": "risques",
    "communication": "communication com", "communications": "communication",
    "learn": "apprendre", "lessons": "lecons", "teach": "apprendre", "innovation": "innovation",
    "innovative": "innovants innovant", "recommendation": "recommandation",
    "visibility": "visibilite", "defend": "defendre", "public": "public publique",
    "opinion": "opinion", "director": "directeur directrice", "head": "directeur responsable",
    "chatbots": "chatbots", "targeted": "ciblees ciblee", "watch": "veille",
    "monitoring": "veille", "listening": "ecoute veille", "employer": "employeur",
}  # fmt: skip


def fold(text: str) -> str:
    """Lowercase, strip accents and unify typographic quotes and apostrophes."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("«", '"').replace("»", '"').replace("œ", "oe").replace("Œ", "oe")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded words of a text, French elisions ("l'IA", "qu'on") removed."""
    return WORD.findall(ELISION.sub(" ", fold(text)))


def content_words(text: str) -> list[str]:
    """Folded words that carry meaning: stop words and one-letter words removed."""
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


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
    """BM25 tokens of a passage: both stems of each content word."""
    return [stem for word in content_words(text) for stem in stems(word)]


def expansions(word: str) -> list[str]:
    """The folded word and its French equivalents from the domain lexicon."""
    translated = EN_TO_FR.get(word, "").split()
    return [word, *[t for t in translated if t != word]]


def query_terms(text: str) -> list[list[str]]:
    """For each content word of a question, the stems any of its forms may take.

    The relevance gate counts a question word as present in a session when any
    of these stems is; BM25 searches all of them.
    """
    groups = []
    for word in dict.fromkeys(content_words(text)):
        forms = {stem for variant in expansions(word) for stem in stems(variant)}
        groups.append(sorted(forms))
    return groups


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


def detect_language(text: str) -> str:
    """Guess whether a question is French ("fr") or English ("en").

    Counts French and English function words; accented letters tip a tie
    towards French. Anything else (another language, emoji) answers "en".
    """
    tokens = words(text)
    french = sum(1 for t in tokens if t in FRENCH_MARKERS)
    english = sum(1 for t in tokens if t in ENGLISH_MARKERS)
    if re.search(r"[àâçéèêëîïôûùœ]", text.lower()) or re.search(r"\b(?:qu|l|d)['’]", text.lower()):
        french += 1
    return "fr" if french > english else "en"


FRENCH_MARKERS = set(
    """le la les des du de un une et est sont que qui quoi quel quelle quels quelles comment pourquoi
    qu'est-ce dans pour sur avec au aux ce cette ces il elle ils on nous vous a ete dit faut peut
    quand ou parle propos sujet est-ce""".split()
)
ENGLISH_MARKERS = set(
    """the a an of and is are was were what which who how why when where to in on for with about
    said say do does did can could should would this that these those from it its be been have
    has""".split()
)
