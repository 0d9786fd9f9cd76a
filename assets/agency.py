"""``campaign-kpi agency run | demo``: every client's ordinary night in turn, then the agency
overview.

Each client runs exactly what ``campaign-kpi run`` (or ``demo``) runs for a single account, in
its own Dagster run, on its own data folder ``<data dir>/clients/<id>/`` (warehouse, pages and
reports, resolved configuration, run history), so purge, retention and pages work per client
as they do for one account. A client that fails is reported in one line and the others go on;
the agency overview (``<data dir>/agency/overview.<lang>.html``) then reads every client's
warehouse read-only.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assets.runner import (
    RESOLVED_CONFIG,
    check_descriptions,
    failed_checks,
    failure_reason,
    run_nightly,
    run_weekly_report,
)
from assets.settings import REPO_DATA, Paths
from dashboards.agency import ClientNight, ClientSummary, Risk, summarise, write_agency
from dashboards.page import write_page
from kpi.budget.catalog import PACING_TABLE
from kpi.language import LANGUAGES
from kpi.nowcast_tables import NOWCAST_TABLE
from kpi.rollup import VALUES_ORDER, VALUES_TABLE
from kpi.weekly import IsoWeek
from pipelines.agency_config import Agency, AgencyConfigError, Client, load_agency
from pipelines.config import Config, ConfigError, load_config
from pipelines.engine_config import Engine
from pipelines.sources.factory import demo_end, forget_demo_sources
from pipelines.warehouse import disk
from pipelines.warehouse.engines import DUCKDB_FILE, open_warehouse
from pipelines.warehouse.store import WarehouseError

AGENCY_ENV = "CAMPAIGN_KPI_AGENCY"
EXAMPLE_AGENCY = REPO_DATA / "agency.example.yaml"
CLIENTS_FOLDER = "clients"  # <data dir>/clients/<id>/: one client's whole data folder
AGENCY_FOLDER = "agency"  # <data dir>/agency/: the agency overview
OVERVIEW = "overview"


def resolve_agency(path: Path | str | None, data_dir: Path) -> Path:
    """The agency file: an explicit path, then ``$CAMPAIGN_KPI_AGENCY``, then
    ``<data dir>/agency.yaml``, then the sample agency in the repository's data folder."""
    chosen = path or os.environ.get(AGENCY_ENV)
    if chosen is None:
        local = data_dir / "agency.yaml"
        chosen = local if local.exists() else EXAMPLE_AGENCY
    return Path(chosen).resolve()


def client_paths(data_dir: Path, client: Client) -> Paths:
    """A client's own data folder and its configuration file."""
    return Paths(data_dir / CLIENTS_FOLDER / client.id, client.config)


@dataclass(frozen=True)
class Demo:
    """``agency demo``: each client's demo account over its history (overrides for all)."""

    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class ClientRun:
    """One client's night: how it went, the configuration it ran with (None when it could not
    be read), its folders, how long it took and the weekly report it wrote."""

    night: ClientNight
    config: Config | None
    paths: Paths
    seconds: float
    report: str | None = None


class _Refused(Exception):
    """A client that cannot run as asked (its message says why)."""


def _as_demo(config: Config, demo: Demo) -> Config:
    """The configuration as ``campaign-kpi demo`` runs it (its end and start overridden)."""
    options = config.demo.model_copy(update={"end": demo.end} if demo.end else {})
    changed = config.model_copy(update={"demo": options,
                                        "history_start": demo.start or config.history_start})
    return Config.model_validate(changed.model_dump())


def _days(config: Config, day: dt.date | None, demo: Demo | None) -> tuple[dt.date, dt.date]:
    if demo is not None:  # as campaign-kpi demo: the whole history, whatever the sources
        return config.history_start, demo_end(config)
    assert day is not None
    if day < config.history_start:
        raise _Refused(f"--date {day} is before history_start ({config.history_start})")
    return day, day


def _risks(result) -> tuple[Risk, ...]:
    said = check_descriptions(result)
    return tuple(Risk(name, severity, said.get(name, ""))  # type: ignore[arg-type]
                 for severity in ("ERROR", "WARN") for name in failed_checks(result, severity))


def _report_week(last: dt.date, demo: Demo | None) -> IsoWeek | None:
    """The weekly report a night writes: the demo's last complete week; for a nightly run the
    week its day ends (a Sunday), as the Monday-morning schedule does."""
    if demo is not None:
        return IsoWeek.ended_by(last)
    return IsoWeek.ended_by(last) if last.weekday() == 6 else None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (ConfigError, WarehouseError, _Refused)):
        return str(exc)
    if isinstance(exc, OSError):
        return disk.explain(exc)
    return f"{type(exc).__name__}: {exc}"


def run_client(client: Client, data_dir: Path, *, day: dt.date | None = None,
               demo: Demo | None = None, pdf: bool = True,
               on_step: Callable[[str], None] | None = None) -> ClientRun:
    """The night of one client (``day``, or its whole demo history with ``demo``): never
    raises for what goes wrong inside it; the outcome says what did."""
    paths = client_paths(data_dir, client)
    started = time.perf_counter()
    config: Config | None = None
    name = client.name or client.id
    report = None

    def outcome(ok: bool, reason: str | None = None, risks: tuple[Risk, ...] = ()) -> ClientRun:
        night = ClientNight(client.id, name, ok, " ".join((reason or "").split()) or None,
                            risks)
        return ClientRun(night, config, paths, time.perf_counter() - started, report)

    try:
        config = load_config(client.config)
        name = client.name or config.account_name
        if demo is not None:
            config = _as_demo(config, demo)
        first, last = _days(config, day, demo)
        quiet = on_step if on_step is not None else (lambda _step: None)  # the log keeps all
        result = run_nightly(paths, config, first, last, on_step=quiet)
        if not result.success:
            return outcome(False, failure_reason(result) or "the run failed (see its log)",
                           _risks(result))
        risks = _risks(result)
        week = _report_week(last, demo)
        if week is not None:
            used = Paths(paths.data_dir, paths.data_dir / RESOLVED_CONFIG)
            written = run_weekly_report(used, config, week, pdf=pdf)
            if not written.success:
                said = failure_reason(written) or "no reason was recorded"
                return outcome(False, f"weekly report {week.label}: {said}", risks)
            report = week.label
        return outcome(True, None, risks)
    except Exception as exc:  # one client's failure, whatever it is, must not stop the others
        return outcome(False, _reason(exc))


def run_agency(agency: Agency, data_dir: Path, *, day: dt.date | None = None,
               demo: Demo | None = None, pdf: bool = True,
               on_client: Callable[[Client], Callable[[str], None] | None] | None = None,
               done: Callable[[ClientRun], None] | None = None) -> tuple[ClientRun, ...]:
    """Every client's night in the agency file's order (``on_client`` gives each its step
    callback; ``done`` hears of each outcome as it comes)."""
    runs = []
    for client in agency.clients:
        step = on_client(client) if on_client is not None else None
        run = run_client(client, data_dir, day=day, demo=demo, pdf=pdf, on_step=step)
        forget_demo_sources()  # each client's simulation is its own: none is kept for the next
        runs.append(run)
        if done is not None:
            done(run)
    return tuple(runs)


# --- the agency overview -------------------------------------------------------------------------

def _engine_of(run: ClientRun) -> Engine:
    """The client's engine: from its configuration, else from the last run that could read it
    (its resolved copy), else the default DuckDB file."""
    if run.config is not None:
        return run.config.engine
    try:
        return load_config(run.paths.data_dir / RESOLVED_CONFIG).engine
    except ConfigError:
        return Engine()


def _frames(run: ClientRun) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """The client's week × total KPI values, total-level nowcasts and pacing, read-only
    (empty when there is no warehouse yet)."""
    engine = _engine_of(run)
    if engine.name == "duckdb" and not (run.paths.data_dir / DUCKDB_FILE).exists():
        return pd.DataFrame(), None, pd.DataFrame()
    # A run's connections to the file may still wait for the garbage collector (a failed step's
    # traceback holds them): DuckDB refuses a read-only connection beside them.
    gc.collect()
    con = open_warehouse(engine, run.paths.data_dir, read_only=True)
    try:
        tables = set(con.list_tables())

        def read(name: str, keep=None) -> pd.DataFrame:
            if name not in tables:
                return pd.DataFrame()
            table = con.table(name)
            return con.execute(table.filter(keep(table)) if keep is not None else table)

        values = read(VALUES_TABLE, lambda t: (t.grain == "week") & (t.level == "total"))
        if not values.empty:
            values = values.sort_values(list(VALUES_ORDER), ignore_index=True)
        nowcast = read(NOWCAST_TABLE, lambda t: t.level == "total")
        return values, (nowcast if not nowcast.empty else None), read(PACING_TABLE)
    finally:
        con.disconnect()


def client_summary(run: ClientRun, agency_dir: Path) -> ClientSummary:
    """One client's row of the agency overview, from its own warehouse."""
    night = run.night
    out = run.paths.output
    if (out / f"{OVERVIEW}.en.html").exists():
        link = Path(os.path.relpath(out, agency_dir)).as_posix() + "/"
        night = ClientNight(night.id, night.name, night.ok, night.reason, night.risks, link)
    currency = run.config.reporting.currency if run.config is not None else "EUR"
    compare = run.config.reporting.compare_recent if run.config is not None else "nowcast"
    try:
        values, nowcast, pacing = _frames(run)
    except Exception as exc:  # one unreadable warehouse must not stop the agency's page
        unread = Risk("warehouse", "ERROR", f"cannot read the warehouse: {_reason(exc)}")
        night = ClientNight(night.id, night.name, night.ok, night.reason,
                            (*night.risks, unread), night.link)
        values, nowcast, pacing = pd.DataFrame(), None, pd.DataFrame()
    return summarise(night, values, nowcast, pacing, currency=currency, compare=compare)


def write_agency_overview(agency: Agency, runs: Sequence[ClientRun], data_dir: Path,
                   generated_at: dt.datetime | None = None) -> Path:
    """``<data dir>/agency/overview.<lang>.html`` for every language, and ``overview.html``
    in the agency's language; the path of that one."""
    folder = data_dir / AGENCY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    summaries = [client_summary(run, folder) for run in runs]
    for lang in LANGUAGES:
        write_agency(folder / f"{OVERVIEW}.{lang}.html", summaries, lang=lang,
                     agency=agency.name, generated_at=generated_at)
    chosen = folder / f"{OVERVIEW}.{agency.language}.html"
    return write_page(folder / f"{OVERVIEW}.html", chosen.read_text(encoding="utf-8"))


# --- the command ---------------------------------------------------------------------------------

def _said(run: ClientRun) -> str:
    n = len(run.night.risks)
    return f"{n} warning" + ("" if n == 1 else "s") if n else ""


def _line(console: Console, err: Console, run: ClientRun) -> None:
    """One line per client as it finishes: ✓ with its time, or ✗ and why."""
    night = run.night
    who = f"{escape(night.id)} ({escape(night.name)})"
    if night.ok:
        extra = f", {_said(run)}" if run.night.risks else ""
        console.print(f"[green]✓[/green] {who} {run.seconds:.1f} s{extra}", soft_wrap=True)
    else:
        err.print(f"[red]✗[/red] {who}: {escape(night.reason or 'failed')}", soft_wrap=True)


def _table(runs: Sequence[ClientRun]) -> Table:
    table = Table(title="Clients")
    for column, justify in (("client", "left"), ("night", "left"), ("took", "right"),
                            ("risks", "right"), ("weekly report", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for run in runs:
        table.add_row(escape(run.night.id),
                      "[green]ok[/green]" if run.night.ok else "[red]failed[/red]",
                      f"{run.seconds:.1f} s", str(len(run.night.risks)), run.report or "")
    return table


def command(agency: Agency, data_dir: Path, *, day: dt.date | None = None,
            demo: Demo | None = None, console: Console, err: Console) -> int:
    """Run every client, print a line per client and the summary table, write the overview;
    the exit code: 1 when any client failed, else 0."""
    started = time.perf_counter()
    with console.status("starting", spinner="dots") as status:
        def on_client(client: Client) -> Callable[[str], None]:
            status.update(f"[bold]{escape(client.id)}[/bold] starting")
            return lambda step: status.update(f"[bold]{escape(client.id)}[/bold] running {step}")

        runs = run_agency(agency, data_dir, day=day, demo=demo, on_client=on_client,
                          done=lambda run: _line(console, err, run))
        status.update("writing the agency overview")
        page = write_agency_overview(agency, runs, data_dir,
                              generated_at=dt.datetime.now(dt.UTC))
    console.print(_table(runs))
    failed = [run for run in runs if not run.night.ok]
    console.print(f"Client folders  {data_dir / CLIENTS_FOLDER}/<id>/")
    console.print(f"Agency overview  {page}")
    console.print(f"{len(runs) - len(failed)} of {len(runs)} clients ran; took "
                  f"{time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


def _load_agency(data_dir: Path, path: Path | None, err: Console) -> Agency:
    try:
        return load_agency(resolve_agency(path, data_dir))
    except AgencyConfigError as exc:
        err.print(f"[red]Agency file error[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


def run(data_dir: Path, agency_file: Path | None, day: dt.date) -> None:
    """``campaign-kpi agency run --date``: every client's nightly job for ``day``."""
    from assets.commands import console, err

    agency = _load_agency(data_dir, agency_file, err)
    raise typer.Exit(command(agency, data_dir, day=day, console=console, err=err))


def demo(data_dir: Path, agency_file: Path | None, start: dt.date | None,
         end: dt.date | None) -> None:
    """``campaign-kpi agency demo``: every client's demo account over its history."""
    from assets.commands import console, err

    agency = _load_agency(data_dir, agency_file, err)
    raise typer.Exit(command(agency, data_dir, demo=Demo(start, end), console=console, err=err))
