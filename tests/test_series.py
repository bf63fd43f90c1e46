"""Series: every spelling of a series maps to one canonical name, episodes are kept,
organisers' declarations win, and `--series` takes any alias."""

import json
import os
import subprocess
import sys

import pytest

from smcbot.directory import describe_archive
from smcbot.errors import QuestionError
from smcbot.retrieval import SearchFilters
from smcbot.series import SeriesCatalog, SeriesDeclaration, load_declarations, series_key, spelling_in
from smcbot.sources.files import read_folder
from smcbot.sources.listing import read_listing

from .conftest import DATA, PEOPLE, ROOT

BLIND = json.loads((PEOPLE / "series.json").read_text(encoding="utf-8"))


def archive_titles() -> list[str]:
    """Titles of the bundled archive and of the club-style test write-ups."""
    listing = read_listing(DATA / "smc-articles-2019.txt", url="https://example.org/", year=2019, links={})
    return [a.title for a in listing] + [a.title for a in read_folder(PEOPLE / "corpus")]


def test_every_spelling_of_a_series_maps_to_one_series_without_any_declaration():
    catalog = SeriesCatalog.from_titles(archive_titles())
    found = {title: catalog.series_of(title) for title in BLIND}
    for title, expected in BLIND.items():
        series, episode = found[title]
        assert series_key(series) == series_key(expected["series"]), title
        assert episode == expected["episode"], title
        same = {found[t][0] for t, e in BLIND.items() if e["series"] == expected["series"]}
        assert same == {series}, f"{expected['series']} is split into {same}"
    assert len({s for s, _ in found.values()}) == len({e["series"] for e in BLIND.values()})


def test_declared_series_give_their_names():
    catalog = SeriesCatalog.from_titles(archive_titles(), load_declarations(ROOT / "config" / "series.toml"))
    for title, expected in BLIND.items():
        assert catalog.series_of(title) == (expected["series"], expected["episode"]), title


@pytest.mark.parametrize(
    "spellings",
    [
        ["#CercleDircom", "Cercle Dircom", "Cercle Dircoms", "cercle dircoms"],
        ["SMC Focus", "SMC #Focus", "Focus"],
        ["Cycle « Parcours utilisateur »", "Cycle “Parcours utilisateurs”", "parcours utilisateurs"],
        ["Commission Social Data", "SMC | Social Data", "Social Data"],
        ["Sciences et réseaux sociaux", "SMC Cycle « Sciences et réseaux sociaux »", "sciences et reseaux sociaux"],
    ],
)
def test_spellings_share_one_key(spellings):
    assert len({series_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("title", "name", "episode"),
    [
        ("#CercleDircom #10 – La com interne", "Cercle Dircom", 10),
        ("Session #3 « Tous influenceurs » : Du bon usage", "Tous influenceurs", 3),
        ("SMC Cycle « Sciences et réseaux sociaux », Session #3 – L’IA", "Sciences et réseaux sociaux", 3),
        ("SMC | Social Data: quelle organisation ?", "Social Data", None),
        ("Tous plateformisés #4 : Quel avenir pour la social data ?", "Tous plateformisés", 4),
        ("Tous influenceurs #7 – Banques et « finfluenceurs » : alliés ?", "Tous influenceurs", 7),
        ("Session #2 – « Parcours utilisateurs » : le nudge", "Parcours utilisateurs", 2),
        ("Session 2 – « Parcours utilisateurs » : le nudge", "Parcours utilisateurs", None),
        ("SMC Lyon – Cycle « Commerce et réseaux sociaux » #2 : Le live shopping", "Commerce et réseaux sociaux", None),
        ("SMC Lyon – Session « Focus » : Clubs de sport", "Focus", None),
    ],
)
def test_a_title_gives_its_series_spelling_and_episode(title, name, episode):
    spelling = spelling_in(title)
    assert spelling is not None and (spelling.name, spelling.episode) == (name, episode)


@pytest.mark.parametrize(
    "title",
    [
        "Découvrez le programme de la rentrée du SMC Lyon !",
        "Brand safety : ce qu'il faut retenir",
        "Le « dark social » expliqué : ce qu'il faut savoir",
    ],
)
def test_one_off_posts_get_no_series(title):
    assert SeriesCatalog.from_titles([title, *archive_titles()]).series_of(title) == ("", None)


def test_a_declaration_wins_over_the_spelling_titles_use():
    titles = ["Cercle Dircom #1 : a", "Cercle Dircom #2 : b", "Cercle Dircoms #3 : c"]
    assert SeriesCatalog.from_titles(titles).series_of(titles[2])[0] == "Cercle Dircom"
    declared = SeriesCatalog.from_titles(titles, [SeriesDeclaration("Le Cercle des dircoms", ["Cercle Dircom"])])
    assert {declared.series_of(t)[0] for t in titles} == {"Le Cercle des dircoms"}


def test_aliases_find_the_canonical_series_and_unknown_names_find_none():
    catalog = SeriesCatalog.from_titles(archive_titles(), load_declarations(ROOT / "config" / "series.toml"))
    assert catalog.canonical("#CercleDircom") == "Cercle Dircoms"
    assert catalog.canonical("focus") == "SMC Focus"
    assert catalog.canonical("Commission Social Data") == "Social Data"
    assert catalog.canonical("Parcours utilisateur") == "Parcours utilisateurs"
    assert catalog.canonical("Hackathon") is None


def test_a_question_names_the_series_of_its_longest_spelling_and_a_word_inside_another_names_none():
    catalog = SeriesCatalog([SeriesDeclaration("Social Data"), SeriesDeclaration("Social Data Lab", ["SDL Lab"])])
    assert catalog.named_in("Qu'a dit le #SocialDataLab de mars ?") == "Social Data Lab"
    assert catalog.named_in("les sessions social data ?") == "Social Data"
    assert catalog.named_in("What did the SDL labs say?") == "Social Data Lab"  # plurals do not count
    assert catalog.named_in("des données sociales ?") == ""
    assert catalog.named_in("socialdata") == ""  # a word, not the series' two words


def test_a_series_given_by_the_source_is_kept(tmp_path):
    listing = read_listing(DATA / "smc-articles-2019.txt", url="https://example.org/", year=2019, links={})
    article = listing[1]  # the programme post: no series in its title
    article.series = "SMC Lyon"
    described = describe_archive([article], config_dir=tmp_path)
    assert described[0].series == "SMC Lyon"


def test_series_filter_takes_any_alias_and_refuses_an_unknown_one(people_answerer):
    question = "Comment communiquer en interne pendant le télétravail ?"
    for alias in ("#CercleDircom", "cercle dircom", "Cercle Dircoms"):
        answer = people_answerer.answer(question, SearchFilters(series=alias))
        assert answer.answered and "#CercleDircom #10" in answer.sources[0].title
    with pytest.raises(QuestionError) as refused:
        people_answerer.answer(question, SearchFilters(series="Hackathon"))
    message = str(refused.value)
    assert "\n" not in message and "Hackathon" in message
    assert all(name in message for name in ("Cercle Dircoms", "SMC Focus", "Social Data", "Parcours utilisateurs"))


def test_stats_list_canonical_series_and_speakers(people_index_dir, real_embedder):
    from smcbot.index import index_stats, load_index

    stats = index_stats(load_index(people_index_dir, model=real_embedder.name))
    by_title = {a["title"]: a["series"] for a in stats["articles"]}
    for title, expected in BLIND.items():
        assert by_title[title] == expected["series"]
    assert {"name", "organisation", "role", "sessions"} <= set(stats["speakers"][0])


def test_the_command_line_takes_an_alias_and_refuses_an_unknown_series_in_one_line(people_index_dir):
    def ask(series: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "smcbot", "ask", "Comment gérer une crise ?", "--series", series]
        command += ["--index-dir", str(people_index_dir), "--json"]
        environment = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "COLUMNS": "300"}
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment, timeout=300)

    found = ask("#CercleDircom")
    assert found.returncode == 0, found.stderr
    assert all("Cercle Dircoms" in s["title"] for s in json.loads(found.stdout)["sources"])
    refused = ask("Hackathon")
    assert refused.returncode == 1 and refused.stdout == ""
    assert len(refused.stderr.strip().splitlines()) == 1 and "Cercle Dircoms" in refused.stderr
