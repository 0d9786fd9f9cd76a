"""``campaign-kpi``: run the pipeline from a terminal, in process, without a Dagster daemon."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import dagster as dg
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assets.report import report_paths
from assets.runner import (
    RESOLVED_CONFIG,
    check_descriptions,
    failed_checks,
    failure_reason,
    run_nightly,
    run_weekly_report,
)
from assets.settings import Paths, resolve_paths
from experiments.wording import LANGS, summary
from kpi.weekly import IsoWeek
from pipelines import retention
from pipelines.config import Config, ConfigError, load_config
from pipelines.sources.base import Window
from pipelines.sources.factory import PLATFORMS, demo_end, make_sources, yesterday
from pipelines.sources.retry import SourceError
from pipelines.sources.streams import streams_of
from pipelines.warehouse import disk
from pipelines.warehouse.engines import describe, open_warehouse
from pipelines.warehouse.store import WarehouseError

app = typer.Typer(
    help="Campaign KPIs from GA4 and Google Ads: pull, model, KPIs, dashboards.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True, soft_wrap=True)  # messages keep paths whole (no wrapping)
RUN_LOG_HINT = "make dev (or dagster dev with DAGSTER_HOME=<data dir>/dagster_home), then Runs"

DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder for the warehouse and outputs [default: ./data of the repo, or "
    "$CAMPAIGN_KPI_DATA_DIR].", file_okay=False)]
ConfigPath = Annotated[Path | None, typer.Option(
    "--config", help="YAML configuration [default: $CAMPAIGN_KPI_CONFIG, else "
    "<data dir>/campaign-kpi.yaml, else the sample configuration].", dir_okay=False)]


def _load(paths: Paths) -> Config:
    try:
        return load_config(paths.config)
    except ConfigError as exc:
        err.print(f"[red]Configuration error[/red] {exc}")
        raise typer.Exit(2) from None


def _execute(paths: Paths, config: Config, first: dt.date,
             last: dt.date) -> dg.ExecuteInProcessResult:
    with console.status("starting", spinner="dots") as status:
        return run_nightly(paths, config, first, last,
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
    console.print(f"Took {seconds:.1f} s")


def _weekly_report(paths: Paths, config: Config, week: IsoWeek,
                   languages: tuple[str, ...] | None = None) -> None:
    """Write the weekly report of ``week``; print where, or why not."""
    try:
        with console.status(f"writing the weekly report for {week.label}", spinner="dots"):
            result = run_weekly_report(paths, config, week, languages)
    except (ValueError, WarehouseError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    if not result.success:
        reason = failure_reason(result) or "see the log above"
        err.print(f"[red]No weekly report for {week.label}.[/red] {escape(reason)}")
        raise typer.Exit(1)
    metadata = {}
    for event in result.get_asset_materialization_events():
        metadata.update(event.event_specific_data.materialization.metadata)
    for lang in languages or LANGS:
        html, pdf = report_paths(paths.output, week, lang)
        console.print(f"Report {week.label} ({lang})  {html}")
        if f"pdf_{lang}" in metadata:
            console.print(f"Report {week.label} ({lang})  {pdf}")
    if "pdf" in metadata:
        console.print(f"[yellow]PDF[/yellow] {escape(metadata['pdf'].value)}")


def _run(paths: Paths, config: Config, first: dt.date, last: dt.date) -> None:
    started = time.perf_counter()
    try:
        result = _execute(paths, config, first, last)
    except (WarehouseError, ConfigError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    except OSError as exc:  # the data folder or the run history refused a write
        err.print("[red]The run stopped; every table keeps its last good data.[/red] "
                  f"{escape(disk.explain(exc))}")
        raise typer.Exit(1) from None
    if not result.success:
        reason = failure_reason(result) or "no reason was recorded"
        err.print("[red]The run failed; every table keeps its last good data.[/red] "
                  f"{escape(reason)}\nThe run's full log: {RUN_LOG_HINT}")
        raise typer.Exit(1)
    _report(result, paths, config, time.perf_counter() - started)


@app.command()
def demo(
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
    start: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"],
                     help="First day of demo data [default: history_start].")] = None,
    end: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"],
                   help="Last day of demo data [default: yesterday].")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed of the demo account.")] = None,
) -> None:
    """Generate the offline demo account and run the whole pipeline over its history."""
    paths = resolve_paths(data_dir, config_path)
    config = _load(paths)
    demo_options = config.demo.model_copy(update={
        k: v for k, v in {"end": end.date() if end else None, "seed": seed}.items()
        if v is not None})
    config = config.model_copy(update={
        "demo": demo_options,
        "history_start": start.date() if start else config.history_start,
    })
    config = Config.model_validate(config.model_dump())
    last = demo_end(config)
    console.print(f"Demo account {config.account_name!r}: {config.history_start} to {last}")
    _run(paths, config, config.history_start, last)
    used = Paths(paths.data_dir, paths.data_dir / RESOLVED_CONFIG)  # what the demo ran with
    _weekly_report(used, config, IsoWeek.ended_by(last))


@app.command()
def run(
    date: Annotated[dt.datetime, typer.Option("--date", formats=["%Y-%m-%d"],
                    help="The day to process (what the nightly schedule does for yesterday).")],
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
) -> None:
    """Run the nightly job for one day: re-pull its restatement windows, rebuild KPIs and
    dashboards."""
    paths = resolve_paths(data_dir, config_path)
    config = _load(paths)
    day = date.date()
    if day < config.history_start:
        err.print(f"--date {day} is before history_start ({config.history_start})")
        raise typer.Exit(2)
    _run(paths, config, day, day)


@app.command()
def report(
    week: Annotated[str | None, typer.Option(
        help="ISO week, e.g. 2026-W47 [default: the last week that has ended].")] = None,
    lang: Annotated[str | None, typer.Option(
        help="nl, fr or en [default: all three].")] = None,
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
) -> None:
    """Write the weekly KPI report (HTML for mail, and a PDF) from the warehouse as it is."""
    if lang is not None and lang not in LANGS:
        err.print(f"--lang {lang!r}: choose one of {', '.join(LANGS)}")
        raise typer.Exit(2)
    paths = resolve_paths(data_dir, config_path)
    config = _load(paths)
    try:
        chosen = IsoWeek.parse(week) if week else IsoWeek.ended_by(yesterday(config))
    except ValueError as exc:
        err.print(f"--week: {exc}")
        raise typer.Exit(2) from None
    if config.engine.name == "duckdb" and not paths.warehouse.exists():
        err.print(f"[red]No warehouse at {paths.warehouse}[/red]: run campaign-kpi demo or "
                  "campaign-kpi run --date first")
        raise typer.Exit(1)
    _weekly_report(paths, config, chosen, (lang,) if lang else None)


@app.command("check-connection")
def check_connection(config_path: ConfigPath = None, data_dir: DataDir = None) -> None:
    """Verify access to every configured source (a one-day pull, nothing is stored)."""
    paths = resolve_paths(data_dir, config_path)
    config = _load(paths)
    failures = 0
    for platform in PLATFORMS:
        kind = getattr(config.sources, platform).kind
        day = demo_end(config) if kind == "demo" else yesterday(config)
        for source in make_sources(config, platform):
            stream = streams_of(platform)[0]
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
    raise typer.Exit(1 if failures else 0)


@app.command("check-config")
def check_config(config_path: ConfigPath = None, data_dir: DataDir = None) -> None:
    """Validate the configuration file and show what it says."""
    paths = resolve_paths(data_dir, config_path)
    config = _load(paths)
    console.print(f"[green]OK[/green] {paths.config}")
    console.print(f"history from {config.history_start}; reporting in "
                  f"{config.reporting.currency}, {config.reporting.time_zone}; "
                  f"sources: Google Ads={config.sources.google_ads.kind}, "
                  f"GA4={config.sources.ga4.kind}, experiments="
                  f"{config.sources.experiments.kind}; {len(config.targets)} targets, "
                  f"{len(config.experiments)} experiments")
    console.print(f"warehouse: {describe(config.engine, paths.data_dir)}")


@app.command()
def experiments(
    lang: Annotated[str, typer.Option(help="Language of the sentences: nl, fr or en.")] = "en",
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
) -> None:
    """Show what the last run concluded about each experiment, in words."""
    if lang not in LANGS:
        err.print(f"--lang {lang!r}: choose one of {', '.join(LANGS)}")
        raise typer.Exit(2)
    paths = resolve_paths(data_dir, config_path)
    engine = _load(paths).engine
    exists = engine.name != "duckdb" or paths.warehouse.exists()
    try:
        con = open_warehouse(engine, paths.data_dir, read_only=True) if exists else None
    except WarehouseError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    if con is None or "experiment_results" not in con.list_tables():
        err.print(f"[red]No experiment results in {describe(engine, paths.data_dir)}[/red]: "
                  "run campaign-kpi "
                  "demo or campaign-kpi run --date first")
        raise typer.Exit(1)
    results = con.execute(con.table("experiment_results"))
    effects = (con.execute(con.table("experiment_effects"))
               if "experiment_effects" in con.list_tables() else None)
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
    weeks = sorted({p.relative_to(reports).parts[0] for p in summary.files})
    files = f"{len(summary.files)} file" + ("" if len(summary.files) == 1 else "s")
    console.print(f"Weekly reports {verb}: " + (
        f"{', '.join(weeks)} ({files}) in {escape(str(reports))}" if weeks else "none"))
    if summary.dry_run:
        console.print("[yellow]Dry run:[/yellow] nothing was deleted.")


@app.command()
def purge(
    older_than: Annotated[str | None, typer.Option(
        "--older-than", help="Delete what is dated before this: a number of days like 400d, or "
        "a date like 2025-01-01 (default: privacy.retention_days of the configuration).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Count what would be deleted; change nothing.")] = False,
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
) -> None:
    """Delete every row dated before a cutoff from every table of the warehouse, and the weekly
    reports of those weeks (retention of personal data; see the README)."""
    paths = resolve_paths(data_dir, config_path)
    config = _load(paths)
    cutoff = _cutoff(older_than, config, paths.config)
    where = describe(config.engine, paths.data_dir)
    if config.engine.name == "duckdb" and not paths.warehouse.exists():
        err.print(f"[red]No warehouse at {escape(where)}[/red]: nothing to purge")
        raise typer.Exit(1)
    try:
        con = open_warehouse(config.engine, paths.data_dir, read_only=dry_run)
    except WarehouseError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    try:
        summary = retention.purge(con, cutoff, paths.output, dry_run=dry_run)
    except retention.RetentionError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    finally:
        con.disconnect()
    _purged(summary, where, paths.output)
