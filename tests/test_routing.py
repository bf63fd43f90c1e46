"""Questions about people, periods and series: answered from the directory and the
dates with the right people and sessions, refusals that name what was not found,
and every quote shown clean (signed by a name alone, no narration, no nested guillemets)."""

import json
import re

import pytest

from smcbot.evaluation import evaluate_file, read_questions
from smcbot.people import SPEECH_VERBS
from smcbot.quoting import UNSIGNED
from smcbot.routing import parse_period, without_thing_dates
from smcbot.text import fold

from .conftest import PEOPLE, ROOT

QUESTIONS = PEOPLE / "questions.jsonl"
QUESTION_FILES = [ROOT / "tests" / "data" / "dev.jsonl", ROOT / "tests" / "data" / "heldout.jsonl", QUESTIONS]
NARRATION_END = re.compile(r"[,;]\s*(?:(?:a|s'|se)\s*)?(\w+)(?:-t)?(?:-(?:il|elle))?\s+[^,;]{0,60}$")


def test_people_period_and_series_questions_are_answered_right(people_answerer):
    report = evaluate_file(QUESTIONS, people_answerer)
    failed = [(r["q"], r["sources"][:3]) for r in report["results"] if not r["ok"]]
    assert report["metrics"]["all_checks"] >= 0.95, failed
    assert report["metrics"]["speakers_accuracy"] >= 0.95 and report["metrics"]["titles_all_accuracy"] >= 0.95


def test_refusals_name_what_was_not_found(people_answerer):
    refused = [q for q in read_questions(QUESTIONS) if not q["expect"]]
    assert refused
    for entry in refused:
        answer = people_answerer.answer(entry["q"])
        assert not answer.answered and not answer.sources, entry["q"]
        named = re.findall(r"(?<!^)\b(?:[A-ZÀ-Þ][\w'’-]+|(?:19|20)\d\d)\b", entry["q"].strip())
        assert any(word in answer.lead for word in named), (entry["q"], answer.lead)


def test_topic_questions_are_answered_as_before(answerer):
    for path in QUESTION_FILES[:2]:
        metrics = evaluate_file(path, answerer)["metrics"]
        assert metrics["hit@1"] == 1.0 and metrics["no_answer_accuracy"] == 1.0, path


def shown_quotes(answerer, path):
    """(question, quote) for every quote of every answer to the questions of a file."""
    for entry in read_questions(path):
        answer = answerer.answer(entry["q"])
        for session in answer.sessions:
            for quote in answerer.quotes(session, answer.terms):
                yield entry["q"], quote


@pytest.mark.parametrize("path", QUESTION_FILES, ids=lambda p: p.name)
def test_every_quote_shown_is_clean(people_answerer, path):
    checked = 0
    for question, quote in shown_quotes(people_answerer, path):
        checked += 1
        assert "«" not in quote.text and "»" not in quote.text, (question, quote.text)
        end = NARRATION_END.search(quote.text)  # "…, développe le chercheur de l'Inserm"
        assert quote.kind != "speech" or not (end and fold(end.group(1)) in SPEECH_VERBS), (question, quote.text)
        if quote.kind == "speech" and quote.speaker and quote.speaker not in UNSIGNED.values():
            name = quote.speaker.split(",")[0].split("(")[0].strip()
            words = [fold(w) for w in name.split()]
            assert words[0] not in {"selon", "pour", "chez", "d'apres"}, (question, quote.speaker)
            assert not set(words) & SPEECH_VERBS, (question, quote.speaker)
            assert not set(words) & {"directeur", "directrice", "responsable", "fondateur", "fondatrice", "qui"}
            assert 2 <= len(words) <= 5, (question, quote.speaker)
        if quote.kind != "takeaway":
            assert quote.speaker, (question, quote.text)  # unsigned words are marked as the write-up's
    assert checked


def test_an_unsigned_quote_never_stands_under_the_previous_speaker(people_answerer):
    answer = people_answerer.answer("Qu'a dit la créatrice de contenus culinaires sur les partenariats ?")
    assert "Camille Roussel" in answer.text
    answer = people_answerer.answer("Comment mesurer l'engagement sur les réseaux sociaux ?")
    for session in answer.sessions:
        kinds = [q.kind for q in people_answerer.quotes(session, answer.terms)]
        # Takeaways (the write-up's summary) come first; every later quote says whose words it is.
        assert kinds == sorted(kinds, key=lambda kind: kind != "takeaway")
        for quote in people_answerer.quotes(session, answer.terms):
            assert quote.kind == "takeaway" or quote.speaker


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("Quelles sessions en 2020 ?", "2020-01-01", "2020-12-31"),
        ("What sessions were held in spring 2021?", "2021-03-01", "2021-05-31"),
        ("Quelles sessions en juin 2019 ?", "2019-06-01", "2019-06-30"),
        ("Which sessions did the club hold between October and December 2020?", "2020-10-01", "2020-12-31"),
        ("Les sessions Social Data depuis 2021", "2021-01-01", None),
        ("Quelles sessions en hiver 2020 ?", "2020-12-01", "2021-02-28"),
    ],
)
def test_periods(question, since, until):
    period = parse_period(question)
    assert period is not None
    assert (str(period.since), str(period.until) if period.until else None) == (since, until)


@pytest.mark.parametrize(
    ("question", "dated"),
    [
        ("la loi influenceurs de juin 2023, des sessions en parlent ?", False),  # the law's date
        ("the influencer law of 2023, was it discussed?", False),
        ("La session de juin 2019 sur la marque employeur", True),  # the session's date
        ("au début de 2021 on parlait de quoi ?", True),
        ("en juin 2023, on a parlé de quoi ?", True),
        ("les tables rondes de 2020", True),  # the sessions' date
        ("the round tables of 2020", True),
        ("au cours de 2021, on a parlé de quoi ?", True),
    ],
)
def test_a_date_naming_a_thing_does_not_date_the_sessions(question, dated):
    assert (parse_period(without_thing_dates(question)) is not None) is dated


def test_a_list_is_dated_and_newest_first(people_answerer):
    answer = people_answerer.answer("List all Cercle Dircoms sessions")
    dates = [s.date for s in answer.sources]
    assert len(dates) == 4 and dates == sorted(dates, reverse=True)
    assert "2021" in answer.text and "https://" in answer.text


def test_a_period_without_a_topic_lists_that_period_s_sessions(answerer):
    for question in (
        "what was said in 2019?",
        "qu'est-ce qui s'est dit en juin 2019 ?",
        "what happened in June 2019?",  # "happened" names no topic
        "qu'est-ce qui s'est passé en juin 2019 ?",
    ):
        answer = answerer.answer(question)
        assert answer.sources and all(s.date and s.date.year == 2019 for s in answer.sources), question
    assert "(June 2019)" in answerer.answer("what was said in June 2019?").text  # as a reply writes it, not as typed
    assert "(février 2019)" in answerer.answer("quelles sessions en fevrier 2019 ?").text
    polite = answerer.answer("Liste les sessions de 2019 svp")  # a courtesy is no topic
    assert polite.sources and all(s.date and s.date.year == 2019 for s in polite.sources)
    # A topic the archive lacks: the sessions of the period are not about it.
    olympics = answerer.answer("what was said at the session about the 2019 olympic torch relay?")
    assert not olympics.answered and not olympics.sources
    later = answerer.answer("what was said in 2030?")
    assert not later.answered and "2030" in later.text and "2019" in later.text  # the archive's span


@pytest.mark.parametrize(
    "question",
    [
        "Who is Guy Fagherazzi?",
        "Qu'a dit Paul Michon de Kering ?",
        "What did Marion Durand from Bledina say?",
        "Qui est intervenu sur le dark social ?",
        "Quelles sessions en 2020 ?",
    ],
)
def test_directory_answers_link_their_sessions(people_answerer, question):
    answer = people_answerer.answer(question)
    assert answer.answered and answer.sources
    assert all(source.url in answer.text for source in answer.sources)
    assert answer.language == ("en" if question.startswith(("Who", "What")) else "fr")


def test_the_eval_file_format_accepts_the_new_fields(tmp_path, people_answerer):
    path = tmp_path / "q.jsonl"
    lines = [
        {"q": "Qui est Bastien Morel ?", "expect": ["nudge", "Accessibilité"], "expect_speakers": ["Bastien Morel"],
         "expect_titles_all": ["nudge", "Accessibilité"]},
        {"q": "Qui est Bastien Morel ?", "expect": ["nudge"], "expect_speakers": ["Nadia Cherif"]},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    results = evaluate_file(path, people_answerer)["results"]
    assert results[0]["ok"] and results[0]["speakers_ok"] and results[0]["titles_all_ok"]
    assert not results[1]["ok"] and not results[1]["speakers_ok"]


@pytest.mark.parametrize("question", ["Quels sont les cycles du club ?", "What series does the club run?"])
def test_the_series_are_listed_with_their_sessions_and_dates(people_answerer, question):
    answer = people_answerer.answer(question)
    assert answer.answered
    for name in ("Cercle Dircoms", "SMC Focus", "Social Data", "Parcours utilisateurs", "Tous influenceurs"):
        assert name in answer.lead
    assert "Cercle Dircoms — 4 sessions" in answer.lead


WRITE_UP = """---
title: "Tous plateformisés #10 : le règlement européen et les équipes social media"
date: 2024-03-21
url: https://example.org/2024/03/21/reglement-europeen/
---

Ce que l’on retient des échanges :

- Les plateformes doivent expliquer leurs décisions de modération.
- Les équipes social media documentent leurs signalements.
- La transparence publicitaire devient la règle.

Depuis le 17 février, le Digital Services Act, s’applique à l’ensemble des plateformes opérant dans l’Union.
Nous avons réuni Sébastien Lacroix, DRH adjoint de Fidelis Assurances, et Laure Dampierre, avocate associée.

Chez Maison Vernet, une marque de cosmétiques, chaque signalement de contenu haineux est désormais archivé avec sa
réponse. « Nous gardons une trace de chaque décision de modération, pour pouvoir la justifier », explique
Sébastien Lacroix. « Le règlement oblige les plateformes à motiver leurs retraits », rappelle Laure Dampierre.
"""


@pytest.fixture(scope="module")
def regulation_answerer(write_ups_answerer):
    """An `Answerer` over one club-style write-up on the European regulation."""
    return write_ups_answerer("regulation", {"2024-03-21-reglement-europeen.md": WRITE_UP})


def test_a_speaker_whose_post_is_an_acronym_is_found_by_their_company(regulation_answerer):
    answer = regulation_answerer.answer("qui était l'intervenant de Fidelis Assurances ?")
    assert answer.answered and "Sébastien Lacroix" in answer.text, answer.text


def test_a_company_named_in_a_write_up_is_searched_not_refused_as_an_unknown_speaker(regulation_answerer):
    answer = regulation_answerer.answer("qu'a dit l'intervenant de Maison Vernet ?")
    assert answer.answered and answer.sources, answer.text
    assert not regulation_answerer.answer("qu'a dit Jean Dupontel sur TikTok ?").answered


def test_someone_the_archive_never_names_is_refused_however_their_words_are_asked(regulation_answerer):
    for question in ("qu'est-ce qu'a raconté Jean Dupontel quand il est venu ?", "qu'a expliqué Jean Dupontel ?"):
        answer = regulation_answerer.answer(question)
        assert not answer.answered and "Jean Dupontel" in answer.text, question


def test_a_law_is_not_taken_for_a_speaker_and_a_session_recalling_the_month_answers(regulation_answerer):
    answer = regulation_answerer.answer("what changed in february 2024 with the EU digital services act")
    assert answer.answered and answer.sources, answer.text
    assert "Digital Services Act," not in answer.text.split("\n")[0]


def test_a_question_on_a_dated_law_is_searched_not_taken_for_sessions_of_that_year(regulation_answerer):
    # The sessions of 2022 would be none; the question is about the regulation of 2022.
    answer = regulation_answerer.answer("le règlement européen de 2022 sur les plateformes, des sessions en parlent ?")
    assert answer.answered and answer.sources, answer.text
    assert regulation_answerer.answer("Quelles sessions en 2022 ?").answered is False


@pytest.mark.parametrize(
    "question",
    [
        "Qu'a dit Nadia Cherif en 2015 ?",  # a speaker, but no session of hers then
        "Quelles sessions en 2015 ?",
        "Qui a parlé de nudge en 2016 ?",
        "the latest Cercle Dircoms",
        "What did Nadia Cherif say about TikTok?",
    ],
)
def test_an_answer_always_cites_a_session(people_answerer, question):
    answer = people_answerer.answer(question)
    assert not answer.answered or answer.sources, answer.text


@pytest.fixture(scope="module")
def set_answerer(blind_set_index, real_embedder):
    """A function giving an `Answerer` over a blind set's index (`"setAH"`…), default settings."""
    from smcbot.answering import Answerer
    from smcbot.index import load_index
    from smcbot.settings import RetrievalSettings

    def answerer_of(name: str) -> Answerer:
        index = load_index(blind_set_index(name), model=real_embedder.name)
        return Answerer(index, real_embedder, RetrievalSettings())

    return answerer_of


def test_a_session_looking_back_on_a_season_months_later_is_found(set_answerer):
    # The park's write-up, of April 2023, tells the results of "l'été 2022": a season with
    # its year, looked back on more than the months a session recalls ("depuis février").
    def answer(name, question):
        return set_answerer(name).answer(question)

    park = answer("setAH", "baisse de fréquentation à l’été 2022 ?")
    assert park.answered and park.sources[0].date.year == 2023, park.text
    assert "Territoires connectés #3" in park.sources[0].title
    summer = answer("setAH", "what happened in summer 2022?")
    assert all(s.date.year in (2022, 2023) for s in summer.sources)


def test_a_season_or_month_with_its_year_is_looked_back_on_for_a_year_and_its_months_as_before(answerer):
    from datetime import date

    from smcbot.models import Article

    def admitted(question, day, body):
        filters, _ = answerer.router.dated(question, None)
        return filters.admits(Article("Une session", day, "https://example.org/" + body[:9], body=body))

    summer = "qu'a-t-on dit du tourisme à l'été 2022 ?"
    assert admitted(summer, date(2023, 4, 12), "À l’été 2022, le pic journalier a baissé de 31 %.")
    assert admitted("what was said about tourism in summer 2022?", date(2023, 4, 12), "À l’été de 2022, le pic…")
    assert not admitted(summer, date(2023, 4, 12), "La fête 2022 du cidre a réuni 3 000 personnes.")
    assert not admitted(summer, date(2023, 9, 12), "À l’été 2022, le pic journalier a baissé.")  # over a year
    # A month name is a common word: a session of the next spring naming "mars" is not
    # one looking back on spring 2022, beyond the months a session recalls.
    assert not admitted("qu'a-t-on dit de l'IA au printemps 2022 ?", date(2023, 4, 20), "Depuis le 31 mars, tout…")
    # A month named with its year is no common word either: a session of the autumn
    # telling of "avril 2020" looks back on spring 2020; "en avril" alone, months later, does not.
    spring = "par quoi a été remplacé le festival annulé au printemps 2020 ?"
    assert admitted(spring, date(2020, 10, 14), "Les ventes ont progressé de 140 % en avril 2020.")
    assert not admitted(spring, date(2020, 10, 14), "Les ventes ont progressé de 140 % en avril.")
    assert not admitted(spring, date(2021, 10, 14), "Les ventes ont progressé de 140 % en avril 2020.")
    # a month dating a law names the law, not the period
    june = "qu'a-t-on dit des influenceurs en juin 2023 ?"
    assert not admitted(june, date(2023, 11, 20), "Depuis la loi du 9 juin 2023, les contrats sont écrits.")
    assert admitted(june, date(2023, 11, 20), "En juin 2023, l’agence a signé ses premiers contrats.")
    # a winter ending on a leap day (29 February 2020) is looked back on as any other
    assert answerer.answer("what was said in winter 2019?").text
    filters, _ = answerer.router.dated("what was said in winter 2019?", None)
    assert filters.with_year_recalled_until == date(2021, 2, 28)


def test_who_ran_a_series_names_each_host_once_with_the_sessions_they_ran(answerer):
    answer = answerer.answer("Qui animait le cycle Sciences et réseaux sociaux ?")
    assert answer.answered and len(answer.sources) == 2  # the cycle's sessions that say who ran them
    hosts = [line for line in answer.lead.splitlines() if "à l'animation" in line]
    assert [line.split(",")[0] for line in hosts] == ["• David Reguer", "• Guilhem Boyer"]
    assert hosts[0].endswith("(Sciences et réseaux sociaux #2 ; Sciences et réseaux sociaux #1)")
    # the period's sessions, with no topic: the write-ups that do not say, said in the plural
    year = answerer.answer("qui animait en 2019 ?")
    assert year.answered and "• David Reguer" in year.lead and len(year.sources) == 2
    # who does something a series' session told of is a topic, not who ran the series
    told = answerer.answer("Sciences et réseaux sociaux #3 : qui modère les contenus sur Facebook ?")
    assert "animait" not in told.lead and "à l'animation" not in told.text
    # a topic with the period is searched: the session about it, not the year's list
    dated = answerer.answer("who hosted the AI panel back in 2019?")
    assert dated.answered and "L’IA va-t-elle envahir" in dated.sources[0].title


def test_a_speaker_guessed_from_a_description_must_be_of_the_session_the_question_names(set_answerer):
    # "la dircom de l'entreprise" fits the listing's Kering communications director best;
    # the question names the funeral home's session, whose communications director it asks.
    answerer = set_answerer("setAP")
    answer = answerer.answer("pour les pompes funèbres sur Facebook, qui était la dircom de l'entreprise ?")
    assert answer.answered and "Pompes funèbres" in answer.sources[0].title, answer.text
    assert "Berthelot" in answer.text
    # Without another session named, the description still finds its speaker.
    corporate = answerer.answer("qui était le directeur de la communication corporate ?")
    assert "Paul Michon" in corporate.text


def test_a_winter_named_by_its_year_is_the_one_holding_sessions(set_answerer):
    # Set AP holds a session of February 2021 and none from December 2021 to February
    # 2022: "l'hiver 2021" is then the winter it ends, and who ran its session is answered.
    answerer = set_answerer("setAP")
    listed = answerer.answer("quelles sessions en hiver 2021 ?")
    assert [s.date.isoformat() for s in listed.sources] == ["2021-02-11"], listed.text
    host = answerer.answer("qui animait la session de l'hiver 2021 sur le deuil sur facebook ?")
    assert host.answered and "Pompes funèbres" in host.sources[0].title, host.text
    assert "Claire Dumontet" in host.text.splitlines()[1] and "animation" in host.text.splitlines()[1], host.text
    # A winter holding sessions is read as the one it begins, as before.
    winter = answerer.answer("quelles sessions en hiver 2024 ?")
    assert {s.date.isoformat() for s in winter.sources} == {"2024-12-05", "2025-01-23"}, winter.text
