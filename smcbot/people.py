"""The people of a write-up: who spoke (clean name, role, organisation) and what
they said (the words inside the quotation marks, without the narration around them).

A write-up presents its speakers ("Nadia Cherif, directrice de la communication de
Transilys") and reports their words ("« … », explique-t-elle", "raconte : “…”",
"« …, pointe Guilhem Boyer, Social Media Manager chez Safran. … »"). `speakers_in`
reads the first, `statements_in` the second: each statement is signed only when the
text says who spoke (a name, a pronoun after a named speaker, or a description such
as "le chercheur de l'Inserm" that fits exactly one speaker); otherwise it is kept
as the write-up's words, unsigned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smcbot.language import lemma
from smcbot.models import Speaker, Statement
from smcbot.text import fold

UPPER = "A-ZÉÈÊÀÂÎÔÛÇÏ"
NAME_WORD = rf"[{UPPER}][\w'’\-]*[\w]"
PARTICLE = r"(?:de|du|des|van|von|le|la|di|da|del|ben|el|bin)"
NAME = rf"{NAME_WORD}(?:\s+(?:{PARTICLE}\s+)?{NAME_WORD}){{1,3}}"
NAME_RE = re.compile(NAME)
# Capitalised words that open a sentence or a clause, never a first name.
NOT_NAME_WORDS = set(
    """
    selon pour chez avec apres d'apres comme enfin ainsi mais et puis quand lorsque alors sur
    dans depuis en le la les un une des du de au aux ce cette ces si pendant avant autour
    cote face grace malgre par parmi sans sous vers voici voila madame monsieur mme m mr dr
    docteur professeur pr maitre me directeur directrice president presidente fondateur
    fondatrice ceo head chief responsable social media club smc cycle cercle session focus
    commission table ronde les nous vous il elle ils elles on tous toutes tout reste
    """.split()
)
ROLE_WORDS = set(
    """
    directeur directrice president presidente fondateur fondatrice co-fondateur co-fondatrice
    responsable chef head chief ceo cto coo cmo vp manager chercheur chercheuse docteur
    professeur animateur animatrice journaliste consultant consultante
    """.split()
)
ROLE_START = (
    r"(?:[a-zéèàâêîôûç]|[A-Z]{2,5}\b|CEO|CTO|COO|CMO|CDO|VP|Head|Chief|Creative|Social|Digital|Community|"
    r"Directeur|Directrice|Responsable|Fondat|Co-fondat|Président|Manager|Senior|Lead|Global)"
)
NAME_ROLE = re.compile(
    rf"(?P<name>{NAME}),\s+(?P<role>{ROLE_START}[^,.;:«»“”()]{{2,140}})(?:\s*\((?P<org>[^)]{{2,60}})\))?"
)
NAME_ORG = re.compile(rf"(?P<name>{NAME})\s+\((?P<org>[{UPPER}][^)]{{1,60}})\)")
# A relative clause where a role was expected: "Riyad Lounissi, qui vient de prendre le poste de Head of UX".
RELATIVE = re.compile(r"^(?:qui|que|dont|lui-m[êe]me|elle-m[êe]me|[a-zé]+-m[êe]me)\b", re.IGNORECASE)
POST_OF = re.compile(r"\b(?:poste|fonction|r[ôo]le|titre)\s+(?:de|d['’])\s*(?P<role>.+)$", re.IGNORECASE)
ROLE_CUT = re.compile(
    r"\s+et\s+(?=anim|mod[ée]r|fond|co-?fond|[A-Z]\w+\s+[A-Z])|\s+(?:qui|dont|a|est)\s|,"
    r"|\s+(?:suivie?s?|connue?s?|pass[ée]e?s?)\s+(?:par|pour|de|sur)\s"
)
NOT_ROLE_START = {
    "avec", "pour", "selon", "dans", "sur", "chez", "en", "a", "au", "aux", "et", "ou", "mais",
    "puis", "le", "la", "les", "un", "une", "des", "du", "de", "est", "sont", "ont", "a-t-il",
    "nous", "vous", "quant", "pourtant", "justement",
}  # fmt: skip
# A clause about the one named that opens with a pronoun ("Albert Castan, lui, préfère…",
# "Odile Charvet, y a vu défiler…", "Marie Roux, se souvenant…"): a person, whose role
# is not given there; unless its verb is plural ("… du Pass Culture, se sont écoulées"),
# which no one person is the subject of.
PRONOUN_CLAUSE = {"lui", "elle", "eux", "elles", "se", "ne", "y"}
PLURAL_AUXILIARIES = {"sont", "ont", "font", "vont"}
# "Hélène Roux, elle aussi fondatrice d'une agence": the role follows.
ALSO = re.compile(r"^(?:(?:lui|elle|eux|elles)(?:-m[êe]me)?\s+)?aussi\s+", re.IGNORECASE)
# What a brand, a product or a law is said to be after its name ("L'Atelier Ondine, lancée
# en 2021", "L'AI Act, entré en vigueur en août 2024"), never a person's post.
LAUNCHED = re.compile(r"^(?:lance|cree|entre(?=e?s? en vigueur))e?s?\b")
# An elided word before a name: a clause's opening ("C'est Manon Castan"), or a
# conjunction's ("Qu'Anne Martin"); not part of a name ("N'Golo", "D'Artagnan").
ELIDED = re.compile(r"^(?i:c|qu|l|d|j|s|n|lorsqu|puisqu)['’]")
PLACE_WORDS = {"chez", "a", "au", "aux", "dans", "en"}
TITLES = set(
    """
    dr docteur professeur pr maitre me madame monsieur mme m mr general generale colonel commandant capitaine
    lieutenant adjudant sergent pere soeur frere abbe chanoine pasteur rabbin imam senateur senatrice depute
    deputee maire ministre prefet prefete juge procureur procureure
    """.split()
)
# A person's name takes no article; a thing's does ("le Pass Culture, généralisé en 2021").
ARTICLES = {"le", "la", "les", "un", "une", "du", "des", "au", "aux"}
# ("d'" is no article: "l'avis d'Anne Martin"; the lookbehind sees before the window.)
ARTICLE_BEFORE = re.compile(r"(?<![\w'’])(?:[Ll]es?|[Ll]a|[Uu]ne?|[Dd]u|[Dd]es|[Aa]ux?|[Ll]['’])\s*$")
# The kind of body an organisation is, written before its name ("l'agence Nuances").
ORG_KINDS = set(
    """
    agence agences cabinet studio groupe enseigne association laboratoire labo societe entreprise
    start-up startup institut ecole universite fondation collectif reseau magazine journal
    media chaine banque mutuelle federation syndicat ministere collectivite ville region
    maison editions fintech plateforme compagnie firme cabinets marque site application quotidien
    hebdomadaire operateur fonciere lettre chaine
    """.split()
)
ORG_PREP = re.compile(r"\s(?:chez|pour|à la|à l['’]|aux|au|à|de la|de l['’]|d['’]|du|des|de)\s*(?=[\w])")
PROPER = re.compile(rf"(?:[{UPPER}0-9][\w'’&.\-]*)(?:\s+(?:&|et|de|du|des|d['’])?\s*[{UPPER}0-9][\w'’&.\-]*)*")

SPEECH_VERBS = set(
    """
    dit declare explique expose estime developpe poursuit ajoute souligne pointe confirme illustre
    raconte precise note rappelle insiste resume conclut indique affirme analyse observe remarque
    temoigne reconnait admet regrette amuse sourit lance assure avance nuance complete martele
    detaille decrit releve constate considere juge previent plaide argumente defend interroge
    questionne repond reagit commente annonce confie avoue glisse conseille recommande suggere
    propose tempere abonde rencherit pose lache felicite rejouit inquiete etonne alerte cite
    explique resumait ajoutait expliquait poursuivait racontait estimait confiait soulignait
    tranche martele reprend conclue enchaine temoignait lancait avertit defendait
    """.split()
)
PRONOUN = re.compile(r"-(?:t-)?(?:il|elle|ils|elles|on)\b", re.IGNORECASE)
ANONYMOUS = re.compile(
    r"\b(?:un|une|des|plusieurs|certains|certaines|l['’]un|l['’]une)\s+(?:de[s]?\s+)?"
    r"(?:participant|participante|participants|membre|membres|auditeur|auditrice|invit[ée]|personne|intervenant|intervenante|salle)",
    re.IGNORECASE,
)
OPENERS = {"«": "»", "“": "”", '"': '"'}
MIN_SPEECH_WORDS = 5  # « partenariat rémunéré » is a term in quotation marks, not speech


def clean_speaker_name(raw: str) -> str:
    """A person's name alone: no leading "Selon", "Pour", title or role word; nothing
    when an article leads it ("Le Pass Culture", "La Loi Climat"): a thing's name."""
    words = [_without_elided_conjunction(word) for word in raw.split()[:1]] + raw.split()[1:]
    while words and (
        fold(words[0]).rstrip(".") in NOT_NAME_WORDS | TITLES
        or fold(words[0]) in ROLE_WORDS
        or _opens_a_clause(words[0])
    ):
        if fold(words[0]) in ARTICLES:
            return ""
        words = words[1:]
    if len(words) < 2 or any(fold(w) in {"social", "media", "club"} for w in words):
        return ""
    return " ".join(words)


def _titled(name: str) -> bool:
    """The name opens with a title or a post ("le Dr Kévin Tran", "la directrice Anne Roy"):
    the article is the title's."""
    return fold(name.split()[0]).rstrip(".") in TITLES | ROLE_WORDS


def _opens_a_clause(word: str) -> bool:
    """An elided word before a lower-case letter ("C'est"): no part of a name."""
    elided = ELIDED.match(word)
    return bool(elided) and word[elided.end() :][:1].islower()


def _without_elided_conjunction(word: str) -> str:
    """ "Qu'Anne" → "Anne": the conjunction elided before a first name ("qu'", "lorsqu'")."""
    elided = ELIDED.match(word)
    if elided and fold(word[: elided.end() - 1]) in {"qu", "lorsqu", "puisqu"} and word[elided.end() :][:1].isupper():
        return word[elided.end() :]
    return word


def speakers_in(text: str) -> list[Speaker]:
    """The people a write-up presents with a role or an organisation, first mention first."""
    found: dict[str, Speaker] = {}
    position = 0
    while match := NAME_ROLE.search(text, position):
        role = match.group("role")
        if ARTICLE_BEFORE.search(text, max(0, match.start() - 6), match.start()) and not _titled(match.group("name")):
            position = match.start("role")  # "la Loi Climat, publiée…": a thing, not a person
            continue
        if _about_the_one_named(ALSO.sub("", role.strip())) and not _plural_clause(role):
            _add(found, match.group("name"), "", (match.group("org") or "").strip())
            position = match.start("role")
            continue
        if not _is_role(role) or not _add(found, match.group("name"), *split_role(role, match.group("org"))):
            position = match.start("role")  # not a person and a role: look again from the "role"
            continue
        # A role ends where the next person starts ("… pour Danone et Charlotte Sandret, …").
        position = max(match.start("role") + len(_role_span(match.group("role"))), match.start() + 1)
    for match in NAME_ORG.finditer(text):
        _add(found, match.group("name"), "", match.group("org").strip())
    return list(found.values())


def _is_role(text: str) -> bool:
    """False for what follows a name without being a role ("avec Thomas…", "l'équipe a…",
    "qui a lancé…": a relative clause that names no post; "lui, …": a pronoun set apart;
    "lancée en 2021": a brand; "partagent…": a verb). "Elle aussi fondatrice…" is a role."""
    text = ALSO.sub("", text.strip())
    if RELATIVE.match(text) and not POST_OF.search(text):
        return False
    first = fold(text.split()[0]) if text.split() else ""
    # an elided pronoun opens a verb ("le Digital Services Act, s'applique à…"), not a post
    if first in NOT_ROLE_START or first.startswith(("l'", "d'", "qu'", "s'", "n'", "c'", "j'", "m'", "t'")):
        return False
    return not (LAUNCHED.match(fold(text)) or _plural_verb(text.split()[0]) or _about_the_one_named(text))


def _about_the_one_named(text: str) -> bool:
    """A clause opening with a pronoun (`PRONOUN_CLAUSE`) where a role was expected."""
    words = fold(text.strip()).split()
    return bool(words) and words[0] in PRONOUN_CLAUSE


def _plural_clause(text: str) -> bool:
    """The clause's verb is plural ("se sont écoulées", "ne font que…")."""
    words = fold(text.strip()).split()[1:]
    return bool(words) and (words[0] in PLURAL_AUXILIARIES or _plural_verb(words[0]))


def _plural_verb(word: str) -> bool:
    """A verb of the third person plural ("partagent", "racontaient"): after a name and a
    comma it opens a clause ("… l'extension du Pass Culture, partagent dans le salon…"),
    not a post ("talent manager", "président", "agent" end alike but are no verbs)."""
    word = word.lower()
    if not word.endswith("ent"):
        return False
    dictionary_form = lemma(word, "fr")
    return dictionary_form != word and dictionary_form.endswith(("er", "ir", "re"))


def _role_span(role: str) -> str:
    """The part of a role-like text that belongs to this person."""
    return ROLE_CUT.split(role, maxsplit=1)[0]


def split_role(text: str, org: str | None = None) -> tuple[str, str]:
    """Role and organisation from what follows a name: "directrice de la communication
    de la MAIF" → ("directrice de la communication", "MAIF"); a relative clause ("qui vient
    de prendre le poste de Head of UX chez Sportéo") keeps only the post it names."""
    text = ALSO.sub("", text.strip())
    if RELATIVE.match(text):
        post = POST_OF.search(text)
        if not post:
            return "", (org or "").strip()
        text = post.group("role")
    role = _role_span(text).strip()
    if org:
        return role, org.strip()
    return _org_from_role(role)


def _org_from_role(role: str) -> tuple[str, str]:
    """Split an organisation off the end of a role, at the preposition before its proper
    name, or before the kind of body it is ("fondateur de l'agence d'influence Pépites"
    → "fondateur", "agence d'influence Pépites"). Of several readings, the longest name
    wins ("Fleur d'Ambre" over "Ambre"), then the last ("du groupe Hexane" over "de la
    marque du groupe Hexane")."""
    readings = []
    for prep in ORG_PREP.finditer(role):
        rest = role[prep.end() :].strip()
        proper = PROPER.search(rest)
        if not proper or proper.end() != len(rest.rstrip()):
            continue
        head = rest[: proper.start()].strip()
        kind = re.sub(r"^[ld]['’]", "", fold(head.split()[0])) if head else ""
        if not head or kind in ORG_KINDS:
            org = re.sub(r"^[ldLD]['’]", "", f"{head} {proper.group(0)}".strip())
            readings.append((len(proper.group(0)), prep.start(), role[: prep.start()].strip(), org))
    if not readings:
        return role, ""
    _, _, kept_role, org = max(readings)
    # "consultante au sein du cabinet Marée Haute": "au sein" leads to the organisation
    return re.sub(r"\s+(?:au sein|aupr[èe]s)$", "", kept_role), org


def _add(found: dict[str, Speaker], raw_name: str, role: str, org: str) -> bool:
    """Keep the first, fullest mention of each person; False when `raw_name` is no person's
    name ("Chez Opaline Assurances" names a place of work)."""
    name = clean_speaker_name(raw_name)
    if not name or fold(raw_name.split()[0]) in PLACE_WORDS:
        return False
    key = fold(name)
    if key not in found or (not found[key].role and role):
        found[key] = Speaker(name=name, role=role, organisation=org)
    return True


# Who ran a session: "La session était animée par Anne-Sophie Le Gall", "table ronde
# modérée par …", "moderated by …" (not "les chiffres présentés par X", nor words in
# quotation marks), or a role saying so ("modératrice de la table ronde").
RAN_BY = re.compile(r"\b(?:anim[ée]e?s?|mod[ée]r[ée]e?s?|orchestr[ée]e?s?|moderated|hosted|chaired)\s+(?:par|by)\s+")
# The name right after "par", past a title or a short description ("la journaliste",
# "notre présidente"); a second one joined by "et" ("… et Guilhem Boyer, …").
_RAN_BY_LEAD = re.compile(r"(?:(?:[a-zéèêàâîôûç'’.]+|M\.|Mme|Dr)\s+){0,3}")
_RAN_BY_AND = re.compile(r"\s+(?:et|and)\s+")
# The role is running the session itself, not a job ("animatrice et référente
# communication de l'EHPAD", "modératrice chez Facebook", "host of a podcast").
_RUNNER = r"(?:co-?)?(?:mod[ée]rat(?:eur|rice)|animat(?:eur|rice)|moderator|host)"
_RUN_THING = (
    r"\s+(?:de|du|des|of)\s+(?:la |cette |ce |l['’]|the |this )?(?:table[- ]ronde|session|soir[ée]e|rencontre"
    r"|d[ée]bat|[ée]changes?|panel|talk|discussion|evening|event|cycle|s[ée]rie|series)"
)
# The whole role is running it ("modérateur de la table ronde"), or its last part, named
# with what is run ("consultant en stratégie et co-animateur du cycle"; not "animatrice et
# référente communication de l'EHPAD", a job).
RUNNING_ROLE = re.compile(rf"^{_RUNNER}(?:{_RUN_THING})?$|\bet\s+{_RUNNER}{_RUN_THING}$", re.IGNORECASE)


def moderators_in(text: str, speakers: list[Speaker]) -> list[str]:
    """Who a write-up says ran the session, in its order: the names right after "animée
    par", "moderated by"… (and after "et" in the same sentence), outside quotation marks,
    then the `speakers` whose role is running it with no organisation of their own.
    Names are as written, so one the write-up presents without a role counts too."""
    found: list[str] = []
    presented = {fold(speaker.name) for speaker in speakers}
    for match in RAN_BY.finditer(text):
        if _inside_quotes(text, match.start()):
            continue
        sentence = re.split(r"[.;:!?«“]\s", text[match.end() :], maxsplit=1)[0]
        # a name the write-up does not present counts in French only ("hosted by Google France")
        french = not match.group().lower().startswith(("moderated", "hosted", "chaired"))
        leading = [name for name in _names_leading(sentence) if french or fold(name) in presented]
        found += [name for name in leading if name not in found]
    found += [name for name in _running_subjects(text, speakers) if name not in found]
    for speaker in speakers:
        if not speaker.organisation and RUNNING_ROLE.search(speaker.role.strip()) and speaker.name not in found:
            found.append(speaker.name)
    return found


# A speaker written as the one running it, past their description: "Claire Dumontet,
# directrice de la communication de la Mutuelle Horizon Santé, animait les échanges".
_RUNS_IT = (
    r"(?:,[^.;:!?«“]{1,160}?,)?\s+(?:animait|animaient|a\s+anim[ée]e?|mod[ée]rait|a\s+mod[ée]r[ée]|orchestrait)\b"
)


def _running_subjects(text: str, speakers: list[Speaker]) -> list[str]:
    """The presented speakers a sentence makes the subject of running the session, in
    the order the write-up names them, outside quotation marks."""
    starts = []
    for speaker in speakers:
        for match in re.finditer(re.escape(speaker.name) + _RUNS_IT, text):
            if not _inside_quotes(text, match.start()):
                starts.append((match.start(), speaker.name))
                break
    return [name for _, name in sorted(starts)]


def _names_leading(sentence: str) -> list[str]:
    """The person named at the start of `sentence` (past a short description), and any
    joined to it by "et": "la journaliste Anne Roy, de …, et Marc Petit" → both."""
    names, at = [], 0
    while True:
        lead = _RAN_BY_LEAD.match(sentence, at)
        name = NAME_RE.match(sentence, lead.end())
        clean = clean_speaker_name(name.group()) if name else ""
        if not clean:
            return names
        names.append(clean)
        joined = _RAN_BY_AND.search(sentence, name.end())
        if not joined or re.match(r"(?:de|d['’]|du|des)\b", sentence[joined.end() :]):
            return names  # "… en présence de Paul Martin et de Julie Roy": guests, not hosts
        at = joined.end()


def _inside_quotes(text: str, at: int) -> bool:
    """The position is within « … » or “ … ” (words said, not the write-up's narration)."""
    before = text[:at]
    return before.count("«") > before.count("»") or before.count("“") > before.count("”")


# --- what was said ----------------------------------------------------------------------


@dataclass
class Unit:
    """A piece of a write-up's body: reported speech (with its speaker when known), or
    a sentence of narration. `start` and `end` locate it in the body."""

    text: str
    start: int
    end: int
    speech: bool
    speaker: str = ""


def statements_in(body: str, speakers: list[Speaker]) -> list[Statement]:
    """Every reported speech of a write-up, signed when the text says who spoke."""
    return [Statement(u.text, u.speaker) for u in units_of(body, speakers) if u.speech]


def units_of(body: str, speakers: list[Speaker]) -> list[Unit]:
    """The body cut into speech and narration, in order."""
    units: list[Unit] = []
    offset = 0
    for paragraph in re.split(r"\n\s*\n", body):
        start = body.find(paragraph, offset)
        offset = start + len(paragraph)
        units += _paragraph_units(paragraph, start, speakers)
    return units


def _paragraph_units(paragraph: str, base: int, speakers: list[Speaker]) -> list[Unit]:
    """Speech spans with their attribution, and the narration between them."""
    units: list[Unit] = []
    cursor = 0
    previous: Unit | None = None  # the paragraph's last speech: a pronoun may point back at its speaker
    for open_at, close_at in _speech_spans(paragraph):
        inner = paragraph[open_at + 1 : close_at]
        lead_in = paragraph[cursor:open_at]
        tail, tail_end = _attribution_after(paragraph, close_at + 1)
        words, incise = _split_incise(inner)
        clause = incise or tail
        framed, frame_at = _framing_lead_in(lead_in, speakers)
        since = paragraph[previous.end - base : open_at] if previous else ""
        said_by = clause or _lead_in_clause(lead_in)
        speaker = _resolve(said_by, paragraph, open_at, speakers, previous, since) if clause else ""
        speaker = speaker or framed or _resolve(said_by, paragraph, open_at, speakers, previous, since)
        if not speaker and not clause and lead_in.rstrip().endswith(":"):
            speaker = _resolve_lead_in(_last_sentence(lead_in), paragraph, open_at, speakers)
        # "Pour Thomas Legrand, data analyst chez Mesurix, « … »": the frame says who speaks,
        # it is no sentence of narration of its own.
        units += _narration(lead_in[:frame_at], base + cursor)
        previous = Unit(_speech_text(words), base + open_at, base + max(tail_end, close_at + 1), True, speaker)
        units.append(Unit(previous.text, base + open_at, base + close_at + 1, True, speaker))
        cursor = tail_end
    units += _narration(paragraph[cursor:], base + cursor)
    return units


def _speech_spans(paragraph: str) -> list[tuple[int, int]]:
    """(opening, closing) positions of each top-level quotation that holds speech."""
    spans, at = [], 0
    while at < len(paragraph):
        char = paragraph[at]
        if char in OPENERS:
            close = _closing(paragraph, at)
            if close is None:
                break
            if len(paragraph[at + 1 : close].split()) >= MIN_SPEECH_WORDS:
                spans.append((at, close))
            at = close + 1
            continue
        at += 1
    return spans


def _closing(paragraph: str, at: int) -> int | None:
    """The position of the mark closing the quotation opened at `at` (nesting allowed)."""
    opener = paragraph[at]
    closer = OPENERS[opener]
    depth = 0
    for position in range(at + 1, len(paragraph)):
        char = paragraph[position]
        if char == closer and (opener != '"' or depth == 0):
            if depth == 0:
                return position
            depth -= 1
        elif char == opener and opener != '"':
            depth += 1
    return None


def _attribution_after(paragraph: str, at: int) -> tuple[str, int]:
    """ "», explique Nadia Cherif, directrice … ." after a quotation: the clause naming the
    speaker, and where it ends ("" and `at` when no such clause follows)."""
    rest = paragraph[at:]
    match = re.match(r"\s*[,;]?\s*(?P<clause>[^.!?«“\"]*)(?P<end>[.!?]?)", rest)
    clause = match.group("clause") if match else ""
    if clause and _is_attribution(clause):
        return clause, at + match.end()
    name = NAME_RE.match(rest.lstrip(" ,"))  # « … » Pénélope Pontet de Fouquières, directrice (ELSAN)
    if name and not clause.lstrip(" ,").startswith(tuple("«“")) and match:
        return clause, at + match.end()
    return "", at


def _is_attribution(clause: str) -> bool:
    """True for "explique-t-elle", "a lancé une participante", "s'amuse Pierre-Yves Le Gall"."""
    words = clause.split()
    if not words:
        return False
    first = fold(words[0])
    if first in {"a", "avait"} and len(words) > 1:
        first = fold(words[1])
    first = re.sub(r"^(?:s'|se\s)", "", first)
    if len(words) > 1 and first in {"s'", "se"}:
        first = fold(words[1])
    return PRONOUN.sub("", first) in SPEECH_VERBS or _is_participle(first)


def _is_participle(word: str) -> bool:
    """A past participle after "a" ("a résumé", "a glissé") counts as a verb of saying."""
    return bool(re.fullmatch(r"[a-z]+(?:e|i|u|t)", word)) and word.endswith(("e", "i"))


def _split_incise(inner: str) -> tuple[str, str]:
    """Words said with a narration clause inside them ("…, pointe Guilhem Boyer, … . À
    l'inverse, …"): the words alone (the clause replaced by " […] ") and the clause."""
    for match in re.finditer(r",\s+(?P<clause>[^.!?]{3,200}?)(?P<end>[.!?])\s+(?=[A-ZÀ-Ý«“])", inner):
        clause = match.group("clause")
        if _is_attribution(clause) and NAME_RE.search(clause):
            words = inner[: match.start()].rstrip() + " […] " + inner[match.end() :].lstrip()
            return words, clause
    return inner, ""


def _speech_text(words: str) -> str:
    """The words said, without outer marks and with inner guillemets made “ ”."""
    text = words.strip().strip('«»“”"').strip()
    return text.replace("«", "“").replace("»", "”").replace(" ”", "”").replace("“ ", "“")


def _lead_in_clause(lead_in: str) -> str:
    """ "Marion Durand, responsable …, raconte :" before a quotation: that clause, if it is one."""
    sentence = _last_sentence(lead_in)
    if sentence.rstrip().endswith(":") and any(fold(w).rstrip(":") in SPEECH_VERBS for w in sentence.split()):
        return sentence
    return ""


def _resolve_lead_in(sentence: str, paragraph: str, quote_at: int, speakers: list[Speaker]) -> str:
    """ "Mais il met en garde : « … »": a pronoun and a verb of saying before the colon
    point at the speaker named last before; a name in the sentence points at that one."""
    named = _named_in(sentence, speakers)
    if named:
        return named[-1]
    folded = fold(sentence)
    said = any(w.strip(":,") in SPEECH_VERBS for w in folded.split()) or "en garde" in folded
    if said and re.search(r"\b(?:il|elle)\b", folded):
        before = _named_in(paragraph[:quote_at], speakers)
        return before[-1] if before else ""
    return ""


def _last_sentence(text: str) -> str:
    """The last sentence of a text (what directly precedes a quotation)."""
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return parts[-1] if parts else ""


def _narration(text: str, base: int) -> list[Unit]:
    """Sentences of narration, as units."""
    units = []
    for match in re.finditer(r"[^.!?]+(?:[.!?]+|$)", text):
        sentence = match.group(0).strip()
        if len(sentence.split()) >= 4:
            start = base + match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
            units.append(Unit(sentence, start, start + len(sentence), False))
    return units


def _resolve(
    clause: str,
    paragraph: str,
    quote_at: int,
    speakers: list[Speaker],
    previous: Unit | None = None,
    since: str = "",
) -> str:
    """The name of who spoke, from the clause that attributes the words; "" when unsure."""
    if not clause or ANONYMOUS.search(clause):
        return ""
    named = _named_in(clause, speakers)
    if named:
        return named[0]
    if PRONOUN.search(clause.split()[0] if clause.split() else ""):
        if previous is not None:
            return _pronoun_after_speech(previous, since, speakers)
        before = _named_in(paragraph[:quote_at], speakers)
        return before[-1] if before else ""
    return _described(clause, paragraph[:quote_at], speakers)


def _pronoun_after_speech(previous: Unit, since: str, speakers: list[Speaker]) -> str:
    """ "« … », affirme-t-il" after an earlier speech of the paragraph: that speech's speaker
    when nobody else is named in between; the one person named in between when the earlier
    speech was unsigned; "" when two people could be meant."""
    candidates = set(_named_in(since, speakers)) | ({previous.speaker} if previous.speaker else set())
    return candidates.pop() if len(candidates) == 1 else ""


FRAME = re.compile(
    rf"(?:^\s*|(?<=[.!?])\s+)(?:Pour|Selon|D['’]apr[èe]s)\s+(?P<name>{NAME})(?:,[^,.!?«»“”]{{2,160}})?,\s*$"
)


def _framing_lead_in(lead_in: str, speakers: list[Speaker]) -> tuple[str, int]:
    """ "Selon Karim Benali, directeur de X, « … »": the speaker the frame names and where
    the frame starts; ("", len(lead_in)) when the words are not framed that way."""
    match = FRAME.search(lead_in.rstrip() + " ")
    if not match:
        return "", len(lead_in)
    named = _named_in(match.group("name"), speakers)
    return (named[0], match.start()) if named else ("", len(lead_in))


def _named_in(text: str, speakers: list[Speaker]) -> list[str]:
    """Speakers named in a text (full name, or surname alone when no other speaker has it),
    in order of appearance."""
    folded = fold(text)
    hits = []
    for speaker in speakers:
        spots = [m.start() for m in re.finditer(rf"\b{re.escape(fold(speaker.name))}\b", folded)]
        surname = fold(speaker.name.split()[-1])
        if not spots and sum(fold(s.name.split()[-1]) == surname for s in speakers) == 1:
            spots = [m.start() for m in re.finditer(rf"\b{re.escape(surname)}\b", folded)]
        if spots:
            hits.append((spots[-1], speaker.name))
    return [name for _, name in sorted(hits)]


def _described(clause: str, before: str, speakers: list[Speaker]) -> str:
    """The one speaker whose role and organisation fit a description ("la fondatrice
    d'Onde Courte", "le community manager"); among equals, the last one named before."""
    wanted = _description_words(clause)
    if not wanted:
        return ""
    scores = {s.name: len(wanted & _description_words(f"{s.role} {s.organisation}")) for s in speakers}
    best = max(scores.values(), default=0)
    if best == 0:
        return ""
    tied = [name for name, score in scores.items() if score == best]
    if len(tied) == 1:
        return tied[0]
    named_before = [n for n in _named_in(before, speakers) if n in tied]
    return named_before[-1] if named_before else ""


DESCRIPTION_STOP = {"le", "la", "les", "l", "de", "du", "des", "d", "en", "et", "a", "au", "chez", "un", "une"}


def _description_words(text: str) -> set[str]:
    """Content words of a description, singular, without verbs of saying."""
    tokens = re.findall(r"[a-z0-9]+", fold(text))
    return {t.rstrip("s") for t in tokens if t not in DESCRIPTION_STOP and t not in SPEECH_VERBS and len(t) > 1}
