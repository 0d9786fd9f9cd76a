"""What each ``campaign-kpi`` command does (assets/cli.py declares them and imports this module
only when one runs, so that ``--help`` loads neither Dagster nor Ibis)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import dagster as dg
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assets.catalog import CATALOG
from assets.report import REPORT_ASSET, report_paths
from assets.runner import (
    RESOLVED_CONFIG,
    check_descriptions,
    failed_checks,
    failure_reason,
    kept_instance,
    run_nightly,
    run_warnings,
    run_weekly_report,
)
from assets.settings import Paths
from assets.warning_log import describe as describe_warnings
from dashboards.campaign_review_files import FOLDER as REVIEWS_FOLDER
from experiments.catalog import EFFECTS_TABLE, RESULTS_TABLE
from experiments.wording import summary
from kpi.language import LANGUAGES
from kpi.weekly import IsoWeek
from pipelines import retention
from pipelines.config import Config, ConfigError, load_config
from pipelines.config_checks import advice
from pipelines.sources.base import Window
from pipelines.sources.factory import CONNECTORS, demo_end, make_sources, yesterday
from pipelines.sources.retry import SourceError
from pipelines.sources.streams import connector_streams
from pipelines.warehouse import disk
from pipelines.warehouse import export as export_files
from pipelines.warehouse.engines import describe, open_warehouse
from pipelines.warehouse.store import WarehouseError

console = Console()
err = Console(stderr=True, soft_wrap=True)  # messages keep paths whole (no wrapping)
RUN_LOG_HINT = "make dev (or dagster dev with DAGSTER_HOME=<data dir>/dagster_home), then Runs"


def _load(paths: Paths) -> Config:
    try:
        return load_config(paths.config)
    except ConfigError as exc:
        err.print(f"[red]Configuration error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


def _check_lang(lang: str | None) -> None:
    if lang is not None and lang not in LANGUAGES:
        err.print(f"--lang {lang!r}: choose one of {', '.join(LANGUAGES)}")
        raise typer.Exit(2)


def _warnings_line(paths: Paths, result: dg.ExecuteInProcessResult) -> None:
    """One line for the Python warnings the run raised (its log keeps each of them)."""
    with kept_instance(paths) as instance:
        caught = run_warnings(instance, result.run_id)
    if caught:
        console.print(f"[yellow]{escape(describe_warnings(caught))}[/yellow], kept in the run's "
                      f"log: {RUN_LOG_HINT}", soft_wrap=True)  # one line, however narrow


def _execute(paths: Paths, config: Config, first: dt.date, last: dt.date,
             full: bool = False) -> dg.ExecuteInProcessResult:
    with console.status("starting", spinner="dots") as status:
        return run_nightly(paths, config, first, last, full=full,
                           on_step=lambda step: status.update(f"[bold]running[/bold] {step}"))


def _report(result: dg.ExecuteInProcessResult, paths: Paths, config: Config,
            seconds: float) -> None:
    table = Table(title="Materialized", show_lines=False)
    table.add_column("asset")
    table.add_column("rows", justify="right")
    seen: dict[str, str] = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        rows = mat.metadata.get("dagster/row_count")
        seen[mat.asset_key.to_user_string()] = f"{rows.value:,}" if rows else ""
    for key, rows in seen.items():
        table.add_row(key, rows)
    console.print(table)
    said = check_descriptions(result)
    for name in failed_checks(result, "ERROR"):
        err.print(f"[red]Check failed[/red] {name}: {said[name]}")
    for name in failed_checks(result, "WARN"):
        console.print(f"[yellow]Warning[/yellow] {name}: {said[name]}")
    console.print(f"Warehouse  {describe(config.engine, paths.data_dir)}")
    console.print(f"Dashboard  {paths.output / 'overview.html'}")
    console.print(f"Experiments  {paths.output / 'experiments.html'}")
    reviews = sorted(paths.output.joinpath(*REVIEWS_FOLDER).glob("*/review.en.html"))
    for review in reviews:
        console.print(f"Post-campaign review  {review.parent}")
    console.print(f"Took {seconds:.1f} s")


def _weekly_report(paths: Paths, config: Config, week: IsoWeek,
                   languages: tuple[str, ...] | None = None, send: bool = False,
                   resend: bool = False) -> None:
    """Write the weekly report of ``week`` (and deliver it with ``send``); print where, or
    why not."""
    try:
        with console.status(f"writing the weekly report for {week.label}", spinner="dots"):
            result = run_weekly_report(paths, config, week, languages, send=send,
                                       resend=resend)
    except (ValueError, WarehouseError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    _warnings_line(paths, result)
    written = any(e.asset_key == dg.AssetKey(REPORT_ASSET)
                  for e in result.get_asset_materialization_events())
    if not result.success and not written:
        reason = failure_reason(result) or f"no reason was recorded; see {RUN_LOG_HINT}"
        err.print(f"[red]No weekly report for {week.label}.[/red] {escape(reason)}")
        raise typer.Exit(1)
    metadata = {}
    for event in result.get_asset_materialization_events():
        metadata.update(event.event_specific_data.materialization.metadata)
    for lang in languages or LANGUAGES:
        html, pdf = report_paths(paths.output, week, lang)
        console.print(f"Report {week.label} ({lang})  {html}")
        if f"pdf_{lang}" in metadata:
            console.print(f"Report {week.label} ({lang})  {pdf}")
    if "pdf" in metadata:
        console.print(f"[yellow]PDF[/yellow] {escape(metadata['pdf'].value)}")
    if send:
        _delivered(result, metadata)


def _delivered(result: dg.ExecuteInProcessResult, metadata: dict) -> None:
    """Say what the delivery did; exit 1 when someone was not reached."""
    if not result.success:
        reason = failure_reason(result) or f"no reason was recorded; see {RUN_LOG_HINT}"
        err.print(f"[red]Not delivered.[/red] {escape(reason)}")
        raise typer.Exit(1)
    console.print(f"Delivery  {escape(metadata['status'].value)}")
    said = check_descriptions(result)
    refused = failed_checks(result, "ERROR")
    for name in refused:
        err.print(f"[red]Not reached[/red] {escape(said[name])}")
    if refused:
        raise typer.Exit(1)


def _run(paths: Paths, config: Config, first: dt.date, last: dt.date,
         full: bool = False) -> None:
    started = time.perf_counter()
    try:
        result = _execute(paths, config, first, last, full)
    except (WarehouseError, ConfigError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    except OSError as exc:  # the data folder or the run history refused a write
        err.print("[red]The run stopped; every table keeps its last good data.[/red] "
                  f"{escape(disk.explain(exc))}")
        raise typer.Exit(1) from None
    _warnings_line(paths, result)
    if not result.success:
        reason = failure_reason(result) or "no reason was recorded"
        err.print("[red]The run failed; every table keeps its last good data.[/red] "
                  f"{escape(reason)}\nThe run's full log: {RUN_LOG_HINT}")
        raise typer.Exit(1)
    _report(result, paths, config, time.perf_counter() - started)


def demo(paths: Paths, start: dt.date | None, end: dt.date | None, seed: int | None) -> None:
    """Generate the offline demo account and run the whole pipeline over its history."""
    config = _load(paths)
    demo_options = config.demo.model_copy(update={
        k: v for k, v in {"end": end, "seed": seed}.items() if v is not None})
    config = config.model_copy(update={
        "demo": demo_options,
        "history_start": start or config.history_start,
    })
    config = Config.model_validate(config.model_dump())
    last = demo_end(config)
    console.print(f"Demo account {config.account_name!r}: {config.history_start} to {last}")
    _run(paths, config, config.history_start, last)
    used = Paths(paths.data_dir, paths.data_dir / RESOLVED_CONFIG)  # what the demo ran with
    _weekly_report(used, config, IsoWeek.ended_by(last))
    from assets import monthly_command  # it builds on this module's helpers

    monthly_command.for_demo(used, config, last)


def run(paths: Paths, day: dt.date, full: bool = False) -> None:
    """Run the nightly job for ``day`` (``full``: rebuild the KPI tables whole)."""
    config = _load(paths)
    if day < config.history_start:
        err.print(f"--date {day} is before history_start ({config.history_start})")
        raise typer.Exit(2)
    _run(paths, config, day, day, full)


def report(paths: Paths, week: str | None, lang: str | None, send: bool = False,
           resend: bool = False) -> None:
    """Write the weekly KPI report of ``week`` (default: the last week that has ended), and
    with ``send`` deliver it."""
    _check_lang(lang)
    config = _load(paths)
    if send and config.delivery is None:
        err.print(f"[red]--send:[/red] {escape(str(paths.config))} has no delivery section "
                  "(who gets the report, through which SMTP server): see the README, Delivery")
        raise typer.Exit(2)
    try:
        chosen = IsoWeek.parse(week) if week else IsoWeek.ended_by(yesterday(config))
    except ValueError as exc:
        err.print(f"--week: {exc}")
        raise typer.Exit(2) from None
    if config.engine.name == "duckdb" and not paths.warehouse.exists():
        err.print(f"[red]No warehouse at {paths.warehouse}[/red]: run campaign-kpi demo or "
                  "campaign-kpi run --date first")
        raise typer.Exit(1)
    _weekly_report(paths, config, chosen, (lang,) if lang else None, send, resend)


def campaign_report(paths: Paths, query: str, lang: str | None, sending: bool) -> None:
    """Write the post-campaign review of one campaign or flight (running ones so far)."""
    from dashboards.campaign_review_files import write_requested

    _check_lang(lang)
    if sending:
        err.print("--campaign writes a review to disk: --send and --resend are for the weekly "
                  "and monthly reports")
        raise typer.Exit(2)
    config = _load(paths)
    if config.engine.name == "duckdb" and not paths.warehouse.exists():
        err.print(f"[red]No warehouse at {paths.warehouse}[/red]: run campaign-kpi demo first")
        raise typer.Exit(1)
    con = open_warehouse(config.engine, paths.data_dir)
    subject, written, close = write_requested(
        con, config, query, paths.output, (lang,) if lang else LANGUAGES,
        log=lambda text: err.print(f"[yellow]PDF[/yellow] {escape(text)}"))
    if subject is None:
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        err.print(f"[red]No campaign or flight called {escape(query)!r}.[/red]{escape(hint)}")
        raise typer.Exit(1)
    state = "ended" if subject.ended else "so far (still running)"
    console.print(f"Review of {escape(subject.name)} ({subject.start} – {subject.end}, {state})")
    for path in written:
        console.print(f"  {path}")


def check_connection(paths: Paths) -> None:
    """Pull one day from every configured source; store nothing."""
    config = _load(paths)
    failures = 0
    for platform in CONNECTORS:
        kind = getattr(config.sources, platform).kind
        day = demo_end(config) if kind == "demo" else yesterday(config)
        for source in make_sources(config, platform):
            stream = connector_streams(platform)[0]
            try:
                extract = source.pull(stream, Window(day, day))
            except SourceError as exc:
                failures += 1
                err.print(f"[red]✗[/red] {platform} ({kind}): {exc}")
                continue
            zone = extract.metadata.get("time_zone", "")
            currency = extract.metadata.get("currency_code", "")
            console.print(f"[green]✓[/green] {platform} ({kind}) {extract.scope}: "
                          f"{len(extract.frame)} rows for {day}"
                          + (f", {currency}, {zone}" if currency or zone else ""))
    failures += _check_entities(config)
    raise typer.Exit(1 if failures else 0)


def _check_entities(config: Config) -> int:
    """Read what the CRM and the e-mail tool changed in the last day (nothing is stored);
    the number that failed."""
    from pipelines.privacy import PseudonymKeyError
    from pipelines.sources.crm.file import CrmFileError
    from pipelines.sources.crm.sources import make_crm_source
    from pipelines.sources.crm.streams import CRM_STREAMS
    from pipelines.sources.email.factory import make_email_source

    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    crm, email = make_crm_source(config), make_email_source(config)
    checks = [("crm", config.sources.crm.kind, crm,
               lambda: crm.pull(CRM_STREAMS["crm_contacts"], since)),
              ("email", config.sources.email.kind, email, lambda: email.pull(since))]
    failures = 0
    for name, kind, source, pull in checks:
        if source is None:
            continue
        try:
            frame = pull()
        except (SourceError, CrmFileError, PseudonymKeyError) as exc:
            failures += 1
            err.print(f"[red]✗[/red] {name} ({kind}): {exc}")
            continue
        console.print(f"[green]✓[/green] {name} ({kind}): {len(frame)} records read "
                      f"(changed since {since:%Y-%m-%d %H:%M} UTC, less the re-read window)")
    return failures


def check_config(paths: Paths) -> None:
    """Validate the configuration file and summarise it."""
    config = _load(paths)
    console.print(f"[green]OK[/green] {paths.config}")
    console.print(f"history from {config.history_start}; reporting in "
                  f"{config.reporting.currency}, {config.reporting.time_zone}; "
                  f"sources: Google Ads={config.sources.google_ads.kind}, "
                  f"GA4={config.sources.ga4.kind}, Meta Ads={config.sources.meta_ads.kind}, "
                  f"experiments="
                  f"{config.sources.experiments.kind}; {len(config.targets)} targets, "
                  f"{len(config.experiments)} experiments")
    console.print(f"warehouse: {describe(config.engine, paths.data_dir)}")
    for found in advice(config):
        console.print(f"[yellow]Warning[/yellow] {'.'.join(map(str, found.loc))}: "
                      f"{escape(found.message)}", soft_wrap=True)


def experiments(paths: Paths, lang: str) -> None:
    """Say what the last run concluded about each experiment, in ``lang``."""
    _check_lang(lang)
    engine = _load(paths).engine
    exists = engine.name != "duckdb" or paths.warehouse.exists()
    try:
        con = open_warehouse(engine, paths.data_dir, read_only=True) if exists else None
    except WarehouseError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    if con is None or RESULTS_TABLE not in con.list_tables():
        err.print(f"[red]No experiment results in {describe(engine, paths.data_dir)}[/red]: "
                  "run campaign-kpi "
                  "demo or campaign-kpi run --date first")
        raise typer.Exit(1)
    results = con.execute(con.table(RESULTS_TABLE))
    effects = (con.execute(con.table(EFFECTS_TABLE))
               if EFFECTS_TABLE in con.list_tables() else None)
    if results.empty:
        console.print("No experiment has started (or none is configured).")
        return
    for exp_id, rows in results.groupby("experiment_id", sort=False):
        first = rows.iloc[0]
        console.print(f"[bold]{escape(str(first['experiment_name']))}[/bold] ({escape(exp_id)}, "
                      f"{first['status']}, as of {first['as_of']:%Y-%m-%d})")
        sentences = summary(rows.to_dict("records"), lang)
        for sentence in sentences:
            console.print(f"  • {escape(sentence)}")
        mine = (effects[effects["experiment_id"] == exp_id] if effects is not None
                and "experiment_id" in effects else [])
        for sentence in (mine[f"sentence_{lang}"] if len(mine) else []):
            console.print(f"  ◦ {escape(sentence)}")


def _cutoff(older_than: str | None, config: Config, config_path: Path) -> dt.date:
    """The day before which everything goes: ``--older-than``, else privacy.retention_days."""
    today = retention.today_in(config.reporting.time_zone)
    if older_than is None:
        days = config.privacy.retention_days
        if days is None:
            err.print("[red]Nothing says how long to keep data:[/red] give --older-than (400d or "
                      f"a date like 2025-01-01), or set privacy.retention_days in "
                      f"{escape(str(config_path))}")
            raise typer.Exit(2)
        return today - dt.timedelta(days=days)
    try:
        cutoff = retention.parse_older_than(older_than, today)
        retention.check_cutoff(cutoff, today)
    except ValueError as exc:
        err.print(f"--older-than: {escape(str(exc))}")
        raise typer.Exit(2) from None
    return cutoff


def _purged(summary: retention.PurgeSummary, where: str, output: Path) -> None:
    """Rows per dated table, the tables kept whole, the report folders."""
    verb = "to delete" if summary.dry_run else "deleted"
    table = Table(title=f"Rows dated before {summary.cutoff} in {escape(where)}")
    table.add_column("table")
    table.add_column("dated by")
    table.add_column(f"rows {verb}", justify="right")
    for t in summary.tables:
        table.add_row(t.table, t.column, f"{t.rows:,}")
    table.add_row("[bold]total[/bold]", "", f"[bold]{summary.total_rows:,}[/bold]")
    console.print(table)
    console.print(f"Kept whole (no dated rows): {', '.join(name for name, _ in summary.kept)}")
    reports = output / retention.REPORTS_FOLDER
    folders = sorted({"/".join(parts[:2] if parts[0] == retention.CAMPAIGNS_FOLDER else parts[:1])
                      for parts in (p.relative_to(reports).parts for p in summary.files)})
    files = f"{len(summary.files)} file" + ("" if len(summary.files) == 1 else "s")
    console.print(f"Reports {verb}: " + (
        f"{', '.join(folders)} ({files}) in {escape(str(reports))}" if folders else "none"))
    if summary.dry_run:
        console.print("[yellow]Dry run:[/yellow] nothing was deleted.")


def _open_existing(paths: Paths, config: Config, missing: str, read_only: bool):
    """The warehouse, opened; exit 1 saying ``missing`` when a DuckDB file is not there yet,
    or why it cannot be opened (held by another process, ...)."""
    if config.engine.name == "duckdb" and not paths.warehouse.exists():
        where = describe(config.engine, paths.data_dir)
        err.print(f"[red]No warehouse at {escape(where)}[/red]: {missing}")
        raise typer.Exit(1)
    try:
        return open_warehouse(config.engine, paths.data_dir, read_only=read_only)
    except WarehouseError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None


def purge(paths: Paths, older_than: str | None, dry_run: bool) -> None:
    """Delete every row dated before the cutoff, and the reports of those days (weekly,
    monthly, post-campaign)."""
    config = _load(paths)
    cutoff = _cutoff(older_than, config, paths.config)
    where = describe(config.engine, paths.data_dir)
    con = _open_existing(paths, config, "nothing to purge", read_only=dry_run)
    try:
        summary = retention.purge(con, cutoff, paths.output, CATALOG, dry_run=dry_run)
    except retention.RetentionError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    finally:
        con.disconnect()
    _purged(summary, where, paths.output)


EXPORTED = ("kpi_values", "campaign_daily", "budget_pacing", "recommendations",
            "clv_by_acquisition", "clv_cohorts", "experiment_results")  # what analysts ask for


def export(paths: Paths, tables: list[str], file_format: str, out: Path | None) -> None:
    """Warehouse tables as CSV or Parquet files (:mod:`pipelines.warehouse.export`)."""
    config = _load(paths)
    if file_format not in export_files.FORMATS:
        err.print(f"[red]--format {escape(file_format)}[/red]: choose csv or parquet")
        raise typer.Exit(2)
    con = _open_existing(paths, config, "run campaign-kpi demo or run first", read_only=True)
    try:
        present = con.list_tables()
        wanted = tables or [t for t in EXPORTED if t in present]
        try:
            chosen = export_files.pick_tables(wanted, present)
        except ValueError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from None
        folder = out or paths.output / "export"
        done = export_files.export_tables(con, chosen, folder, file_format,  # type: ignore[arg-type]
                                          CATALOG.keys)
    finally:
        con.disconnect()
    table = Table("table", "rows", "file", box=None)
    for e in done:
        table.add_row(e.table, f"{e.rows:,}", escape(str(e.path)))
    console.print(table)
