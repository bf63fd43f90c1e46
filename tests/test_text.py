"""Words and the analysis of a question: language, names, forms and weights."""

import pytest

from smcbot.language import Lexicon
from smcbot.text import (
    AMOUNT,
    LEGALITY,
    RECORD,
    analyse,
    asked_fact,
    asks_price,
    asks_who_ran,
    content_words,
    detect_language,
    in_passing,
    index_tokens,
    named_terms,
    platform_of,
    sentence_stems,
    states_an_amount,
    stems,
    without_asides,
    words,
    written_as_acronym,
)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("What was said about brand safety?", "en"),
        ("Qu'est-ce qui a été dit sur le brand safety ?", "fr"),
        ("Comment gérer une crise ?", "fr"),
        ("podcasts ?", "en"),
        ("IA non supervisée, c’est courant ?", "fr"),
        ("Is it ok to have someone else write the boss's posts?", "en"),
        ("Mon PDG doit-il publier sur LinkedIn ?", "fr"),
        ("How do I sign up to become a member of the club?", "en"),
        ("Les IA sont-elles fiables pour modérer les réseaux sociaux ?", "fr"),
        # typed without accents: the function words tell
        ("recette pate a crepe sans lait", "fr"),
        ("comment convaincre la direction generale que la com sert a qqch", "fr"),
        ("is the linkedin score actually meaningful", "en"),
        ("the academic who said twitter doesn't reflect society", "en"),
    ],
)
def test_language_of_a_question(question, language):
    assert detect_language(question) == language


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("bonjour", "fr"),
        ("marque employeur", "fr"),
        ("amende cnil cookies google facebook combien", "fr"),
        ("score psg om hier soir", "fr"),
        ("brand safety", "en"),
        ("employer branding", "en"),
        ("TikTok", "en"),  # as common in both: no lean, the default
        ("AI", "en"),  # an acronym, not the French "ai" of "j'ai"
        ("IA", "en"),  # an acronym of either language: no lean, the default
    ],
)
def test_a_question_without_function_words_takes_the_language_its_words_lean_to(question, language):
    assert detect_language(question) == "en"  # no function word, no accent: a tie
    assert analyse(question).language == language  # general word frequencies settle it


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("What can brands learn from WeChat?", ["wechat"]),
        ("Quelle stratégie pour TikTok ?", ["tiktok"]),
        ("Comment le RGPD a-t-il changé la social data ?", ["rgpd"]),
        ("Who is Guy Fagherazzi?", ["guy", "fagherazzi"]),
        ("Qu'a dit la directrice de l'ANSSI ?", ["anssi"]),
        ("Comment gérer une crise ?", []),  # a capital at the start is not a name
    ],
)
def test_names_in_a_question(text, names):
    assert named_terms(text) == names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quel temps fera-t-il demain ?", ["temps"]),  # inverted subject and future of faire dropped
        ("Is it ok to write the boss's posts?", ["write", "boss", "posts"]),  # possessive dropped
        ("We're sure they don't know", ["sure"]),  # contractions dropped
        ("L'IA qu'on utilise", ["ia", "utilise"]),  # elisions dropped
    ],
)
def test_content_words(text, expected):
    assert content_words(text) == expected


def test_words_fold_accents_and_quotes():
    assert words("Éthique « créas » l’avocate") == ["ethique", "creas", "avocate"]


def test_the_club_s_own_words_carry_no_weight():
    query = analyse("How do I become a member of the Social Media Club?")
    assert [w.word for w in query.words] == []  # "become" is a generic verb
    assert "member" in query.club_words
    assert analyse("Combien coûte l'adhésion au SMC ?").club_words == ("adhesion", "smc")
    # in any of their forms: "adhère" is "adhérer", "cotise" "cotiser"
    assert analyse("comment on adhère au club ?").words == ()
    assert "clubs" in {w.word for w in analyse("les clubs de ping-pong débordés après les Jeux").words}
    assert "intervient" in {w.word for w in analyse("pourquoi l'État intervient dans les médias").words}


@pytest.mark.parametrize(
    ("question", "dropped", "kept"),
    [
        ("Tu aurais une recette de quiche ?", "aurais", "quiche"),  # avoir
        ("Comment devient-on community manager ?", "devient", "community"),  # devenir
        ("What did the panel get wrong about TikTok?", "get", "tiktok"),
        ("Is AI taking over?", None, "ai"),  # an acronym is never a verb form ("ai": avoir)
    ],
)
def test_generic_verbs_are_not_topics(question, dropped, kept):
    found = [w.word for w in analyse(question).words]
    assert kept in found
    assert dropped not in found


def test_a_month_the_archive_never_names_dates_the_question():
    lexicon = Lexicon(en_fr={"april": ["avril"]}, words=["chine", "fevrier"])
    assert [w.word for w in analyse("the April 2019 talk about China", lexicon).words] == ["china"]
    assert "fevrier" in [w.word for w in analyse("les soirées de février", lexicon).words]  # the archive names it


def test_a_time_of_day_the_archive_never_writes_so_dates_the_question():
    # the write-ups say "18 h" or "18 heures": "18h" is not a subject the archive lacks
    lexicon = Lexicon(words=["bulletin", "gardienne", "21h"])
    assert [w.word for w in analyse("c quoi le bulletin de 18h de la gardienne", lexicon).words] == [
        "bulletin",
        "gardienne",
    ]
    assert [w.word for w in analyse("the 6pm bulletin", lexicon).words] == ["bulletin"]
    assert "21h" in [w.word for w in analyse("le bulletin de 21h", lexicon).words]  # written so in the archive
    assert "5g" in [w.word for w in analyse("la 5G et les antennes", lexicon).words]  # no time of day
    assert "48h" in [w.word for w in analyse("le live de 48h", lexicon).words]  # a duration


@pytest.mark.parametrize(
    ("question", "left", "near_now"),
    [
        ("météo à Lyon ce week-end ?", ["meteo", "lyon"], True),
        ("meteo a lyon ce week end ?", ["meteo", "lyon"], True),
        ("is it gonna rain in lyon this weekend", ["gonna", "rain", "lyon"], True),
        ("score du match PSG OM hier soir ?", ["score", "match", "psg", "om"], True),
        ("les sponsors attendent quoi aujourd'hui ?", ["sponsors", "attendent"], False),  # today: no topic, no date
        ("do posts do better on weekends?", ["posts", "better", "weekends"], False),  # a topic, not a date
        ("les métiers de demain dans la com", ["metiers", "com"], False),  # "de demain": not a date (a stop word)
        ("tomorrow's leaders on LinkedIn", ["leaders", "linkedin"], False),  # a stop word, not a date
    ],
)
def test_words_dating_a_question_from_the_askers_present_are_no_topic(question, left, near_now):
    query = analyse(question)
    assert [w.word for w in query.words] == left
    assert query.near_now is near_now


def test_practical_questions_about_the_club_carry_no_topic():
    query = analyse("When is the next meetup and what is the fee to join?")
    assert query.words == () and {"next", "meetup", "fee", "join"} <= set(query.club_words)


def test_an_english_word_takes_its_lemma_translation_and_glossary_forms():
    lexicon = Lexicon(en_fr={"big": ["grand"], "calendar": ["calendrier"]}, words=["analytique", "calendrier"])
    query = analyse("The biggest calendar analytics for brands", lexicon)
    forms = {w.word: set(w.forms) for w in query.words}
    assert "grand" in forms["biggest"]  # lemma "big", then FreeDict
    assert "calendri" in forms["calendar"]  # FreeDict, stemmed
    assert "analyt" in forms["analytics"] or "analytiqu" in forms["analytics"]  # a cognate in the archive
    assert "marqu" in forms["brands"]  # the club's glossary


def test_a_dictionary_translation_is_kept_apart_with_its_french_frequency():
    lexicon = Lexicon(en_fr={"weather": ["temps"], "forecast": ["prevision"]}, words=["temps", "prevision"])
    query = analyse("weather forecast", lexicon)
    word = {w.word: w for w in query.words}
    assert "temp" in word["weather"].forms  # searched, and the gate knows "temps" is among the commonest
    (weather,) = word["weather"].translated_forms
    assert weather[0] == "temp" and weather[1] > 6
    assert set(stems("prevision")) <= set(word["forecast"].forms)
    assert all(zipf < 4 for _, zipf in word["forecast"].translated_forms)


def test_a_french_question_is_not_translated():
    lexicon = Lexicon(en_fr={"chat": ["conversation"]})
    query = analyse("Que faire du chat sur Twitch ?", lexicon)
    assert all("conversation" not in w.forms for w in query.words)


def test_general_frequency_tells_common_words_from_rare_ones():
    query = analyse("biggest Mastodon online")
    zipf = {w.word: w.zipf for w in query.words}
    assert zipf["online"] > 4.5 and zipf["biggest"] > 4.5
    assert zipf["mastodon"] < 3.5


def test_query_keeps_the_text_it_searched_and_original_spelling():
    query = analyse("  Que pensez-vous de TikTok ?  " + "x" * 2000)
    assert len(query.text) == 1000 and not query.text.startswith(" ")
    assert query.original("tiktok") == "TikTok"
    assert "tiktok" in query.names


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("What was said about AI and brand safety?", "ai"),  # French "ai" is a stop word
        ("Is IT involved in social listening?", "it"),
        ("Quid de l'UX ?", "ux"),
    ],
)
def test_an_acronym_is_a_subject_even_when_it_spells_a_stop_word(question, kept):
    assert kept in [word.word for word in analyse(question).words]


def test_a_question_written_in_capitals_keeps_its_stop_words_out():
    assert [word.word for word in analyse("WHAT WAS SAID ABOUT BRAND SAFETY").words] == ["brand", "safety"]


@pytest.mark.parametrize(("question", "kept"), [("AI", ["ai"]), ("AI ?", ["ai"]), ("IA et RH", ["ia", "rh"])])
def test_a_question_of_one_or_two_acronyms_is_not_read_as_shouted(question, kept):
    assert [word.word for word in analyse(question).words] == kept


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("comunity", "community"),  # a letter left out
        ("influencuer", "influenceur"),  # one too many
        ("strategie", "strategie"),  # known: not corrected (None below)
        ("podacst", "podcast"),  # two letters swapped
        ("tiktak", "tiktok"),  # a letter struck for another
        ("instagrammeuses", None),  # too far from anything
    ],
)
def test_a_typing_slip_is_read_as_the_archive_word_it_misses(typed, meant):
    lexicon = Lexicon(words=["community", "influenceur", "strategie", "podcast", "tiktok"])
    expected = None if typed == meant else meant
    assert lexicon.correction(typed) == expected


def test_a_question_with_a_typing_slip_searches_the_word_meant():
    lexicon = Lexicon(words=["community", "manager"])
    words = {w.word: w for w in analyse("what do comunity managers use daily", lexicon).words}
    assert set(stems("community")) <= set(words["comunity"].forms)


def test_an_acronym_is_as_rare_as_the_acronym_not_as_the_word_it_spells():
    # "AI" is not the French "ai" of "j'ai", one of the commonest words there is
    lexicon = Lexicon()
    asked = {w.word: w for w in analyse("can AI keep our ads away from dodgy content?", lexicon).words}
    assert asked["ai"].zipf < 5.0
    french = {w.word: w for w in analyse("j'ai une question sur les ads", lexicon).words}
    assert "ai" not in french  # the verb is a stop word, not a subject


@pytest.mark.parametrize(
    ("question", "shorthand", "meant"),
    [
        ("l'asso humanitaire qui a changé ses visuels", "asso", "association"),
        ("combien de msg par jour au pire du covid", "msg", "message"),
        ("l'appli chinoise qui fait tout", "appli", "application"),
        ("la st valentin, on en a parlé ?", "st", "saint"),
        ("St Patrick's Day campaigns", "st", "saint"),
        ("midwife drowning in DMs", "dms", "messages"),
    ],
)
def test_chat_shorthand_counts_as_the_word_it_stands_for(question, shorthand, meant):
    asked = {w.word: w for w in analyse(question, Lexicon()).words}
    assert set(stems(meant)) <= set(asked[shorthand].forms)


def test_clubs_are_a_subject_only_the_club_itself_is_the_clubs_own_word():
    query = analyse("how did sports clubs keep their fans with empty stadiums", Lexicon())
    assert "clubs" in {w.word for w in query.words}
    assert "club" in analyse("what did the club say about podcasts", Lexicon()).club_words


@pytest.mark.parametrize(
    ("asked", "written"),
    [("startups", "Les start-up lèvent des fonds"), ("e-sport", "L'esport attire les marques")],
)
def test_a_hyphenated_word_and_its_joined_spelling_find_each_other(asked, written):
    (word,) = analyse(asked).words
    assert set(word.forms) & set(index_tokens(written))


def test_a_platform_named_like_a_word_counts_only_as_the_archive_writes_it():
    knows_it = Lexicon(en_fr={"threads": ["fils"]}, words=["threads", "marques"])
    lacks_it = Lexicon(en_fr={"threads": ["fils"]}, words=["fils", "marques"])
    asked = {w.word: w for w in analyse("any tips for brands on threads?", lacks_it).words}
    assert asked["threads"].name and asked["threads"].forms == ()  # not "fils", not "thread"
    asked = {w.word: w for w in analyse("any tips for brands on threads?", knows_it).words}
    assert asked["threads"].name and set(asked["threads"].forms) == set(stems("threads"))


@pytest.mark.parametrize("question", ["activations de marque dans roblox ?", "twitch live streams for brands"])
def test_a_platform_is_a_name_however_it_is_typed(question):
    platform = next(w for w in analyse(question, Lexicon()).words if w.word in {"roblox", "twitch"})
    assert platform.name


def test_words_pointing_at_the_archive_ask_for_no_more_than_the_topic():
    assert analyse("quelles sessions ont parlé de youtube ?", Lexicon()).size == 1
    assert analyse("which sessions talked about youtube?", Lexicon()).size == 1
    membership = analyse("Comment devenir membre du club ?", Lexicon())
    assert membership.size > len(membership.words)  # "membre" still asks for more


def test_capitals_with_a_plural_s_are_an_acronym():
    # "MPs" in "is X still where reporters and MPs hang out?" is a detail beside a
    # subject the archive holds, like "B2B" or "DM", not a name the archive lacks.
    assert all(written_as_acronym(token) for token in ("MPs", "KPIs", "B2B", "SNCF"))
    assert not any(written_as_acronym(token) for token in ("Maps", "Mps", "Kering", "iOS"))


def test_sentences_saying_a_subject_was_not_discussed_are_not_searched():
    text = (
        "Le compte a gagné 14 000 abonnés. Ils ont évoqué en passant le CPF, sans s’y attarder. "
        "La loi ELAN, que la table ronde n’a pas abordée, pèse sur les bailleurs. "
        "Ces sujets feront l’objet d’une prochaine session. Les portraits marchent. "
        "Les concours sur Snapchat ont été évoqués, mais réservés à une session ultérieure."
    )
    kept = without_asides(text)
    assert "abonnés" in kept and "portraits" in kept
    assert "CPF" not in kept and "ELAN" not in kept and "prochaine" not in kept and "Snapchat" not in kept
    last = without_asides(
        "« Restez drôles », conclut Léa Morin, avant d’annoncer la prochaine session, consacrée aux chatbots."
    )
    assert "drôles" in last and "chatbots" not in last  # the speaker's words stay, the next subject goes
    plain = "Le compte a gagné 14 000 abonnés en passant par Instagram. Les sujets abordés : la santé."
    for sentence in [  # what is said, however it is put
        "Il faut d'abord répondre rapidement aux commentaires sur Instagram.",
        "La marque n'a pas développé d'application, elle mise tout sur TikTok.",
        "Sans entrer dans les détails, il explique que l'algorithme de TikTok favorise les vidéos courtes.",
        "En 2022, la marque a fait l'objet d'une autre polémique sur X.",
        "Ces formats, réservés à une autre génération, cartonnent sur Snapchat.",
        "Les intervenants ont cité rapidement trois chiffres clés sur TikTok.",
        "La prochaine session, consacrée à l'IA générative, aura lieu le 5 février.",  # a programme's
    ]:
        assert without_asides(sentence) == sentence
    assert without_asides(plain) == plain  # "en passant par", "abordés" say nothing of the sort


@pytest.mark.parametrize(
    ("word", "platform"),
    [("tiktokeur", "tiktok"), ("instagrammeuse", "instagram"), ("youtubeurs", "youtube"), ("linkedinien", "linkedin")],
)
def test_a_word_made_from_a_platform_s_name_is_that_platform(word, platform):
    asked = {w.word: w for w in analyse(f"le {word} qui cartonne", Lexicon()).words}
    assert asked[word].name and set(stems(platform)) <= set(asked[word].forms)
    assert platform_of("marketeur") is None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("who hosted the lighthouse keepers talk", {"lighthouse", "keepers"}),  # who ran it: no topic
        ("Qui animait la table ronde sur les phares ?", {"phares"}),
        ("who hosted the AI panel back in 2019?", {"ai"}),  # "back in 2019": when
        ("how to host a live on twitch", {"host", "live", "twitch"}),  # no "who": hosting is the topic
        ("back pain at work", {"back", "pain", "work"}),
        # where "who" is no question, or no session is named, the verb is the topic
        (
            "the Kenyan workers who moderated content for Facebook",
            {"kenyan", "workers", "moderated", "content", "facebook"},
        ),
        ("who moderated the panda cam chat", {"moderated", "panda", "cam", "chat"}),
    ],
)
def test_who_ran_a_session_and_when_name_no_topic(question, topic):
    assert {w.word for w in analyse(question).words} == topic


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Who was the moderator of the lighthouse talk?", True),
        ("qui a animé l'atelier sur les phares ?", True),
        ("la session lyon sur l'accessibilité, qui animait ?", True),  # the session named first
        ("the lighthouse talk, who hosted it?", True),
        ("la panne, qui animait le live ?", False),
        # the session is named later in the clause, not as what was run
        ("Qui modérait les commentaires du journal, d'après la table ronde sur les abonnés ?", False),
        ("Who led the #MeToo campaign discussed at the round table?", False),
    ],
)
def test_who_ran_is_asked_of_the_session_the_verb_names(question, asks):
    assert asks_who_ran(question) == asks


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("how much does the bike rental cost per month?", True),
        ("How much were the volunteers paid for the festival?", True),
        ("how much is a ticket for the quiz night", True),
        ("how much money did the livestream bring in?", True),
        ("price of a sponsored story from a small creator", True),
        ("what price was a loaf of bread during the strike?", True),
        ("what's the fee for the workshop?", True),
        ("at what price does the app flag a listing as fake?", False),  # a threshold
        ("what was the price movement after the post?", False),
        ("average salary of a social media manager", True),
        ("combien coûte l'abonnement premium ?", True),
        ("la visite guidée c'est combien ?", True),
        ("combien a rapporté la cagnotte du club de rugby", True),
        ("prix d'une caméra de chantier ?", True),
        ("quel tarif pour un atelier couture ?", True),
        ("le chèque sport ça donne combien ?", True),
        ("combien les marques paient les influenceurs ?", True),
        ("les influenceurs sont payés combien ?", True),
        ("what do influencers charge?", True),
        # how much something changed, a share, a count: no price
        ("how much did the views go up after the redesign?", False),
        ("how much of the budget went to influencers?", False),
        ("how much was the drop in negative comments?", False),
        ("how much time does the team spend on replies?", False),
        ("c'est combien de vidéos par semaine ?", False),
        ("combien de clients ont payé en ligne ?", False),
        ("la vidéo ça donne combien de vues ?", False),
        # a rate, an award, what a crisis costs a brand, what words are worth
        ("What is the engagement rate for YouTube science channels?", False),
        ("what's the cost of a bad crisis response?", False),
        ("c'est quoi le coût d'une crise pour une marque ?", False),
        ("qui a remporté le prix du public ?", False),
        ("combien vaut la parole d'un salarié ?", False),
        ("combien a rapporté la campagne en abonnés ?", False),
        ("who paid for the new cameras?", False),
    ],
)
def test_a_question_asking_a_price_is_read_as_one(question, asks):
    assert asks_price(question) == asks
    assert analyse(question).asks_price == asks


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Les caméras ont coûté 4 500 euros.", True),
        ("L'atelier coûte 12 € la séance.", True),
        ("compter une dizaine de centimes par message", True),
        ("La visite est gratuite pour les moins de 12 ans.", True),
        ("Tickets were $15 each.", True),
        ("Le direct a réuni 80 000 personnes en 2023.", False),
        ("Le prix Albert-Londres lui a été remis.", False),
    ],
)
def test_a_write_up_states_an_amount_of_money_by_its_currency(text, states):
    assert states_an_amount(text) == states


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("c'est quoi le record du nombre de montgolfières en vol ?", True),
        ("record de pinsons comptés en une journée ?", True),
        ("what's the world record for the longest live stream?", True),
        ("why did they record in the jasmine field so early?", False),
        ("why don't they record the discussions?", False),
        ("which record label did the singer sign with?", False),
    ],
)
def test_a_question_asking_a_record_is_read_as_one(question, asks):
    assert (asked_fact(question) is RECORD) == asks


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Is it legal for parents to post photos of kids in the cafeteria?", True),
        ("is it even legal to check who liked union posts", True),
        ("can a brand legally repost a customer's photo?", True),
        ("c'est légal de filmer ses clients ?", True),
        ("est-il légal de publier la photo d'un élève ?", True),
        ("a-t-on le droit de supprimer un post syndical ?", True),
        # legal action taken, what a speaker was allowed to do: no question of law
        ("Why didn't the university take legal action against the fake paper?", False),
        ("was the community manager allowed to reply?", False),
        ("Is this legal tech meetup in Paris?", False),
        ("Can you summarise what the panel said about legally binding terms?", False),
        ("According to the lawyer, is it legal to film clients?", False),  # what was said
        ("Would it be legal to make employees post about their company?", True),
        ("Is posting photos of kids legal?", True),
        ("a-t-on le droit d'obliger les salariés à publier ?", True),
        ("What was said about brand safety?", False),
    ],
)
def test_a_question_asking_whether_something_is_legal_is_read_as_one(question, asks):
    assert (asked_fact(question) is LEGALITY) == asks
    assert (analyse(question).asks_for is LEGALITY) == asks


def test_the_law_named_once_or_in_passing_is_no_discussion_of_it():
    once = "Les salariés doivent se former aux contenus et aux réglementations."
    assert LEGALITY.stated_in(once) and not LEGALITY.answered_in(once)
    lawyer = " L’avocat a rappelé ce que prévoit le Code du travail."
    assert LEGALITY.answered_in(once + lawyer)
    raised = (
        " Une participante a soulevé la question du droit à l’image et de la loi ; les intervenants ont convenu"
        " qu’elle mériterait une session à elle seule."
    )
    assert not LEGALITY.answered_in(once + raised)
    assert AMOUNT.answered_in("Le billet coûte 5 euros.")  # one amount is an answer
    # Asked of a thing, only an amount stated with it, or in a sentence beside it, answers.
    channel = "La chaîne rapporte 1 100 euros par mois. Elle finance la tournée en car."
    assert not AMOUNT.answered_in(channel, sentence_stems("place concert"))
    assert AMOUNT.answered_in(channel, sentence_stems("tournée"))
    assert AMOUNT.answered_in("Le concert affichait complet. Les places coûtent 12 euros.", sentence_stems("concert"))
    assert not AMOUNT.answered_in("Il a évoqué au passage les 300 euros de la prime vélo.")


@pytest.mark.parametrize(
    ("sentence", "passing"),
    [
        ("La question a été soulevée, mais la table ronde n’a pas eu le temps de l’aborder.", True),
        ("Élodie Marchal n’a pas souhaité la détailler.", True),
        ("Il rappelle au passage que la publicité pour les médicaments est encadrée.", True),
        ("Ils ont évoqué TikTok Shop, sans entrer dans le détail.", True),
        ("la question du streaming n’a pas été traitée au cours de la soirée.", True),
        # what is said after it is the point
        ("Sans entrer dans les détails, il explique que la marque a doublé ses ventes.", False),
        ("La marque a doublé ses ventes en un an.", False),
    ],
)
def test_a_sentence_naming_a_subject_only_in_passing_is_told_apart(sentence, passing):
    assert in_passing(sentence) == passing


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("le deuil en hiver 2021 ?", ["deuil"]),
        ("what was said about grief in winter of 2021?", ["grief"]),
        ("les stations de ski en hiver ?", ["stations", "ski", "hiver"]),  # a season as a subject
    ],
)
def test_a_season_dating_the_question_is_no_word_to_search(question, kept):
    assert [word.word for word in analyse(question).words] == kept
