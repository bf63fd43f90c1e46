"""The `smcbot` command line: build and inspect the index, ask, evaluate, run the bots.

Errors a user can fix are printed as one line on stderr with a non-zero exit;
nothing else reaches the terminal as a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from smcbot.errors import QuestionError, SmcbotError

app = typer.Typer(
    help="Ask the Social Media Club France's archive of sessions.\n\n"
    'Start with `smcbot index build`, then `smcbot ask "What was said about brand safety?"`.',
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
index_app = typer.Typer(help="Build and inspect the index.", no_args_is_help=True)
app.add_typer(index_app, name="index")

out = Console()
err = Console(stderr=True)

IndexDirOption = Annotated[
    Path | None, typer.Option("--index-dir", help="Index folder (default: SMCBOT_INDEX_DIR or index/).")
]
# The conversation core's notices, as one line for the terminal (its own ones speak of /ask).
CLI_NOTICES = {
    "usage": "the question is empty; ask something such as: What was said about brand safety?",
    "no_words": "the question has no words to search for; ask something such as: What was said about brand safety?",
}
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def main() -> None:
    """Entry point: run the app, turning expected errors into one line and an exit code."""
    try:
        app()
    except SmcbotError as error:
        # The message is text, not markup: "[[sources]]" must reach the user as written.
        err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


def _settings(**overrides: Any):
    """Load settings with command-line overrides, and set up logging."""
    from smcbot.logs import configure_logging
    from smcbot.settings import load_settings

    settings = load_settings(**overrides)
    # Text or JSON lines on stderr, every secret redacted, httpx (token in its URLs) kept quiet.
    configure_logging(settings)
    return settings


def _print_json(data: dict) -> None:
    """One JSON object on one line."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


@index_app.command("build")
def index_build(
    sources: Annotated[
        Path | None,
        typer.Option("--sources", help="Sources manifest (default: SMCBOT_SOURCES or config/sources.toml)."),
    ] = None,
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
    since: Annotated[
        str | None,
        typer.Option(help="Only read articles published on or after this date (YYYY-MM-DD); keeps the rest."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Read at most N articles per source; keeps the rest.")
    ] = None,
) -> None:
    """Build or update the index from the sources manifest.

    Only new or changed text is embedded; the new index replaces the old one in
    one atomic step, so running bots never see a half-written index. With
    --since or --limit the run is partial: it adds and updates what it read and
    removes nothing.

    Example: smcbot index build --sources config/sources.toml --since 2024-01-01
    """
    from smcbot.services import build_from_sources

    day = _parse_day(since, "--since")
    settings = _settings(index_dir=index_dir, sources=sources)
    with _progress(enabled=not as_json) as progress:
        report = build_from_sources(settings, progress=progress, since=day, limit=limit)
    if getattr(report, "fetch", None) is not None:
        err.print(report.fetch.describe(), highlight=False, markup=False, soft_wrap=True)
    if as_json:
        _print_json(report.to_dict())
        return
    verb = "wrote" if report.written else "kept (nothing changed)"
    out.print(
        f"{verb} {settings.index_dir}: {report.articles} articles ({report.added} added, "
        f"{report.updated} updated, {report.removed} removed, {report.unchanged} unchanged), "
        f"{report.chunks} chunks, {report.chunks_embedded} embedded, in {report.seconds:.1f}s"
    )
    if getattr(report, "partial", False):
        out.print(f"partial run ({report.partial_reason}): articles not read this time were kept, none removed")


class _RichProgress:
    """Feeds the build's progress callbacks into a rich progress bar."""

    LABELS = {
        "export": "Exporting the model to ONNX (first build only)",
        "read": "Reading sources",
        "embed": "Embedding",
        "translate": "Translating passages into English",
        "embed-glosses": "Embedding English glosses",
        "embed-multilingual": "Embedding for the multilingual second opinion",
        "write": "Writing index",
    }

    def __init__(self, bar) -> None:
        self.bar = bar
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, advance: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(self.LABELS.get(stage, stage), total=total or None)
        self.bar.update(self.tasks[stage], advance=advance, total=total or None)


class _progress:
    """Context manager giving a progress callback, or None when disabled."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and err.is_terminal
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.bar = Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err)
        self.bar.__enter__()
        return _RichProgress(self.bar)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@index_app.command("stats")
def index_stats_command(index_dir: IndexDirOption = None, as_json: JsonOption = False) -> None:
    """Show what the index holds: articles by series and date range.

    Example: smcbot index stats --json
    """
    from smcbot.index import index_stats
    from smcbot.services import open_index

    settings = _settings(index_dir=index_dir)
    stats = index_stats(open_index(settings))
    if as_json:
        _print_json(stats)
        return
    _print_stats_table(stats)


def _print_stats_table(stats: dict) -> None:
    """Articles grouped by series, with their dates, then each series' sessions."""
    from rich.table import Table

    table = Table(title=f"{len(stats['articles'])} articles, {stats['chunks']} chunks — model {stats['model']}")
    for column in ("series", "articles", "from", "to", "takeaways"):
        table.add_column(column)
    by_series: dict[str, list[dict]] = {}
    for article in stats["articles"]:
        by_series.setdefault(article["series"] or "(other posts)", []).append(article)
    for series, articles in sorted(by_series.items()):
        dates = sorted(a["date"] for a in articles if a["date"])
        table.add_row(
            series,
            str(len(articles)),
            dates[0] if dates else "-",
            dates[-1] if dates else "-",
            str(sum(a["takeaways"] for a in articles)),
        )
    out.print(table)
    for series, articles in sorted(by_series.items()):
        out.print(f"\n{series}", highlight=False, markup=False)
        for article in sorted(articles, key=lambda a: a["date"] or "", reverse=True):
            out.print(f"  {article['date'] or '----------'}  {article['title']}", highlight=False, markup=False)
    out.print(f"\n{len(stats.get('speakers', []))} speakers", highlight=False, markup=False)


def _parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value, with a clear error otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD", param_hint=option) from None


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in French or English.")],
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
    since: Annotated[str | None, typer.Option(help="Only sessions on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Only sessions on or before this date (YYYY-MM-DD).")] = None,
    series: Annotated[
        str | None, typer.Option(help='Only this series, by any of its spellings, e.g. "Cercle Dircoms".')
    ] = None,
) -> None:
    """Answer one question from the archive, quoting the sessions with their links.

    With SMCBOT_LLM__ENABLED on, a language model writes the answer from the same
    passages, citing them; the quoted answer is printed if it fails.

    Example: smcbot ask "What was said about brand safety?"
    """
    from smcbot.bots.conversation import Asker, ConversationCore, is_text
    from smcbot.retrieval import SearchFilters
    from smcbot.services import make_answerer, make_synthesizer

    filters = SearchFilters(_parse_day(since, "--since"), _parse_day(until, "--until"), series)
    _refuse_inverted_range(filters)  # before the slow model load
    settings = _settings(index_dir=index_dir)
    if not is_text(question):  # before the slow model load
        raise QuestionError("the question holds bytes that are not UTF-8 text; type it again")
    synthesizer = make_synthesizer(settings)  # before the slow model load: a missing package fails fast
    answerer = make_answerer(settings)
    filters = answerer.resolve_series(filters)  # any spelling; an unknown one fails naming the known ones
    core = ConversationCore(settings, answerer=answerer, synthesizer=synthesizer)
    try:
        reply = core.ask_blocking(question, Asker("cli", "cli", "cli"), filters=filters)
    finally:
        core.close()
    if reply.notice:
        raise QuestionError(CLI_NOTICES.get(reply.notice) or " ".join(reply.notice_text().split()))
    if as_json:
        _print_json(reply.answer.to_dict())
    else:
        out.print(reply.answer.text, highlight=False, markup=False, soft_wrap=True)


def _refuse_inverted_range(filters) -> None:
    """--since after --until holds no day: one line saying so, rather than "nothing on that"."""
    if filters.since and filters.until and filters.since > filters.until:
        raise QuestionError(
            f"--since {filters.since} is after --until {filters.until}: the range is inverted; swap the two dates"
        )


@app.command()
def chat(index_dir: IndexDirOption = None) -> None:
    """A conversation with the archive in the terminal: follow-up questions build on the
    last answer ("and in 2020?", "who said that?", "en français"), as on Telegram.

    Arrow keys recall earlier lines; /new starts afresh; Ctrl-D (or /quit) ends.

    Example: smcbot chat
    """
    from smcbot.bots.conversation import Asker, ConversationCore
    from smcbot.services import make_answerer, make_synthesizer

    settings = _settings(index_dir=index_dir)
    synthesizer = make_synthesizer(settings)
    core = ConversationCore(settings, answerer=make_answerer(settings), synthesizer=synthesizer)
    asker = Asker("cli", "cli", "chat", conversation="chat", context_ttl=settings.conversation.private_minutes * 60)
    try:
        _chat_loop(core, asker)
    finally:
        core.close()


def _chat_loop(core, asker) -> None:
    """Read questions until end of input, answering each in the conversation."""
    import contextlib

    with contextlib.suppress(ImportError):  # not on every platform; the chat works without it
        import readline  # noqa: F401  (arrow-key editing and history for input())
    err.print("Ask about the archive (/new starts afresh, Ctrl-D ends).", highlight=False)
    while True:
        try:
            question = input("? ").strip()
        except EOFError:
            err.print()
            return
        if question in ("/quit", "/exit"):
            return
        if question == "/new":
            core.forget(asker)
            out.print("(a fresh start)", highlight=False)
            continue
        if not question:
            continue
        reply = core.ask_blocking(question, asker)
        text = reply.notice_text() if reply.notice else reply.answer.text
        out.print(text + "\n", highlight=False, markup=False, soft_wrap=True)
        core.remember_blocking(reply, asker)


@app.command("eval")
def evaluate(
    file: Annotated[Path, typer.Argument(help='JSON lines: {"q": question, "expect": [title fragments]}.')],
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score the bot on questions whose answering sessions are known.

    An empty "expect" means nothing in the archive answers the question: the
    bot should refuse it; "also" lists other sessions that answer it (right
    citations, not counted for hit@1). Prints hit@1, hit@3, MRR, no-answer
    accuracy, false refusals and citation precision, in total and per language
    ("lang"), and each question's result with its timing.

    Example: smcbot eval ../shared/eval/dev.jsonl
    """
    from smcbot.evaluation import evaluate_file
    from smcbot.services import make_answerer

    settings = _settings(index_dir=index_dir)
    report = evaluate_file(file, make_answerer(settings))
    if as_json:
        _print_json(report)
    else:
        _print_eval(report)


def _print_eval(report: dict) -> None:
    """Per-question results, then the metrics."""
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("", "question", "first source", "s"):
        table.add_column(column)
    flat = [turn for r in report["results"] for turn in r.get("turns", [r])]
    for result in flat:
        mark = "[green]✔[/]" if result["ok"] else "[red]✘[/]"
        first = result["sources"][0] if result["sources"] else "(no answer)"
        table.add_row(mark, result["q"], first, f"{result['seconds']:.2f}")
    out.print(table)
    metrics = dict(report["metrics"])
    by_language = metrics.pop("by_language", {})
    _print_metrics(metrics)
    for language, figures in by_language.items():
        out.print(f"\n{language}:")
        _print_metrics(figures, indent="  ")


def _print_metrics(metrics: dict, indent: str = "") -> None:
    """One `name: value` line per metric."""
    for name, value in metrics.items():
        out.print(f"{indent}{name}: {value:.3f}" if isinstance(value, float) else f"{indent}{name}: {value}")


@app.command("calibrate")
def calibrate_command(
    file: Annotated[Path, typer.Argument(help="Eval questions (answerable and not) in the `eval` format.")],
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.", min=2, max=20)] = 5,
) -> None:
    """Fit the relevance gate's thresholds to the configured embedding model.

    Searches every question once, fits the thresholds that decide whether the
    archive answers, reports the accuracy expected from cross-validation (each
    question scored with thresholds fitted without it) and stores the thresholds
    in the index manifest for this model: the fitted ones when they beat the shipped
    ones under cross-validation, else the shipped ones. SMCBOT_RETRIEVAL__* settings
    still win.

    Example: smcbot calibrate ../shared/eval/dev.jsonl
    """
    from smcbot.calibration import calibrate, store_thresholds
    from smcbot.services import make_answerer

    settings = _settings(index_dir=index_dir)
    report = calibrate(file, make_answerer(settings), folds=folds)
    store_thresholds(Path(settings.index_dir), report)
    if as_json:
        _print_json(report)
        return
    out.print(f"model: {report['model']} — {report['questions']} questions")
    for name, figures in (("shipped", report["shipped"]), ("fitted", report["fitted"])):
        out.print(
            f"{name} thresholds on these questions: accuracy {figures['accuracy']:.3f}, "
            f"{figures['wrong_answers']} wrong answers (wrong session or off-topic), "
            f"{figures['false_refusals']} false refusals"
        )
    cv = report["cross_validated"]
    out.print(f"expected accuracy ({cv['folds']}-fold cross-validation): {cv['accuracy']:.3f}")
    if report["kept_shipped"]:
        out.print("fitting does not beat the shipped thresholds under cross-validation: they are kept")
    out.print("stored: " + ", ".join(f"{k}={v}" for k, v in report["thresholds"].items()))


@app.command()
def telegram() -> None:
    """Run the Telegram bot (long polling, or a webhook when SMCBOT_TELEGRAM__WEBHOOK_URL is set).

    Needs SMCBOT_TELEGRAM__TOKEN and a built index.
    """
    from smcbot.bots.telegram import run

    run(_settings())


@app.command()
def slack() -> None:
    """Run the Slack app (HTTP on SMCBOT_SLACK__PORT, or Socket Mode with SMCBOT_SLACK__APP_TOKEN).

    Needs SMCBOT_SLACK__BOT_TOKEN, SMCBOT_SLACK__SIGNING_SECRET and a built index.
    """
    from smcbot.bots.slack import run

    run(_settings())


@app.command("report")
def report_command(
    since: Annotated[str | None, typer.Option(help="Only questions asked on or after this date (YYYY-MM-DD).")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML page with charts to FILE.")
    ] = None,
) -> None:
    """Report what members asked: per week and channel, top topics, unanswered questions, 👎 answers.

    The unanswered questions are the content gaps: sessions to organise or
    write up next. Questions older than SMCBOT_STORE__RETENTION_DAYS are
    deleted first. With --html, also writes one self-contained page with charts.

    Example: smcbot report --since 2025-01-01 --html report.html
    """
    from smcbot.report import build_report, print_report, render_html

    day = _parse_day(since, "--since")
    settings = _settings()
    rows = _stored_questions(settings, day)
    report = build_report(rows, since=day)
    print_report(report, out)
    if html is not None:
        page = render_html(report)
        try:
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(page, encoding="utf-8")
        except OSError as error:
            raise SmcbotError(f"cannot write {html} ({error.strerror or error}); choose another --html file") from None
        err.print(f"wrote {html}", highlight=False)


def _stored_questions(settings, since: date | None) -> list[dict]:
    """The store's questions since a day, after applying the retention; [] with no store file."""
    from datetime import UTC, datetime, time

    from sqlalchemy.exc import SQLAlchemyError

    from smcbot.store import QuestionStore

    path = settings.store.path
    if settings.store.url is None and not path.exists():
        err.print(f"no question store at {path} yet: the bots create it on their first question", highlight=False)
        return []
    store = QuestionStore.from_settings(settings)
    try:
        if store.set_aside is not None:
            err.print(
                f"the question store was damaged: set aside as {store.set_aside}, a new one started", highlight=False
            )
        store.apply_retention(settings.store.retention_days)
        start = datetime.combine(since, time(), tzinfo=UTC) if since else None
        return store.questions(since=start)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise SmcbotError(
            f"the question store {store.where} cannot be read ({reason}); move it away and retry"
        ) from None
    finally:
        store.close()


@app.command("doctor")
def doctor() -> None:
    """Check settings, index, model, question store and tokens: one line each, ✔ or ✘ with the fix.

    The Telegram and Slack tokens are tried (getMe, auth.test) only when set.
    Exits with 1 when any check fails.

    Example: smcbot doctor
    """
    from smcbot.doctor import all_passed, failed, run_checks
    from smcbot.errors import SettingsError

    try:
        settings = _settings()
    except SettingsError as error:
        out.print(
            failed("settings", str(error), "fix what is named in the environment, .env or config/settings.toml").line(),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    checks = run_checks(settings)
    for check in checks:
        out.print(check.line(), highlight=False, markup=False, soft_wrap=True)
    if not all_passed(checks):
        raise typer.Exit(1)


privacy_app = typer.Typer(help="Members' data in the question store.", no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")


@privacy_app.command("forget")
def privacy_forget(
    telegram_user: Annotated[str | None, typer.Option("--telegram-user", help="A Telegram user id (a number).")] = None,
    slack_user: Annotated[str | None, typer.Option("--slack-user", help="A Slack user id (U…).")] = None,
) -> None:
    """Delete everything stored about a member: their questions (with anyone's
    votes on them) and their own votes.

    Example: smcbot privacy forget --telegram-user 123456789
    """
    from smcbot.privacy import forget

    members = [("telegram", telegram_user), ("slack", slack_user)]
    members = [(channel, member) for channel, member in members if member is not None]
    if not members or any(not member.strip() for _, member in members):
        raise typer.BadParameter("give --telegram-user ID or --slack-user ID", param_hint="member")
    settings = _settings()
    for channel, member in members:
        forgotten = forget(settings, channel=channel, member_id=member)
        if forgotten is None:
            out.print(f"no question store at {settings.store.path}: nothing is stored about anyone", highlight=False)
        elif not forgotten.anything:
            out.print(
                f"nothing stored about {channel} user {member}: no question or vote "
                "(check the id, and that SMCBOT_STORE__HASH_KEY is the key the bots use)",
                highlight=False,
            )
        else:
            conversations = f", and {forgotten.conversations} conversations" if forgotten.conversations else ""
            out.print(
                f"forgot {channel} user {member}: {forgotten.questions} questions and "
                f"{forgotten.feedback} of their votes deleted{conversations}",
                highlight=False,
            )


store_app = typer.Typer(help="The question store (SQLite file or PostgreSQL).", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("upgrade")
def store_upgrade() -> None:
    """Migrate the question store in place to this version's schema, keeping every row.

    Works on the SQLite file (SMCBOT_STORE__PATH, created if missing) or the
    PostgreSQL database (SMCBOT_STORE__URL). The bots do the same when they start;
    a store written by a newer smcbot is refused.

    Example: SMCBOT_STORE__URL=postgresql://smcbot:secret@db/smcbot smcbot store upgrade
    """
    from smcbot.store import QuestionStore

    store = QuestionStore.from_settings(_settings())
    try:
        done = store.upgraded
        start = f"revision {done.before}" if done.before else "an unversioned or new store"
        what = f"upgraded from {start} to" if done.changed else "already at"
        what = f"{what} revision {done.after}"
        out.print(f"question store {store.where}: {what}", highlight=False, soft_wrap=True)
    finally:
        store.close()
