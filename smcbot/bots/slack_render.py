"""Slack replies as mrkdwn and Block Kit: answers, written answers, notices, buttons.

Pure functions only (an answer in, a message dict out), so the Slack adapter
stays short and the formatting is tested without Slack. Everything that came
from the archive or a member goes through `escape`, so `<!channel>` in a
question can never ping anyone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from smcbot.answering import Quote, display_quote, format_date, session_label
from smcbot.models import Answer, Article, SessionQuotes
from smcbot.wording import say, say_both

if TYPE_CHECKING:
    from smcbot.bots.conversation import Reply
    from smcbot.synthesis import Synthesis

SECTION_LIMIT = 3_000  # Slack's limit for a section's text
BLOCK_LIMIT = 50  # Slack's limit of blocks in a message
FALLBACK_LIMIT = 3_000  # the notification text needs only the beginning


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as markup (`&`, `<`, `>`).

    Applied to everything that came from the archive or the user, so `<!channel>`
    or `<@U123>` in a question can never ping anyone.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, title: str) -> str:
    """A mrkdwn link `<url|title>` with both parts made safe (the title alone without a URL)."""
    if not url:
        return escape(title)
    return f"<{escape(url).replace('|', '%7C')}|{escape(title)}>"


SLACK_MARKUP = re.compile(r"<([^<>]*)>")


def plain_question(text: str, bot_user_id: str | None = None) -> str:
    """Turn message text as Slack sends it into the plain question.

    Slack escapes `&`, `<` and `>` and writes mentions, channels and links as
    `<...>` markup: the bot's own mention is dropped, other markup becomes the
    text a reader sees (`<!channel>` becomes "@channel"), then the escapes are undone.
    """

    def readable(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else label or target
        if target.startswith("!"):
            return label or "@" + target[1:].split("^", 1)[0]
        if target.startswith("#"):
            return "#" + (label or target[1:])
        return label or target

    text = SLACK_MARKUP.sub(readable, text or "")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def clip(mrkdwn: str, limit: int) -> str:
    """Cut mrkdwn to at most `limit` characters, never inside a link or an escape."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: limit - 1]
    newline = cut.rfind("\n")
    cut = cut[:newline] if newline > limit // 2 else cut.rsplit(" ", 1)[0]
    if cut.rfind("<") > cut.rfind(">"):  # an unfinished <url|title>
        cut = cut[: cut.rfind("<")]
    cut = re.sub(r"&[a-z]*$", "", cut)  # an unfinished &amp;
    return cut.rstrip() + "…"


def section(mrkdwn: str) -> dict:
    """A mrkdwn section block, kept under Slack's length limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn, SECTION_LIMIT)}}


def context_block(*parts: str) -> dict:
    """A context block: small grey lines under a section."""
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(p, SECTION_LIMIT)} for p in parts],
    }


def quote_line(quote: Quote) -> str:
    """One quote as a mrkdwn block quote, with its speaker when known."""
    who = f" — _{escape(quote.speaker)}_" if quote.speaker else ""
    return f"> « {escape(display_quote(quote.text))} »{who}"


def session_blocks(session: SessionQuotes, quotes: list[Quote], language: str) -> list[dict]:
    """A cited session: its linked title and quotes, then its date and series."""
    article = session.article
    lines = [f"*{link(article.url, article.title)}*"] + [quote_line(q) for q in quotes]
    blocks = [section("\n".join(lines))]
    details = [escape(p) for p in (format_date(article.date, language), article.series) if p]
    if details:
        blocks.append(context_block(" · ".join(details)))
    return blocks


def session_line(article: Article, language: str, *, bullet: str = "•") -> str:
    """ "• <linked title> — 5 July 2019"."""
    return f"{bullet} {session_label(article, language, title=link(article.url, article.title))}"


def answer_blocks(answer: Answer, quotes: list[list[Quote]]) -> list[dict]:
    """The body of a reply: lead, then each session (or, for a refusal, what the archive covers)."""
    blocks = [section(escape(answer.lead or answer.text))]
    if answer.answered:
        for session, session_quotes in zip(answer.sessions, quotes, strict=True):
            blocks.append({"type": "divider"})
            blocks.extend(session_blocks(session, session_quotes, answer.language))
        return blocks
    lines = [escape(note) for note in answer.notes]
    lines += [session_line(article, answer.language) for article in answer.suggestions]
    if lines:
        blocks.append(section("\n".join(lines)))
    return blocks


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict:
    """A Block Kit button."""
    element = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def actions_block(question: str, language: str, *, question_id: int | None, share: bool) -> dict | None:
    """Feedback buttons (when the question was recorded) and the share button (private replies)."""
    elements = []
    if question_id:
        value = f"{question_id} {language}"
        elements += [
            button(say("useful", language), "feedback_up", value),
            button(say("not_useful", language), "feedback_down", value),
        ]
    if share:
        # The question travels in the button: a private reply cannot be read back later.
        value = f"{question_id or 0} {question}"
        elements.append(button(say("share", language), "share", value, style="primary"))
    if not elements:
        return None
    return {"type": "actions", "block_id": "answer_actions", "elements": elements}


def fit_blocks(blocks: list[dict], tail: list[dict]) -> list[dict]:
    """Keep a message under Slack's block limit, always keeping the trailing blocks."""
    room = BLOCK_LIMIT - len(tail)
    return blocks[:room] + tail


def render_answer(
    answer: Answer,
    quotes: list[list[Quote]],
    *,
    question_id: int | None,
    share: bool = False,
    heading: str = "",
) -> dict:
    """The whole message for an answer: `text` (notification fallback) and `blocks`.

    Args:
        answer: what the answerer returned.
        quotes: the quotes of each of `answer.sessions`, in order.
        question_id: the store's id of the question, for the feedback buttons.
        share: add the "share in channel" button (private replies).
        heading: mrkdwn shown above the answer (already escaped), e.g. the question.
    """
    body = answer_blocks(answer, quotes)
    return message_for(answer, body, question_id=question_id, share=share, heading=heading)


def message_for(answer: Answer, body: list[dict], *, question_id: int | None, share: bool, heading: str) -> dict:
    """Heading, body blocks and buttons, with the answer's text as notification fallback."""
    head = [context_block(heading)] if heading else []
    actions = actions_block(answer.question, answer.language, question_id=question_id, share=share)
    blocks = fit_blocks(head + body, [actions] if actions else [])
    return {"text": clip(escape(answer.text), FALLBACK_LIMIT), "blocks": blocks}


def written_blocks(synthesis: Synthesis) -> list[dict]:
    """A written answer: the model's text (citations as [1]), then the cited sessions, linked."""
    language = synthesis.answer.language
    blocks = [section(escape(block)) for block in synthesis.body.split("\n\n") if block.strip()]
    lines = [
        session_line(entry.session.article, language, bullet=f"[{', '.join(map(str, entry.numbers))}]")
        for entry in synthesis.cited
    ]
    heading = f"*{escape(say('sources', language))}*"
    return blocks + [{"type": "divider"}, section(heading + "\n" + "\n".join(lines))]


def render_written(synthesis: Synthesis, *, question_id: int | None, share: bool = False, heading: str = "") -> dict:
    """The whole message for a written answer (see `render_answer`)."""
    body = written_blocks(synthesis)
    return message_for(synthesis.answer, body, question_id=question_id, share=share, heading=heading)


def streaming_text(partial: str) -> str:
    """The text a model has written so far, shown while it writes."""
    return clip(escape(partial.strip()), SECTION_LIMIT) + " …"


def text(key: str, language: str | None, **values: object) -> str:
    """A sentence of the wording table as mrkdwn: escaped, `**bold**` in `*`; in both
    languages when the asker's is unknown."""
    plain = say(key, language, **values) if language else say_both(key, **values)
    return re.sub(r"\*\*(.+?)\*\*", r"*\1*", escape(plain))


def notice_text(reply: Reply) -> str:
    """A notice of the conversation core as mrkdwn (how to ask, for an empty or wordless one)."""
    key = "slack_usage" if reply.notice in ("usage", "no_words") else reply.notice
    return text(key, reply.language, **reply.values)


def render_reply(reply: Reply, *, share: bool = False, heading: str = "") -> dict:
    """The message for what the conversation core replied: a notice, or the written
    or quoted answer with its buttons."""
    if reply.notice:
        return {"text": notice_text(reply)}
    how = {"question_id": reply.question_id, "share": share, "heading": heading}
    if reply.written:
        return render_written(reply.synthesis, **how)
    if reply.declined:
        return render_answer(reply.answer, [], **how)
    return render_answer(reply.quoted, reply.quotes, **how)
