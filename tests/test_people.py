"""Speakers and what they said: clean names, roles and organisations apart, quotes
signed only when the write-up says who spoke, and never the narration around them."""

import json

import pytest

from smcbot.directory import Directory, describe_archive
from smcbot.people import speakers_in, statements_in
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
    ],
)  # fmt: skip
def test_names_are_clean(text, name, role, organisation):
    assert [(s.name, s.role, s.organisation) for s in speakers_in(text)] == [(name, role, organisation)]


def test_a_place_of_work_is_not_a_person():
    text = "Chez Opaline Assurances, l'équipe a fait le choix de réduire les indicateurs."
    assert speakers_in(text) == []


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
