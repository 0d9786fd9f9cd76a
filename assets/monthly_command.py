"""``campaign-kpi report --month 2026-11``: the monthly steering report written from the
warehouse as it is (and delivered with ``--send``), like ``--week`` for the weekly one."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import typer
from rich.markup import escape

from assets.commands import (
    RUN_LOG_HINT,
    _check_lang,
    _delivered,
    _load,
    _warnings_line,
    console,
    err,
)
from assets.definitions import build_definitions
from assets.delivery import DeliveryConfig
from assets.monthly_report import (
    MONTHLY_ASSET,
    MONTHLY_DELIVERY_ASSET,
    MONTHLY_JOB,
    month_of,
    monthly_partitions,
    monthly_paths,
)
from assets.report import ReportConfig
from assets.resources import resources_for
from assets.runner import _execute, failure_reason
from assets.settings import Paths
from kpi.language import LANGUAGES
from pipelines.config import Config
from pipelines.months import CalendarMonth
from pipelines.sources.factory import yesterday
from pipelines.warehouse.store import WarehouseError


def run_monthly_report(paths: Paths, config: Config, month: CalendarMonth,
                       languages: tuple[str, ...] | None = None, pdf: bool = True,
                       instance: dg.DagsterInstance | None = None, send: bool = False,
                       resend: bool = False) -> dg.ExecuteInProcessResult:
    """Materialise the monthly report of ``month`` (every language unless ``languages``), and
    with ``send`` deliver it; ValueError naming the months there are when ``month`` is not
    one of them."""
    keys = monthly_partitions(config).get_partition_keys()
    if month.start.isoformat() not in keys:
        span = f"{month_of(keys[0]).label} to {month_of(keys[-1]).label}" if keys else "none yet"
        raise ValueError(f"no monthly report for {month.label}: the months are {span}")
    job = build_definitions(config, resources_for(paths, from_env=False)).resolve_job_def(
        MONTHLY_JOB)
    chosen = ReportConfig(pdf=pdf, **({"languages": list(languages)} if languages else {}))
    send = send or resend
    ops = {MONTHLY_ASSET: {"config": chosen.model_dump()}}
    if send:
        ops[MONTHLY_DELIVERY_ASSET] = {
            "config": DeliveryConfig(send=True, resend=resend).model_dump()}
    run_config = {"ops": ops, "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    return _execute(job, paths, instance, run_config=run_config,
                    asset_selection=None if send else [dg.AssetKey(MONTHLY_ASSET)],
                    partition_key=month.start.isoformat())


def report(paths: Paths, month: str | None, lang: str | None, send: bool = False,
           resend: bool = False) -> None:
    """Write the monthly report of ``month`` (default: the last month that has ended), and
    with ``send`` deliver it; print where, or why not."""
    _check_lang(lang)
    config = _load(paths)
    if send and config.delivery is None:
        err.print(f"[red]--send:[/red] {escape(str(paths.config))} has no delivery section: "
                  "see the README, Delivery")
        raise typer.Exit(2)
    try:
        chosen = (CalendarMonth.parse(month) if month
                  else CalendarMonth.ended_by(yesterday(config)))
    except ValueError as exc:
        err.print(f"--month: {exc}")
        raise typer.Exit(2) from None
    if config.engine.name == "duckdb" and not paths.warehouse.exists():
        err.print(f"[red]No warehouse at {paths.warehouse}[/red]: run campaign-kpi demo or "
                  "campaign-kpi run --date first")
        raise typer.Exit(1)
    _write(paths, config, chosen, (lang,) if lang else None, send, resend)


def for_demo(paths: Paths, config: Config, last: dt.date) -> None:
    """``campaign-kpi demo``'s monthly report: the last month that ended by ``last``, or a
    line saying the history holds no whole month yet."""
    month = CalendarMonth.ended_by(last)
    if month.start.isoformat() not in monthly_partitions(config).get_partition_keys():
        console.print("Monthly report  none yet: the demo's history holds no whole month")
        return
    _write(paths, config, month, None, False, False)


def _write(paths: Paths, config: Config, chosen: CalendarMonth,
           languages: tuple[str, ...] | None, send: bool, resend: bool) -> None:
    """Write (and with ``send`` deliver) the report of ``chosen``; print where, or why not."""
    try:
        with console.status(f"writing the monthly report for {chosen.label}", spinner="dots"):
            result = run_monthly_report(paths, config, chosen, languages, send=send,
                                        resend=resend)
    except (ValueError, WarehouseError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from None
    _warnings_line(paths, result)
    events = result.get_asset_materialization_events()
    if not result.success and not any(e.asset_key == dg.AssetKey(MONTHLY_ASSET)
                                      for e in events):
        reason = failure_reason(result) or f"no reason was recorded; see {RUN_LOG_HINT}"
        err.print(f"[red]No monthly report for {chosen.label}.[/red] {escape(reason)}")
        raise typer.Exit(1)
    metadata: dict = {}
    for event in events:
        metadata.update(event.event_specific_data.materialization.metadata)
    for code in languages or LANGUAGES:
        html, pdf = monthly_paths(paths.output, chosen, code)
        console.print(f"Monthly report {chosen.label} ({code})  {html}")
        if f"pdf_{code}" in metadata:
            console.print(f"Monthly report {chosen.label} ({code})  {pdf}")
    if "pdf" in metadata:
        console.print(f"[yellow]PDF[/yellow] {escape(metadata['pdf'].value)}")
    if send:
        _delivered(result, metadata)
