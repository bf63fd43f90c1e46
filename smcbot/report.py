"""The organisers' report: what members asked, what the archive could not answer.

`build_report` turns the question store's rows into a `Report`: questions per
week and per channel, the most asked topics (content words) and the most cited
sessions, the content gaps (questions nothing in the archive answered: sessions
to organise or write up next) and the answers members marked 👎.
`print_report` shows it as rich tables in the terminal, `render_html` as one
self-contained page whose charts are matplotlib SVG drawn inline: the page
loads nothing from anywhere.
"""

from __future__ import annotations

import html
import io
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from smcbot.text import content_words, fold

ANSWERED_COLOUR = "#2a9d8f"
UNANSWERED_COLOUR = "#e76f51"
TOP = 10


@dataclass
class WeekCount:
    """Questions asked in one week (Monday to Sunday, UTC)."""

    start: date
    answered: int = 0
    unanswered: int = 0

    @property
    def total(self) -> int:
        """Every question of the week."""
        return self.answered + self.unanswered


@dataclass
class ChannelCount:
    """Questions asked on one channel (telegram, slack…)."""

    channel: str
    questions: int = 0
    answered: int = 0
    askers: int = 0


@dataclass
class CitedSession:
    """A session and how many answers cited it."""

    title: str
    url: str
    count: int


@dataclass
class Gap:
    """A question the archive could not answer, with how often it (or its like) was asked."""

    question: str
    count: int
    last_asked: datetime
    channels: list[str]


@dataclass
class Disliked:
    """An answer marked 👎, with its question and the sessions it cited."""

    question: str
    asked_at: datetime
    channel: str
    answered: bool
    downvotes: int
    upvotes: int
    sources: list[dict]


@dataclass
class Report:
    """Everything the report shows, for one period."""

    since: date | None
    generated_at: datetime
    total: int = 0
    answered: int = 0
    askers: int = 0
    upvotes: int = 0
    downvotes: int = 0
    median_latency_ms: float = 0.0
    p95_latency_ms: float = 0.0
    first_asked: datetime | None = None
    last_asked: datetime | None = None
    weeks: list[WeekCount] = field(default_factory=list)
    channels: list[ChannelCount] = field(default_factory=list)
    top_words: list[tuple[str, int]] = field(default_factory=list)
    top_sessions: list[CitedSession] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    gap_words: list[tuple[str, int]] = field(default_factory=list)
    disliked: list[Disliked] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No question in the period."""
        return self.total == 0

    @property
    def unanswered(self) -> int:
        """Questions the archive could not answer."""
        return self.total - self.answered

    def period(self) -> str:
        """The period in words: "since 2025-01-06" or "all questions recorded"."""
        return f"since {self.since.isoformat()}" if self.since else "all questions recorded"

    def empty_message(self) -> str:
        """What to say when the period holds no question."""
        if self.since:
            return f"No questions were asked since {self.since.isoformat()}."
        return "No questions recorded yet: the bots have not been asked anything (or retention removed it all)."


# --- building -------------------------------------------------------------------------


def build_report(rows: list[dict], *, since: date | None = None, now: datetime | None = None, top: int = TOP) -> Report:
    """Summarise question-store rows (`QuestionStore.questions()`) into a `Report`.

    Args:
        rows: the stored questions, oldest first, with their feedback counts.
        since: the first day the rows were selected from (shown in the report).
        now: when the report is made (for its heading).
        top: how many topics, sessions and gaps to list.
    """
    report = Report(since=since, generated_at=now or datetime.now(UTC))
    if not rows:
        return report
    times = [_parse_time(row["asked_at"]) for row in rows]
    latencies = sorted(float(row["latency_ms"]) for row in rows)
    report.total = len(rows)
    report.answered = sum(1 for row in rows if row["answered"])
    report.askers = len({(row["channel"], row["user_hash"]) for row in rows})
    report.upvotes = sum(int(row.get("upvotes", 0)) for row in rows)
    report.downvotes = sum(int(row.get("downvotes", 0)) for row in rows)
    report.median_latency_ms = statistics.median(latencies)
    report.p95_latency_ms = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    report.first_asked, report.last_asked = min(times), max(times)
    report.weeks = questions_per_week(rows, times)
    report.channels = questions_per_channel(rows)
    report.top_words = most_asked_words([row["question"] for row in rows], top)
    report.top_sessions = most_cited_sessions(rows, top)
    unanswered = [(row, when) for row, when in zip(rows, times, strict=True) if not row["answered"]]
    report.gaps = content_gaps(unanswered, top)
    report.gap_words = most_asked_words([row["question"] for row, _ in unanswered], top)
    report.disliked = disliked_answers(rows, times)
    return report


def questions_per_week(rows: list[dict], times: list[datetime]) -> list[WeekCount]:
    """Answered and unanswered questions for every week from the first to the last (empty weeks included)."""
    weeks: dict[date, WeekCount] = {}
    for row, when in zip(rows, times, strict=True):
        start = _week_start(when.date())
        week = weeks.setdefault(start, WeekCount(start))
        if row["answered"]:
            week.answered += 1
        else:
            week.unanswered += 1
    first, last = min(weeks), max(weeks)
    every = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    return [weeks.get(start, WeekCount(start)) for start in every]


def questions_per_channel(rows: list[dict]) -> list[ChannelCount]:
    """Questions, answers and distinct askers per channel, busiest first."""
    channels: dict[str, ChannelCount] = {}
    askers: dict[str, set[str]] = {}
    for row in rows:
        count = channels.setdefault(row["channel"], ChannelCount(row["channel"]))
        count.questions += 1
        count.answered += int(bool(row["answered"]))
        askers.setdefault(row["channel"], set()).add(row["user_hash"])
    for name, count in channels.items():
        count.askers = len(askers[name])
    return sorted(channels.values(), key=lambda c: (-c.questions, c.channel))


def most_asked_words(questions: list[str], top: int) -> list[tuple[str, int]]:
    """The content words found in most questions (each question counts a word once)."""
    counts = Counter(word for question in questions for word in dict.fromkeys(content_words(question)))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]


def most_cited_sessions(rows: list[dict], top: int) -> list[CitedSession]:
    """The sessions cited by most answers."""
    counts: Counter[str] = Counter()
    urls: dict[str, str] = {}
    for row in rows:
        for source in dict((s["title"], s) for s in _sources(row)).values():
            counts[source["title"]] += 1
            urls.setdefault(source["title"], source.get("url") or "")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [CitedSession(title, urls[title], count) for title, count in ranked]


def content_gaps(unanswered: list[tuple[dict, datetime]], top: int) -> list[Gap]:
    """Unanswered questions, the same question asked in other words counted once.

    Two questions are "the same" when they have the same content words
    ("What's the weather in Paris?" and "weather in paris"); the latest wording is shown.
    """
    gaps: dict[tuple[str, ...], Gap] = {}
    for row, when in unanswered:
        key = tuple(sorted(set(content_words(row["question"])))) or (fold(row["question"]).strip(),)
        gap = gaps.get(key)
        if gap is None:
            gaps[key] = Gap(row["question"], 1, when, [row["channel"]])
            continue
        gap.count += 1
        if when >= gap.last_asked:
            gap.question, gap.last_asked = row["question"], when
        if row["channel"] not in gap.channels:
            gap.channels.append(row["channel"])
    return sorted(gaps.values(), key=lambda g: (-g.count, -g.last_asked.timestamp()))[:top]


def disliked_answers(rows: list[dict], times: list[datetime]) -> list[Disliked]:
    """Answers with at least one 👎, most disliked first, then newest."""
    found = [
        Disliked(
            question=row["question"],
            asked_at=when,
            channel=row["channel"],
            answered=bool(row["answered"]),
            downvotes=int(row.get("downvotes", 0)),
            upvotes=int(row.get("upvotes", 0)),
            sources=_sources(row),
        )
        for row, when in zip(rows, times, strict=True)
        if int(row.get("downvotes", 0)) > 0
    ]
    return sorted(found, key=lambda d: (-d.downvotes, -d.asked_at.timestamp()))


def _sources(row: dict) -> list[dict]:
    """The sources stored with a question; a damaged value counts as none."""
    try:
        sources = json.loads(row.get("sources") or "[]")
    except (TypeError, ValueError):
        return []
    return [s for s in sources if isinstance(s, dict) and s.get("title")]


def _parse_time(value: str) -> datetime:
    """A stored time (ISO 8601), as an aware UTC datetime."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _week_start(day: date) -> date:
    """The Monday of a day's week."""
    return day - timedelta(days=day.weekday())


# --- terminal -------------------------------------------------------------------------


def print_report(report: Report, console) -> None:
    """Show the report as rich tables on a `rich.console.Console`."""
    from rich.table import Table

    if report.empty:
        console.print(report.empty_message())
        return
    console.print(f"[bold]{_summary_line(report)}[/]", highlight=False)
    weeks = _table(Table, "Questions per week", ("week of", "questions", "answered", "not answered"))
    for week in report.weeks:
        weeks.add_row(week.start.isoformat(), str(week.total), str(week.answered), str(week.unanswered))
    channels = _table(Table, "Per channel", ("channel", "questions", "answered", "askers"))
    for channel in report.channels:
        channels.add_row(channel.channel, str(channel.questions), str(channel.answered), str(channel.askers))
    words = _table(Table, "Most asked topics (words)", ("word", "questions"))
    for word, count in report.top_words:
        words.add_row(word, str(count))
    sessions = _table(Table, "Most cited sessions", ("session", "answers"))
    for session in report.top_sessions:
        sessions.add_row(session.title, str(session.count))
    for table in (weeks, channels, words, sessions):
        console.print(table)
    _print_gaps(report, console, Table)
    _print_disliked(report, console, Table)


def _table(table_class, title: str, columns: tuple[str, ...], text: tuple[int, ...] = (0,)):
    """A rich table with a title; the `text` columns left-aligned, the others (numbers) on the right."""
    table = table_class(title=title, title_justify="left")
    for position, column in enumerate(columns):
        table.add_column(column, justify="left" if position in text else "right", overflow="fold")
    return table


def _print_gaps(report: Report, console, table_class) -> None:
    """The questions nothing answered: what to organise or write up next."""
    if not report.gaps:
        console.print("Content gaps: every question found an answer in the archive.")
        return
    gaps = _table(
        table_class, "Content gaps: questions the archive could not answer", ("question", "times", "last asked")
    )
    for gap in report.gaps:
        gaps.add_row(gap.question, str(gap.count), gap.last_asked.date().isoformat())
    console.print(gaps)
    if report.gap_words:
        words = ", ".join(f"{word} ({count})" for word, count in report.gap_words)
        console.print(f"Words of the unanswered questions: {words}", highlight=False, markup=False)


def _print_disliked(report: Report, console, table_class) -> None:
    """Answers marked 👎, with the sessions they cited."""
    if not report.disliked:
        console.print("No answer was marked 👎.")
        return
    table = _table(table_class, "Answers marked 👎", ("question", "👎", "👍", "asked", "sources"), text=(0, 4))
    for item in report.disliked:
        sources = "\n".join(s["title"] for s in item.sources) or "(no answer)"
        table.add_row(item.question, str(item.downvotes), str(item.upvotes), item.asked_at.date().isoformat(), sources)
    console.print(table)


def _summary_line(report: Report) -> str:
    """One line: how many questions, how many answered, by how many people, how fast."""
    share = 100 * report.answered / report.total
    return (
        f"{report.total} questions {report.period()} ({_day(report.first_asked)} to {_day(report.last_asked)}): "
        f"{report.answered} answered ({share:.0f}%), {report.unanswered} not answered; "
        f"{report.askers} askers; median reply {report.median_latency_ms / 1000:.2f}s; "
        f"👍 {report.upvotes} 👎 {report.downvotes}"
    )


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "-"


# --- charts ---------------------------------------------------------------------------


def weekly_chart_svg(report: Report) -> str:
    """Stacked bars: answered and unanswered questions per week, as inline SVG."""
    figure = _figure(width=8.0, height=3.2)
    axes = figure.subplots()
    labels = [week.start.strftime("%d %b %Y") for week in report.weeks]
    positions = range(len(labels))
    answered = [week.answered for week in report.weeks]
    axes.bar(positions, answered, color=ANSWERED_COLOUR, label="answered")
    axes.bar(
        positions, [w.unanswered for w in report.weeks], bottom=answered, color=UNANSWERED_COLOUR, label="not answered"
    )
    step = max(1, len(labels) // 12)  # at most a dozen labels stay readable
    axes.set_xticks(list(positions)[::step], labels[::step], rotation=30, ha="right")
    axes.set_ylabel("questions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, loc="upper left")
    _tidy(axes)
    return _svg(figure, "Questions per week, answered and not answered")


def answered_chart_svg(report: Report) -> str:
    """Horizontal stacked bars: answered vs not answered, overall and per channel, as inline SVG."""
    rows = [("all", report.answered, report.unanswered)] + [
        (c.channel, c.answered, c.questions - c.answered) for c in report.channels
    ]
    figure = _figure(width=8.0, height=1.0 + 0.5 * len(rows))
    axes = figure.subplots()
    names = [name for name, _, _ in rows][::-1]
    answered = [a for _, a, _ in rows][::-1]
    unanswered = [u for _, _, u in rows][::-1]
    axes.barh(names, answered, color=ANSWERED_COLOUR, label="answered")
    axes.barh(names, unanswered, left=answered, color=UNANSWERED_COLOUR, label="not answered")
    for position, (done, missed) in enumerate(zip(answered, unanswered, strict=True)):
        total = done + missed
        if total:
            axes.text(total, position, f"  {100 * done / total:.0f}% answered", va="center", fontsize=9)
    axes.set_xlim(0, max(a + u for a, u in zip(answered, unanswered, strict=True)) * 1.35 or 1)
    axes.set_xlabel("questions")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, loc="lower right")
    _tidy(axes)
    return _svg(figure, "Answered and not answered questions, overall and per channel")


def _figure(*, width: float, height: float):
    """A matplotlib figure that needs no GUI and no global pyplot state."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _tidy(axes) -> None:
    """Lighter frame: no top and right spines."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _svg(figure, label: str) -> str:
    """The figure as an `<svg>` element ready to inline, with an accessible label.

    Text is drawn as paths, so the chart looks the same without any font.
    """
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "smcbot-report"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype: invalid inside HTML
    return svg.replace("<svg", f'<svg role="img" aria-label="{html.escape(label)}"', 1)


# --- HTML -----------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2433; background: #f6f7f9; }
main { max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 32px 0 8px; font-size: 19px; }
.period { color: #5a6270; margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.card b { display: block; font-size: 24px; }
.card span { color: #5a6270; font-size: 13px; }
figure.chart { margin: 0; background: #fff; border-radius: 8px; padding: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
figure.chart svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e6e8ec; vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 700px) { .two { grid-template-columns: 1fr; } }
.note { color: #5a6270; }
ul.sources { margin: 0; padding-left: 18px; }
"""

# Nothing may load: no scripts, no remote styles, fonts or images.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG charts, no script)."""
    title = f"smcbot report — {report.period()}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>",
        "<h1>Questions to the archive bot</h1>",
        f'<p class="period">{_e(report.period().capitalize())} — made {report.generated_at:%Y-%m-%d %H:%M} UTC</p>',
    ]
    if report.empty:
        parts.append(f'<p class="empty">{_e(report.empty_message())}</p>')
    else:
        parts += [
            _cards_html(report),
            "<h2>Questions per week</h2>",
            _chart_html("chart-weeks", weekly_chart_svg(report)),
            "<h2>Answered vs not answered</h2>",
            _chart_html("chart-answered", answered_chart_svg(report)),
            _channels_html(report),
            _topics_html(report),
            _gaps_html(report),
            _disliked_html(report),
        ]
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _e(text: object) -> str:
    """Escape text for HTML: questions are whatever members typed."""
    return html.escape(str(text), quote=True)


def _link(title: str, url: str) -> str:
    """A link to a session, or its title alone when the URL is not http(s)."""
    if re.match(r"^https?://", url or ""):
        return f'<a href="{_e(url)}">{_e(title)}</a>'
    return _e(title)


def _cards_html(report: Report) -> str:
    share = 100 * report.answered / report.total
    cards = [
        (report.total, "questions"),
        (f"{share:.0f}%", f"answered ({report.answered})"),
        (report.unanswered, "not answered"),
        (report.askers, "distinct askers"),
        (f"{report.median_latency_ms / 1000:.2f}s", f"median reply (95%: {report.p95_latency_ms / 1000:.2f}s)"),
        (f"{report.upvotes} / {report.downvotes}", "votes 👍 helpful / 👎 not helpful"),
    ]
    inner = "".join(f'<div class="card"><b>{_e(value)}</b><span>{_e(label)}</span></div>' for value, label in cards)
    return f'<section class="cards">{inner}</section>'


def _chart_html(chart_id: str, svg: str) -> str:
    return f'<figure class="chart" id="{chart_id}">{svg}</figure>'


def _table_html(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """A table from already-escaped cells; `numeric` columns are right-aligned."""
    head = "".join(f"<th{' class=n' if i in numeric else ''}>{h}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _channels_html(report: Report) -> str:
    rows = [[_e(c.channel), str(c.questions), str(c.answered), str(c.askers)] for c in report.channels]
    return "<h2>Per channel</h2>" + _table_html(["channel", "questions", "answered", "askers"], rows, {1, 2, 3})


def _topics_html(report: Report) -> str:
    words = _table_html(["word", "questions"], [[_e(w), str(n)] for w, n in report.top_words], {1})
    sessions = _table_html(
        ["session", "answers"], [[_link(s.title, s.url), str(s.count)] for s in report.top_sessions], {1}
    )
    if not report.top_sessions:
        sessions = '<p class="note">No answer cited a session yet.</p>'
    return (
        '<h2>Most asked topics</h2><div class="two">'
        f"<div><h3>Words in questions</h3>{words}</div><div><h3>Sessions most cited</h3>{sessions}</div></div>"
    )


def _gaps_html(report: Report) -> str:
    heading = "<h2>Content gaps: questions the archive could not answer</h2>"
    if not report.gaps:
        return heading + '<p class="note">Every question found an answer in the archive.</p>'
    rows = [
        [_e(g.question), str(g.count), g.last_asked.date().isoformat(), _e(", ".join(g.channels))] for g in report.gaps
    ]  # dates go in a "numeric" column: right-aligned and never wrapped
    words = ", ".join(f"{_e(w)} ({n})" for w, n in report.gap_words)
    return (
        heading
        + '<p class="note">Sessions to organise or write up next. Words of these questions: '
        + f"{words}</p>"
        + _table_html(["question", "times", "last asked", "channels"], rows, {1, 2})
    )


def _disliked_html(report: Report) -> str:
    heading = "<h2>Answers marked 👎 (not helpful)</h2>"
    if not report.disliked:
        return heading + '<p class="note">No answer was marked 👎.</p>'
    rows = []
    for item in report.disliked:
        links = "".join(f"<li>{_link(s['title'], s.get('url', ''))}</li>" for s in item.sources)
        sources = f'<ul class="sources">{links}</ul>' if links else '<span class="note">(no answer)</span>'
        rows.append(
            [
                _e(item.question),
                str(item.downvotes),
                str(item.upvotes),
                item.asked_at.date().isoformat(),
                _e(item.channel),
                sources,
            ]
        )
    headers = ["question", "👎 not helpful", "👍 helpful", "asked", "channel", "sources cited"]
    return heading + _table_html(headers, rows, {1, 2, 3})
