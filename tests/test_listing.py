"""The listing parser on the bundled page and on pages written here in other variants."""

from datetime import date
from pathlib import Path

from smcbot.sources.articles import html_to_lines, series_from_title
from smcbot.sources.listing import parse_listing_text, read_listing

from .conftest import DATA

PAGE_URL = "https://socialmediaclub.fr/publications-2/"


def bundled() -> list:
    return read_listing(DATA / "smc-articles-2019.txt", url=PAGE_URL, year=2019, links={})


def test_bundled_page_has_ten_articles_newest_first():
    articles = bundled()
    assert [a.date for a in articles] == [
        date(2019, 7, 5), date(2019, 7, 1), date(2019, 6, 24), date(2019, 6, 18), date(2019, 6, 4),
        date(2019, 5, 24), date(2019, 5, 13), date(2019, 4, 24), date(2019, 4, 23), date(2019, 4, 17),
    ]  # fmt: skip
    assert articles[0].title == (
        "SMC Cycle « Sciences et réseaux sociaux », Session #3 – L’IA va-t-elle envahir les réseaux sociaux ?"
    )
    assert articles[-1].title == "Session #2 « Tous influenceurs » : Employee advocacy"
    assert articles[6].title == "Cercle Dircoms #5 : quels outils pour la gestion de crise ?"


def test_nine_sessions_have_three_takeaways_and_the_lyon_programme_none():
    articles = bundled()
    sessions = [a for a in articles if a.takeaways]
    assert len(sessions) == 9
    assert all(len(a.takeaways) == 3 for a in sessions)
    programme = next(a for a in articles if "SMC Lyon" in a.title)
    assert programme.takeaways == []
    assert "Stratégies de contenus" in programme.body


def test_unbulleted_takeaways_are_read_line_by_line():
    by_title = {a.title: a for a in bundled()}
    advocacy = by_title["Session #2 « Tous influenceurs » : Employee advocacy"]
    assert [t.split(" :")[0] for t in advocacy.takeaways] == ["Ambassadeurs", "Limites", "Mise en place"]
    data = next(a for a in by_title.values() if "social data ?" in a.title)
    assert data.takeaways[1].startswith("La responsabilité juridique")
    china = next(a for a in by_title.values() if "chinois" in a.title)
    assert china.takeaways[0].startswith("Super App : WeChat")
    assert china.body.startswith("En Chine")


def test_authors_series_and_body_end():
    by_date = {a.date: a for a in bundled()}
    assert by_date[date(2019, 6, 18)].author == "Margot Hemmerich"
    assert by_date[date(2019, 4, 23)].author == "Brice Andlauer"
    assert by_date[date(2019, 7, 5)].author == ""
    assert by_date[date(2019, 7, 5)].series == "Sciences et réseaux sociaux"
    assert by_date[date(2019, 6, 24)].series == "Cercle Dircoms"
    assert by_date[date(2019, 4, 24)].series == "Tous plateformisés"
    assert by_date[date(2019, 4, 23)].series == "SMC Focus"
    assert "Lire la suite" not in by_date[date(2019, 5, 13)].body


def test_speakers_with_role_and_organisation():
    article = next(a for a in bundled() if "Comex" in a.title)
    speakers = {s.name: s for s in article.speakers}
    assert speakers["Cécile Ribour"].organisation == "MAIF"
    assert speakers["Paul Michon"].organisation == "Kering"
    assert "directrice de la communication" in speakers["Cécile Ribour"].role
    crisis = next(a for a in bundled() if "communication de crise" in a.title)
    panel = {s.name: s for s in crisis.speakers}
    assert panel["Laurence Sadourny"].organisation == "Danone"
    # Named after "… et" at the end of the previous person's role.
    assert panel["Charlotte Sandret"].organisation == "Boehringer Ingelheim"
    assert len(panel) == 7


VARIANT_PAGE = """Les articles du Social Media Club

3
Janv

Cercle Dircoms #9 : la communication interne à l’heure du télétravail

Par Jeanne Martin / Crédit photos : Paul Durand

Ce qu’il faut retenir :

- Le télétravail change le rôle des managers
- Les outils collaboratifs ne suffisent pas
- Garder le lien demande des rituels

Pour ouvrir la discussion, Claire Petit, directrice de la communication interne chez Orange, rappelle les chiffres.

Lire la suite

12
Déc

Tous plateformisés #7 : TikTok, nouvel eldorado ?

Les points à retenir :

Formats : la vidéo courte impose une écriture nouvelle
Audience : les moins de 25 ans y passent des heures
Marques : peu d’entre elles savent y parler naturellement

La plateforme séduit les annonceurs.

Lire la suite

28
Nov

SMC Focus – Le social media en Afrique

Ce qu'on retient des échanges :

  • Le mobile d’abord
  • Des usages très communautaires
  • Un marché publicitaire naissant

Un tour d’horizon du continent. Lire la suite
"""


def test_other_headings_bylines_and_a_december_to_november_wrap(tmp_path: Path):
    page = tmp_path / "page.txt"
    page.write_text(VARIANT_PAGE, encoding="utf-8")
    articles = read_listing(page, url=PAGE_URL, year=2021, links={})
    assert [a.date for a in articles] == [date(2021, 1, 3), date(2020, 12, 12), date(2020, 11, 28)]
    assert articles[0].author == "Jeanne Martin"
    assert [len(a.takeaways) for a in articles] == [3, 3, 3]
    assert articles[0].takeaways[0] == "Le télétravail change le rôle des managers"
    assert articles[1].takeaways[2].startswith("Marques :")
    assert articles[2].body == "Un tour d’horizon du continent."
    assert articles[1].series == "Tous plateformisés"


def test_html_listing_gives_the_same_items_and_article_links():
    html = """<html><body><nav><a href="/">Accueil</a></nav><main>
    <article><div class="date"><span>18</span><span>Juin</span></div>
      <h2><a href="https://socialmediaclub.fr/2019/06/18/session-3/">Session #3 « Tous influenceurs » : crise</a></h2>
      <p>Par Margot Hemmerich</p>
      <p>Ce que l’on retient des échanges :</p>
      <ul><li>Un</li><li>Deux</li><li>Trois</li></ul>
      <p>Le corps de l’article.</p>
      <a href="https://socialmediaclub.fr/2019/06/18/session-3/">Lire la suite</a></article>
    </main></body></html>"""
    items = parse_listing_text(html_to_lines(html))
    assert len(items) == 1
    item = items[0]
    assert item.title == "Session #3 « Tous influenceurs » : crise"
    assert item.url == "https://socialmediaclub.fr/2019/06/18/session-3/"
    assert item.takeaways == ["Un", "Deux", "Trois"]
    assert item.author == "Margot Hemmerich"
    assert item.body == "Le corps de l’article."


def test_series_from_titles():
    assert series_from_title("Session #2 « Tous influenceurs » : Employee advocacy") == "Tous influenceurs"
    assert series_from_title("Cercle Dircoms #6 : Valoriser") == "Cercle Dircoms"
    assert series_from_title("Découvrez le programme de la rentrée du SMC Lyon !") == ""
