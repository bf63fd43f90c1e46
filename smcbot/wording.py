"""Every sentence smcbot says to members, in French and English, in one table.

Templates are plain text with `{names}` filled by `say`; `**bold**` marks the
few words a renderer may set in bold (Telegram HTML, Slack mrkdwn). Each
renderer escapes the text for its own markup, so nothing here is markup.
"""

from __future__ import annotations

LANGUAGES = ("fr", "en")
EXAMPLE = {
    "fr": "Qu'est-ce qui a été dit sur le brand safety ?",
    "en": "What was said about brand safety?",
}

WORDING: dict[str, dict[str, str]] = {
    # --- answers (smcbot.answering, smcbot.synthesis) ------------------------------
    "lead": {
        "fr": "Voici ce qui en a été dit, d'après {n} session de l'archive du Social Media Club :",
        "en": "Here is what was said about it, from {n} session in the Social Media Club archive:",
    },
    "lead_many": {
        "fr": "Voici ce qui en a été dit, d'après {n} sessions de l'archive du Social Media Club :",
        "en": "Here is what was said about it, from {n} sessions in the Social Media Club archive:",
    },
    "nothing": {
        "fr": "Je n'ai rien trouvé sur ce sujet dans l'archive du Social Media Club.",
        "en": "I found nothing on that in the Social Media Club archive.",
    },
    "upcoming": {
        "fr": "L'archive ne contient que les sessions déjà tenues : les prochaines sont annoncées sur le site du club.",
        "en": "The archive holds only the sessions already held: upcoming ones are announced on the club's site.",
    },
    "meeting_place": {
        "fr": "L'archive ne contient que les comptes rendus des sessions : les lieux et les dates des prochaines "
        "sont sur le site du club.",
        "en": "The archive holds only the write-ups of the sessions: where and when the next ones meet is on the "
        "club's site.",
    },
    "joining": {
        "fr": "L'archive ne contient que les comptes rendus des sessions : comment adhérer au club et ce que cela "
        "coûte sont sur le site du club.",
        "en": "The archive holds only the write-ups of the sessions: how to join the club and what it costs are on "
        "the club's site.",
    },
    "nothing_in_period": {
        "fr": "Je n'ai rien trouvé sur ce sujet dans l'archive du Social Media Club {period}.",
        "en": "I found nothing on that in the Social Media Club archive {period}.",
    },
    "nothing_named": {
        "fr": "Je n'ai rien trouvé sur {names} dans l'archive du Social Media Club.",
        "en": "I found nothing on {names} in the Social Media Club archive.",
    },
    "covers": {"fr": "L'archive couvre ces cycles : {series}.", "en": "The archive covers these series: {series}."},
    "declined": {
        "fr": "Les sessions les plus proches de votre question n'y répondent pas : elles n'en parlent qu'en passant, "
        "ou d'autre chose.",
        "en": "The sessions closest to your question do not answer it: they only mention it in passing, or speak of "
        "something else.",
    },
    "closest_sessions": {"fr": "Sessions les plus proches :", "en": "Closest sessions:"},
    "only_mentioned": {
        "fr": "L'archive rapporte ce qui s'est dit aux sessions : elle n'est pas une source sur ce que prévoit une "
        "loi, sur la façon de bénéficier d'un dispositif ni sur l'actualité.",
        "en": "The archive reports what was said at the sessions: it is no source on what a law provides, how to "
        "use a scheme or the news.",
    },
    "no_amount": {
        "fr": "Les sessions les plus proches de votre question ne donnent pas ce prix ni ce montant.",
        "en": "The sessions closest to your question do not give that price or amount of money.",
    },
    "no_record": {
        "fr": "Les sessions les plus proches de votre question ne citent aucun record.",
        "en": "The sessions closest to your question mention no record.",
    },
    "no_legality": {
        "fr": "Les sessions les plus proches de votre question ne parlent pas de ce que permet la loi.",
        "en": "The sessions closest to your question do not discuss what the law allows.",
    },
    "only_in_passing": {
        "fr": "Les sessions les plus proches n'en parlent qu'en passant, sans en débattre.",
        "en": "The closest sessions mention it only in passing, without discussing it.",
    },
    "mentioned_in": {
        "fr": "Sessions qui n'en parlent qu'en passant :",
        "en": "Sessions that only mention it in passing:",
    },
    "recent_sessions": {"fr": "Sessions les plus récentes :", "en": "Most recent sessions:"},
    # --- questions about people, periods and series (smcbot.routing) ---------------
    "person": {
        "fr": "{who} : {n} dans l'archive du Social Media Club.",
        "en": "{who}: {n} in the Social Media Club archive.",
    },
    "people": {
        "fr": "Intervenants de {org} dans l'archive du Social Media Club :",
        "en": "Speakers from {org} in the Social Media Club archive:",
    },
    "who_spoke": {
        "fr": "Sont intervenus sur ce sujet, d'après {n} de l'archive du Social Media Club :",
        "en": "Who spoke on this, from {n} in the Social Media Club archive:",
    },
    "who_ran": {
        "fr": "Animation et intervenants, d'après {n} de l'archive du Social Media Club :",
        "en": "Who ran it and who spoke, from {n} in the Social Media Club archive:",
    },
    "who_ran_unsaid_many": {
        "fr": "Les comptes rendus ne disent pas qui animait ; sont intervenus, d'après {n} de l'archive du Social "
        "Media Club :",
        "en": "The write-ups do not say who ran them; who spoke, from {n} in the Social Media Club archive:",
    },
    "who_ran_unsaid": {
        "fr": "Le compte rendu ne dit pas qui animait ; sont intervenus, d'après {n} de l'archive du Social Media "
        "Club :",
        "en": "The write-up does not say who ran it; who spoke, from {n} in the Social Media Club archive:",
    },
    "ran_it": {"fr": "à l'animation", "en": "moderator"},
    "who_spoke_in": {
        "fr": "Sont intervenus{what}, d'après {n} de l'archive du Social Media Club :",
        "en": "Who spoke{what}, from {n} in the Social Media Club archive:",
    },
    "overview": {
        "fr": "L'archive compte {n} cycles (avec, pour chacun, sa dernière session ci-dessous) :",
        "en": "The archive holds {n} series (each one's latest session is below):",
    },
    "listing": {
        "fr": "{n}{what}, de la plus récente à la plus ancienne :",
        "en": "{n}{what}, newest first:",
    },
    "single": {"fr": "Session{what} :", "en": "Session{what}:"},
    "no_person": {
        "fr": "Je n'ai trouvé aucun intervenant nommé {name} dans l'archive du Social Media Club.",
        "en": "I found no speaker named {name} in the Social Media Club archive.",
    },
    "no_org": {
        "fr": "Je n'ai trouvé aucun intervenant de {name} dans l'archive du Social Media Club.",
        "en": "I found no speaker from {name} in the Social Media Club archive.",
    },
    "no_series": {
        "fr": "Je n'ai trouvé aucun cycle nommé {name} dans l'archive du Social Media Club.",
        "en": "I found no series named {name} in the Social Media Club archive.",
    },
    "no_sessions": {
        "fr": "Je n'ai trouvé aucune session{what} dans l'archive du Social Media Club.",
        "en": "I found no session{what} in the Social Media Club archive.",
    },
    "no_speakers": {
        "fr": "Le compte rendu de cette session ne nomme aucun intervenant.",
        "en": "The write-up of this session names no speakers.",
    },
    "no_speakers_many": {
        "fr": "Les comptes rendus de ces {n} sessions ne nomment aucun intervenant.",
        "en": "The write-ups of these {n} sessions name no speakers.",
    },
    "span": {"fr": "Elle va du {first} au {last}.", "en": "It runs from {first} to {last}."},
    "more": {"fr": "D'autres passages des mêmes sessions :", "en": "More from the same sessions:"},
    # --- checks made by the conversation core, for every channel -----------------
    "usage": {
        "fr": "Posez votre question après la commande, par exemple :\n/ask " + EXAMPLE["fr"],
        "en": "Put your question after the command, for example:\n/ask " + EXAMPLE["en"],
    },
    "no_words": {
        "fr": "Je n'ai rien trouvé à chercher dans ce message. Essayez par exemple :\n/ask " + EXAMPLE["fr"],
        "en": "I found nothing to search for in that message. Try for example:\n/ask " + EXAMPLE["en"],
    },
    "too_long": {
        "fr": "Votre question est trop longue ({length} caractères). Posez-la en moins de {limit} caractères.",
        "en": "Your question is too long ({length} characters). Please ask it in fewer than {limit} characters.",
    },
    "not_text": {
        "fr": "Ce message contient des caractères illisibles (ce n'est pas du texte UTF-8). Réécrivez votre question.",
        "en": "That message holds characters that cannot be read (it is not UTF-8 text). Please type it again.",
    },
    "rate_limited": {
        "fr": "Doucement 🙂 Vous avez posé beaucoup de questions en peu de temps. Réessayez dans {seconds} secondes.",
        "en": "Easy there 🙂 You have asked a lot of questions in a short time. Try again in {seconds} seconds.",
    },
    "error": {
        "fr": "Désolé, quelque chose s'est mal passé de mon côté. Réessayez dans un instant.",
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
    },
    "follow_up": {
        "fr": "Suite à votre question sur {topic} :",
        "en": "Following on from your question about {topic}:",
    },
    "forgotten": {
        "fr": "C'est noté : on repart de zéro. Posez votre question.",
        "en": "Done: a fresh start. Ask your question.",
    },
    "sources": {"fr": "Sources :", "en": "Sources:"},
    "thanks": {"fr": "Merci pour votre retour !", "en": "Thanks for your feedback!"},
    "feedback_gone": {
        "fr": "Cette question n'est plus enregistrée.",
        "en": "This question is no longer on record.",
    },
    # --- Telegram ----------------------------------------------------------------
    "help": {
        "fr": (
            "Je réponds aux questions sur l'archive du **Social Media Club France** : "
            "les comptes rendus de ses tables rondes ({sessions} sessions{span}). "
            "Je cite ce que les intervenants ont dit, avec le lien vers chaque session.\n"
            "Cycles : {series}.\n\n"
            "**Exemples** (en français ou en anglais) :\n"
            "• /ask Qu'est-ce qui a été dit sur le brand safety ?\n"
            "• /ask Comment utiliser les influenceurs en communication de crise ?\n"
            "• /ask What was said about employee advocacy?\n\n"
            "En message privé, écrivez simplement votre question ; la suivante peut s'appuyer "
            "sur la réponse (« et en 2020 ? », « qui a dit ça ? », /new pour repartir de zéro). "
            "Dans un groupe, mentionnez-moi ({mention} …) ou utilisez /ask ; répondez à l'un "
            "de mes messages pour prolonger la conversation.\n\n"
            "/ask <question> — poser une question\n"
            "/new — oublier la conversation en cours\n"
            "/recent — les dernières sessions\n"
            "/series — les cycles et leur nombre de sessions\n"
            "/help — ce message"
        ),
        "en": (
            "I answer questions about the **Social Media Club France** archive: "
            "the write-ups of its round tables ({sessions} sessions{span}, written in French). "
            "I quote what the speakers said, with a link to each session.\n"
            "Series: {series}.\n\n"
            "**Examples** (in English or French):\n"
            "• /ask What was said about brand safety?\n"
            "• /ask How can influencers help in a crisis?\n"
            "• /ask Qu'est-ce qui a été dit sur l'employee advocacy ?\n\n"
            "In a private chat, just write your question; the next one may build on the answer "
            '("and in 2020?", "who said that?", /new for a fresh start). In a group, mention me '
            "({mention} …) or use /ask; reply to one of my messages to follow it up.\n\n"
            "/ask <question> — ask a question\n"
            "/new — forget the conversation so far\n"
            "/recent — the latest sessions\n"
            "/series — the series and how many sessions each\n"
            "/help — this message"
        ),
    },
    "text_only": {
        "fr": "Je ne lis que les questions écrites. Envoyez-moi votre question en texte, ou /help.",
        "en": "I only read written questions. Send me your question as text, or see /help.",
    },
    "unknown_command": {
        "fr": "Je ne connais pas cette commande. Voir /help.",
        "en": "I don't know that command. See /help.",
    },
    "not_allowed": {
        "fr": "Désolé, ce bot est réservé aux membres du Social Media Club.",
        "en": "Sorry, this bot is reserved for Social Media Club members.",
    },
    "recent": {"fr": "**Dernières sessions**", "en": "**Latest sessions**"},
    "series": {"fr": "**Cycles de l'archive**", "en": "**Series in the archive**"},
    "session_count": {"fr": "{count} session(s)", "en": "{count} session(s)"},
    "empty_archive": {"fr": "L'archive est vide pour l'instant.", "en": "The archive is empty for now."},
    "reload_denied": {
        "fr": "Seuls les administrateurs du bot peuvent recharger l'index.",
        "en": "Only the bot's administrators can reload the index.",
    },
    "reloaded": {
        "fr": "Index rechargé : {sessions} sessions (build {build}).",
        "en": "Index reloaded: {sessions} sessions (build {build}).",
    },
    "reload_failed": {
        "fr": "Le nouvel index est refusé, l'ancien reste en service : {error}",
        "en": "The new index was refused; the old one stays in use: {error}",
    },
    # --- Slack -------------------------------------------------------------------
    "slack_usage": {
        "fr": "Posez-moi une question sur les sessions passées du Social Media Club : "
        "mentionnez-moi avec votre question, écrivez-moi directement, "
        "ou tapez `/smc` suivi de la question. Par exemple : `/smc " + EXAMPLE["fr"] + "`",
        "en": "Ask me about the Social Media Club's past sessions: mention me with your question, "
        "send it to me directly, or type `/smc` followed by it. For example: `/smc " + EXAMPLE["en"] + "`",
    },
    "useful": {"fr": "👍 Utile", "en": "👍 Useful"},
    "not_useful": {"fr": "👎 Pas utile", "en": "👎 Not useful"},
    "share": {"fr": "Partager dans le canal", "en": "Share in channel"},
    "unknown_answer": {
        "fr": "Cette réponse est trop ancienne pour être notée.",
        "en": "That answer is too old to rate.",
    },
    "question": {"fr": "Question : {q}", "en": "Question: {q}"},
    "asked": {"fr": "{who} a demandé : {q}", "en": "{who} asked: {q}"},
    "not_in_channel": {
        "fr": "Je ne peux pas écrire dans ce canal : invitez-moi d'abord (/invite @moi), puis partagez à nouveau.",
        "en": "I can't post in this channel: invite me first (/invite @me), then share again.",
    },
}

COMMANDS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("ask", "Ask a question about the archive"),
        ("new", "Forget the conversation so far"),
        ("recent", "The latest sessions"),
        ("series", "The series and their sessions"),
        ("help", "What I know, with examples"),
    ],
    "fr": [
        ("ask", "Poser une question sur l'archive"),
        ("new", "Oublier la conversation en cours"),
        ("recent", "Les dernières sessions"),
        ("series", "Les cycles et leurs sessions"),
        ("help", "Ce que je sais, avec des exemples"),
    ],
}


def say(key: str, language: str | None, **values: object) -> str:
    """A sentence of the table in French or English (English for anything else), filled in.

    Values are inserted as given: the renderer escapes the whole result for its markup.
    """
    template = WORDING[key]["fr" if language == "fr" else "en"]
    return template.format(**values)


def say_both(key: str, **values: object) -> str:
    """A sentence in English then French, for when the asker's language is unknown."""
    return say(key, "en", **values) + "\n" + say(key, "fr", **values)
