"""Speakers and what they said: clean names, roles and organisations apart, quotes
signed only when the write-up says who spoke, and never the narration around them."""

import json

import pytest

from smcbot.directory import Directory, describe_archive
from smcbot.models import Speaker
from smcbot.people import moderators_in, speakers_in, statements_in, units_of
from smcbot.sources.files import read_folder
from smcbot.sources.listing import read_listing
from smcbot.text import fold

from .conftest import DATA, PEOPLE

BLIND = json.loads((PEOPLE / "speakers.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Directory:
    """The directory of the club-style test write-ups (no corrections)."""
    articles = list(read_folder(PEOPLE / "corpus"))
    return Directory(describe_archive(articles, config_dir=tmp_path_factory.mktemp("config")))


def test_every_speaker_of_the_write_ups_is_found_with_their_sessions(directory):
    found = {fold(p.name): p for p in directory.people.values()}
    assert set(found) == {fold(s["name"]) for s in BLIND}
    for expected in BLIND:
        person = found[fold(expected["name"])]
        assert person.name == expected["name"]
        assert sorted(a.title for a in person.sessions) == sorted(expected["sessions"])


def test_organisations_and_roles_are_read_apart_from_the_name(directory):
    found = {fold(p.name): p for p in directory.people.values()}
    for expected in BLIND:
        person = found[fold(expected["name"])]
        words = set(fold(expected["organisation"]).replace("(", " ").replace(")", " ").split())
        # "créatrice de contenus culinaires indépendante": no body named, the role says it.
        read = set(fold(f"{person.organisation} {person.role}").split())
        assert words & read, (person.name, person.organisation)
        assert fold(expected["role"]).split()[0] in fold(person.role), (person.name, person.role)


@pytest.mark.parametrize(
    ("text", "name", "role", "organisation"),
    [
        (
            "Selon Stéphanie Laporte, directrice de la communication de la MAIF, tout a changé.",
            "Stéphanie Laporte", "directrice de la communication", "MAIF",
        ),
        (
            "Riyad Lounissi, qui vient juste de prendre le poste de Head of UX chez Decathlon, explique.",
            "Riyad Lounissi", "Head of UX", "Decathlon",
        ),
        (
            "Pour Karim Benhaddou, fondateur de l'agence d'influence Pépites, l'erreur est fréquente.",
            "Karim Benhaddou", "fondateur", "agence d'influence Pépites",
        ),
        ("« Un KPI ne sert à rien sans décision », estime Léa Martinet (Opaline Assurances).",
         "Léa Martinet", "", "Opaline Assurances"),
        (
            "Nous avons réuni Sébastien Lacroix, DRH adjoint de Fidelis Assurances, et d'autres.",
            "Sébastien Lacroix", "DRH adjoint", "Fidelis Assurances",
        ),
    ],
)  # fmt: skip
def test_names_are_clean(text, name, role, organisation):
    assert [(s.name, s.role, s.organisation) for s in speakers_in(text)] == [(name, role, organisation)]


def test_a_place_of_work_is_not_a_person():
    text = "Chez Opaline Assurances, l'équipe a fait le choix de réduire les indicateurs."
    assert speakers_in(text) == []


def test_a_law_followed_by_a_verb_is_not_a_person():
    text = "Depuis le 17 février, le Digital Services Act, s’applique à l’ensemble des plateformes."
    assert speakers_in(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # a scheme's name, then a verb of the third person plural
        "Certains membres, qui suivaient l’extension du Pass Culture, partagent dans le salon leurs achats.",
        "L’Atelier Ondine, lancée en 2021, vend en ligne.",  # a brand, then a participle
        "Depuis que L’AI Act, entré en vigueur en août 2024, s’applique, tout change.",  # a law
        "Les places à un euro, réservées au Pass Culture, se sont écoulées en 11 minutes.",
    ],
)
def test_a_name_followed_by_a_verb_or_a_pronoun_is_not_presented_with_a_role(text):
    assert speakers_in(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # a thing's name takes an article, a person's does not
        "Le Pass Culture, généralisé au printemps, a tout changé.",
        "Au Grand Palais, rénové pour les Jeux, la foule se presse.",
        "Ils ont lu la Gazette du Haut-Rhône, titre centenaire diffusé dans l’Ain.",
        "Tout a commencé par l’API Topics, annoncée fin janvier par Google.",
        "La Brasserie La Canopée, fondée en 2016 à Montreuil, brasse.",
        "Ils ont lu les Échos Judiciaires, quotidien économique régional, en 2019.",  # mid-sentence
        "Ils ont repris une Brasserie Parisienne, entreprise familiale, en 2010.",
    ],
)
def test_a_name_after_an_article_is_no_person(text):
    assert speakers_in(text) == []


@pytest.mark.parametrize(
    "text, name",
    [
        ("Nous avons réuni le Dr Kévin Tran, vétérinaire en chef du parc.", "Kévin Tran"),  # the title's article
        ("Autour de la table, la Directrice Anne Roy, fondatrice de Kiwi, répond.", "Anne Roy"),
        ("Le débat a suivi le Général Jean Dupont, chef d’état-major, venu en voisin.", "Jean Dupont"),
        ("Nous avons recueilli l’avis d’Anne Martin, directrice de la communication chez Kiwi.", "Anne Martin"),
        ("Yann Le Gall, directeur de la communication, ouvre la séance.", "Yann Le Gall"),  # an article in the name
    ],
)
def test_a_person_keeps_a_title_with_its_article(text, name):
    assert [s.name for s in speakers_in(text)] == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Albert Castan, lui, préfère la vigne.",  # a pronoun set apart
        "Sa fondatrice, Albert Castan, y a vu défiler des lecteurs.",
        "Albert Castan, se souvenant de 2019, sourit.",
    ],
)
def test_a_clause_about_the_one_named_keeps_the_person_without_a_role(text):
    assert [(s.name, s.role) for s in speakers_in(text)] == [("Albert Castan", "")]


@pytest.mark.parametrize(
    "text, name",
    [
        ("C’est Manon Castan, chargée de communication de la cave, qui gère le compte.", "Manon Castan"),
        ("Il fallait qu’Anne Martin, directrice marketing chez Danone, le dise.", "Anne Martin"),
        ("N’Golo Kanté, ambassadeur de la marque Adidas, sourit.", "N’Golo Kanté"),  # part of the name
    ],
)
def test_an_elided_word_before_a_name_is_part_of_it_only_before_a_capital(text, name):
    assert [s.name for s in speakers_in(text)] == [name]


@pytest.mark.parametrize(
    "text, role",
    [
        ("Jade Lemaire, talent manager au Studio Ricochet, parle.", "talent manager"),  # ends like a verb
        ("Jean Roux, président de la coopérative, parle.", "président de la coopérative"),
        ("Marie Dupont, juge consulaire au tribunal de commerce, parle.", "juge consulaire au tribunal de commerce"),
        ("Hélène Roux, elle aussi fondatrice d’une agence, répond.", "fondatrice d’une agence"),
        ("Paul Martin, lui aussi directeur de la communication, ajoute.", "directeur de la communication"),
        # "au sein du cabinet …" leads to the organisation; it is no part of the post
        ("Anne Le Gall, consultante en com au sein du cabinet Marée Haute, anime.", "consultante en com"),
    ],
)
def test_posts_are_roles_however_they_begin(text, role):
    assert [s.role for s in speakers_in(text)] == [role]


def test_the_words_said_are_kept_without_the_narration_around_them():
    listing = read_listing(DATA / "smc-articles-2019.txt", url="https://example.org/", year=2019, links={})
    research = next(a for a in listing if "objets de recherches" in a.title)
    said = statements_in(research.body, speakers_in(research.body))
    guy = [s for s in said if s.text.endswith("comment la maladie est vécue")]
    assert guy and guy[0].speaker == "Guy Fagherazzi"  # "développe le chercheur de l'Inserm"
    assert all("développe" not in s.text and "«" not in s.text and "»" not in s.text for s in said)


def test_narration_inside_the_quotation_marks_is_cut_out():
    text = (
        "« Cela montre un degré d’intérêt pour les sciences chez certains publics, pointe en introduction "
        "Guilhem Boyer, Social Media Manager chez Safran. À l’inverse, les médias traditionnels traitent "
        "de moins en moins la science. »"
    )
    [said] = statements_in(text, speakers_in(text))
    assert said.speaker == "Guilhem Boyer"
    assert "pointe" not in said.text and said.text.endswith("de moins en moins la science.")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Selon Nadia Cherif, directrice de Transilys, tout change. « Nous avons obtenu plus de résultats "
         "en montrant ce que font les autres », explique-t-elle.", "Nadia Cherif"),
        ("Thomas Lemaire, directeur de l'agence Nuances, cite les boutons. Mais il met en garde : « Vouloir "
         "tout tracer, c'est le meilleur moyen de casser la confiance. »", "Thomas Lemaire"),
        ("Avec Juliette Aubry, fondatrice du studio Onde Courte. « Un podcast de marque réussi se passe de "
         "publicité », résume la fondatrice d'Onde Courte.", "Juliette Aubry"),
        ("Avec Juliette Aubry, fondatrice du studio Onde Courte. « On nous demande des chiffres de reach "
         "sans arrêt », a lancé une participante dans la salle.", ""),
        ("« Qui décide de ce qui est bon pour l'utilisateur ? » La question, posée par une participante, "
         "a relancé le débat.", ""),
    ],
)  # fmt: skip
def test_a_quote_is_signed_only_when_the_text_says_who_spoke(text, speaker):
    [said] = statements_in(text, speakers_in(text))
    assert said.speaker == speaker


def test_organisers_correct_names_and_organisations(tmp_path):
    (tmp_path / "speakers.toml").write_text(
        '[[speakers]]\nname = "Sophie Marchetti-Roy"\naliases = ["Sophie Marchetti"]\n'
        'organisation = "Institut des usages numériques"\n',
        encoding="utf-8",
    )
    articles = describe_archive(list(read_folder(PEOPLE / "corpus")), config_dir=tmp_path)
    directory = Directory(articles)
    person = directory.find("Sophie Marchetti-Roy")
    assert person is not None and person.organisation == "Institut des usages numériques"
    assert len(person.sessions) == 2 and person.statements
    assert directory.find("Sophie Marchetti") is None or directory.find("Sophie Marchetti") is person


# --- speakers framed by "Pour …," / "Selon …,", a write-up naming nobody, an unknown series ---

FRAMED = """---
title: "Mesurer sans se noyer dans les chiffres"
date: 2024-05-20
url: https://socialmediaclub.fr/2024/05/20/mesurer-sans-se-noyer-dans-les-chiffres/
---

Le Social Media Club a consacré sa table ronde de mai aux tableaux de bord des équipes social media.

Pour Thomas Legrand, data analyst chez Mesurix, « un tableau de bord ne sert à rien sans une question posée au départ ». Il insiste sur la méthode plus que sur les outils. « On mesure beaucoup trop et on décide beaucoup trop peu », affirme-t-il.

Selon Karim Benali, directeur de la communication de Vélonia, « la donnée sociale doit remonter jusqu'au comité de direction ». Il rejoint sur ce point Claire Dumas, responsable social media chez Ormeo. « Il faut former les équipes avant de leur donner des chiffres », affirme-t-il.
"""  # noqa: E501

NAMELESS = """---
title: "Social data : écouter avant de publier"
date: 2024-03-12
url: https://socialmediaclub.fr/2024/03/12/social-data-ecouter-avant-de-publier/
---

Cette session consacrée à la social data a réuni des responsables de veille et des analystes autour de l'écoute des conversations en ligne.

Les échanges ont porté sur les outils d'écoute sociale, le tri des mentions et la manière de transformer la veille en décisions. « On passe plus de temps à nettoyer les mentions qu'à les lire », a lancé une participante dans la salle.

La conclusion de la soirée : la social data ne vaut que par les questions qu'on lui pose.
"""  # noqa: E501


def body_of(markdown: str) -> str:
    """The body of a write-up, without its front matter."""
    return markdown.split("---", 2)[2].strip()


def test_pour_and_selon_frames_sign_the_words_with_the_clean_name():
    body = body_of(FRAMED)
    speakers = speakers_in(body)
    found = {(s.name, s.role, s.organisation) for s in speakers}
    assert ("Thomas Legrand", "data analyst", "Mesurix") in found
    assert ("Karim Benali", "directeur de la communication", "Vélonia") in found
    said = {s.text: s.speaker for s in statements_in(body, speakers)}
    assert said["un tableau de bord ne sert à rien sans une question posée au départ"] == "Thomas Legrand"
    assert said["la donnée sociale doit remonter jusqu'au comité de direction"] == "Karim Benali"


def test_the_frame_is_never_left_as_a_broken_sentence_of_narration():
    body = body_of(FRAMED)
    narration = [u.text for u in units_of(body, speakers_in(body)) if not u.speech]
    assert not [t for t in narration if t.startswith(("Pour Thomas", "Selon Karim")) or t.endswith(",")]


def test_a_later_pronoun_is_signed_only_when_nobody_else_was_named_in_between():
    body = body_of(FRAMED)
    said = {s.text: s.speaker for s in statements_in(body, speakers_in(body))}
    # Only narration without a name between Thomas Legrand's words and "affirme-t-il".
    assert said["On mesure beaucoup trop et on décide beaucoup trop peu"] == "Thomas Legrand"
    # Claire Dumas is named in between: "il" could be either, so the words stay unsigned.
    assert said["Il faut former les équipes avant de leur donner des chiffres"] == ""


@pytest.fixture(scope="module")
def framed_answerer(tmp_path_factory, real_embedder):
    """An `Answerer` over the write-ups of this file alone, indexed with the real model."""
    from smcbot.answering import Answerer
    from smcbot.index import load_index
    from smcbot.services import build_from_sources
    from smcbot.settings import RetrievalSettings, load_settings

    folder = tmp_path_factory.mktemp("framed")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "2024-05-20-mesurer-sans-se-noyer-dans-les-chiffres.md").write_text(FRAMED, encoding="utf-8")
    (corpus / "2024-03-12-social-data-ecouter-avant-de-publier.md").write_text(NAMELESS, encoding="utf-8")
    (corpus / "2020-10-14-des-phares-et-des-abonnes.md").write_text(MODERATED, encoding="utf-8")
    manifest = folder / "sources.toml"
    manifest.write_text(f'[[sources]]\ntype = "folder"\npath = "{corpus}"\n', encoding="utf-8")
    index_dir = folder / "index"
    build_from_sources(load_settings(index_dir=index_dir, sources=manifest), embedder=real_embedder)
    index = load_index(index_dir, model=real_embedder.name)
    return Answerer(index, real_embedder, RetrievalSettings(), index_dir=index_dir)


def test_a_framed_quote_is_shown_signed_and_whole(framed_answerer):
    answer = framed_answerer.answer("Qu'a dit Thomas Legrand sur les tableaux de bord ?")
    assert answer.answered
    assert "— Thomas Legrand" in answer.text
    assert "« Pour" not in answer.text and "« Selon" not in answer.text
    assert "Mesurix, »" not in answer.text


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Who spoke at the social data session?", "names no speakers"),
        ("Qui est intervenu à la session social data ?", "ne nomme aucun intervenant"),
    ],
)
def test_a_write_up_naming_nobody_is_said_so_with_its_link(framed_answerer, question, said):
    answer = framed_answerer.answer(question)
    assert said in answer.lead, answer.text
    assert "•" not in answer.lead
    assert "https://socialmediaclub.fr/2024/03/12/social-data-ecouter-avant-de-publier/" in answer.text


@pytest.mark.parametrize(
    "question", ["List the Hackathon sessions", "the latest Hackathon session", "List Hackathon sessions"]
)
def test_an_unknown_series_is_refused_by_name_however_it_is_asked(framed_answerer, question):
    answer = framed_answerer.answer(question)
    assert not answer.answered and not answer.sources
    assert answer.lead == "I found no series named Hackathon in the Social Media Club archive."


MODERATED = """---
title: "Tous plateformisés #8 : des phares et des abonnés"
date: 2020-10-14
url: https://socialmediaclub.fr/2020/10/14/des-phares-et-des-abonnes/
---

Ce que l’on retient des échanges :

- Les gardiens de phare racontent leur métier en vidéo.
- Les abonnés suivent les tempêtes en direct.
- Le patrimoine maritime trouve un public jeune.

Autour de la table, Yannick Quéméner, président de l’association des gardiens de phare, et Morgane Tanguy, photographe et community manager bénévole. La table ronde était animée par Anne-Sophie Le Gall, consultante en communication patrimoniale au sein du cabinet Marée Haute.

« Nos vidéos de tempête font dix fois plus de vues que nos photos de beau temps », raconte Yannick Quéméner. Morgane Tanguy a filmé l’ascension des 307 marches d’un phare, téléphone à la main.
"""  # noqa: E501


def test_whoever_ran_a_session_is_read_from_its_write_up():
    body = body_of(MODERATED)
    assert moderators_in(body, speakers_in(body)) == ["Anne-Sophie Le Gall"]
    assert moderators_in(body_of(FRAMED), speakers_in(body_of(FRAMED))) == []  # nobody said to run it
    # a role running the session, not a job that sounds like it, nor one with an employer
    said = [
        Speaker("Marc Roy", "modérateur de la table ronde", ""),
        Speaker("Léa Petit", "animatrice du débat", ""),
        Speaker("Yasmine Ferhat", "animatrice et référente communication de l’établissement", ""),
        Speaker("Jo Lin", "modératrice", "Facebook"),
        Speaker("Vincent Loriot", "consultant en stratégie social media et co-animateur du cycle", ""),
        Speaker("Nina Roux", "consultante et animatrice", ""),  # running what, it does not say
    ]
    assert moderators_in("Rien de plus.", said) == ["Marc Roy", "Léa Petit", "Vincent Loriot"]


@pytest.mark.parametrize(
    ("text", "ran"),
    [
        # the name right after "animée par", not the next sentence's
        ("La session était animée par Guillaume Caron, journaliste. Laure Castaing, dont…", ["Guillaume Caron"]),
        # two joined by "et", however long the first one's role
        (
            "La table ronde était animée par David Reguer, directeur général de RCA Factory et Guilhem Boyer, "
            "Social Media Manager chez Safran.",
            ["David Reguer", "Guilhem Boyer"],
        ),
        ("La session était animée par Luc Bernard.", ["Luc Bernard"]),  # presented with no role
        ("animée par Anne Durand, en présence de Paul Martin et de Julie Roy, fondatrice de Kiosque.", ["Anne Durand"]),
        ("Les chiffres présentés par Paul Martin, directeur, montrent tout.", []),  # figures, not a session
        ("« Nos comptes sont animés par Léa Roy et son équipe », explique Paul Martin, directeur.", []),  # words said
        ("The event was hosted by Google France at its offices, with Jane Doe, head of marketing.", []),  # a brand
        # the one the sentence says ran it, past their description, not the guests it names next
        (
            "Pour cette édition, Claire Dumontet, directrice de la communication de la Mutuelle Horizon Santé, "
            "animait les échanges avec trois invités : Agnès Berthelot, directrice de la communication des "
            "Pompes funèbres Berthelot, et Romain Ferraud, conseiller funéraire.",
            ["Claire Dumontet"],
        ),
        ("Léa Roy, journaliste, animait la discussion. Paul Martin, directeur, a présenté les chiffres.", ["Léa Roy"]),
    ],
)
def test_whoever_ran_a_session_is_the_one_named_after_animee_par(text, ran):
    assert moderators_in(text, speakers_in(text)) == ran


@pytest.mark.parametrize(
    ("question", "ran"),
    [
        ("who hosted the lighthouse keepers talk?", "moderator"),
        ("Qui animait la table ronde sur les phares ?", "à l'animation"),
    ],
)
def test_who_ran_a_session_names_its_moderator_first(framed_answerer, question, ran):
    answer = framed_answerer.answer(question)
    assert answer.answered and "des-phares-et-des-abonnes" in answer.sources[0].url
    people = [line for line in answer.lead.splitlines() if line.startswith("•")]
    assert people[0].startswith("• Anne-Sophie Le Gall") and people[0].endswith(ran)
    assert any(line.startswith("• Yannick Quéméner") for line in people[1:])


@pytest.mark.parametrize(
    "question",
    [
        "Qui animait le Tous plateformisés #8 ?",
        "who hosted Tous plateformisés #8?",
        "qui a animé la session tous plateformisés 8",
        "who hosts the Tous plateformisés talks?",  # a series is run in the present too
        "who was the host of Tous plateformisés #8?",
    ],
)
def test_who_ran_a_session_named_by_its_series_and_number_names_its_moderator(framed_answerer, question):
    answer = framed_answerer.answer(question)
    assert answer.answered and [s.url for s in answer.sources] == [
        "https://socialmediaclub.fr/2020/10/14/des-phares-et-des-abonnes/"
    ]
    people = [line for line in answer.lead.splitlines() if line.startswith("•")]
    assert people and people[0].startswith("• Anne-Sophie Le Gall"), answer.text


def test_who_ran_a_session_the_write_up_does_not_say_is_said_so(framed_answerer):
    answer = framed_answerer.answer("Qui animait la table ronde sur les tableaux de bord ?")
    assert answer.answered and answer.lead.startswith("Le compte rendu ne dit pas qui animait")
    assert "à l'animation" not in answer.lead and "• Thomas Legrand" in answer.lead
