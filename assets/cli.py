"""``campaign-kpi``: run the pipeline from a terminal, in process, without a Dagster daemon.

This module only declares the commands and their options; each command imports
:mod:`assets.commands` (Dagster, Ibis, pandas) when it runs, so ``--help`` answers at once.
Each paragraph of a command's docstring is one line: the help shows its line breaks as written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from assets.settings import resolve_paths


class _NoFlagType:
    """A flag takes no value: show no ``<bool>`` type beside it in ``--help``."""

    def get_params(self, ctx):  # click's signature
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params


class _Group(_NoFlagType, typer.core.TyperGroup):
    pass


class _Command(_NoFlagType, typer.core.TyperCommand):
    pass


app = typer.Typer(
    cls=_Group,
    help="Campaign KPIs from GA4 and Google Ads: pull, model, KPIs, dashboards.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

# "\[" is a literal "[" in rich markup: a bare "[default: ...]" would be read as a style tag.
DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder for the warehouse, the outputs and the run history. \\[default: "
    "$CAMPAIGN_KPI_DATA_DIR, else the data folder of the repository]", file_okay=False)]
ConfigPath = Annotated[Path | None, typer.Option(
    "--config", help="The YAML configuration. \\[default: $CAMPAIGN_KPI_CONFIG, else "
    "<data dir>/campaign-kpi.yaml, else the sample configuration]", dir_okay=False)]
DAY = "<YYYY-MM-DD>"  # shown instead of the datetime format


@app.command(cls=_Command)
def demo(
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
    start: Annotated[dt.datetime | None, typer.Option(
        formats=["%Y-%m-%d"], metavar=DAY,
        help="First day of demo data. \\[default: history_start of the configuration]")] = None,
    end: Annotated[dt.datetime | None, typer.Option(
        formats=["%Y-%m-%d"], metavar=DAY,
        help="Last day of demo data. \\[default: demo.end of the configuration, else "
        "yesterday]")] = None,
    seed: Annotated[int | None, typer.Option(
        help="Random seed of the demo account. \\[default: demo.seed of the configuration, "
        "else 7]")] = None,
) -> None:
    """Generate the offline demo account and run the whole pipeline over its history."""
    from assets import commands

    commands.demo(resolve_paths(data_dir, config_path), start.date() if start else None,
                  end.date() if end else None, seed)


@app.command(cls=_Command)
def run(
    date: Annotated[dt.datetime, typer.Option(
        "--date", formats=["%Y-%m-%d"], metavar=DAY,
        help="The day to process (the nightly schedule processes yesterday).")],
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Rebuild the KPI tables from the whole history, not only the periods "
        "that changed.")] = False,
) -> None:
    """Run the nightly job for one day: re-pull its restatement windows, rebuild KPIs and pages.

    What the nightly schedule does; every table keeps its last good data if a step fails.
    """
    from assets import commands

    commands.run(resolve_paths(data_dir, config_path), date.date(), full)


@app.command(cls=_Command)
def report(
    week: Annotated[str | None, typer.Option(
        metavar="<YYYY-Www>",
        help="ISO week, e.g. 2026-W47. \\[default: the last week that has ended]")] = None,
    campaign: Annotated[str | None, typer.Option(
        metavar="<KEY or NAME>", help="Instead: the post-campaign review of one campaign (key "
        "such as gads:2087345005, or exact name) or flight; a running one so far. "
        "\\[default: no review]")] = None,
    month: Annotated[str | None, typer.Option(
        metavar="<YYYY-MM>",
        help="Calendar month, e.g. 2026-11: the monthly steering report instead of the weekly "
        "one (not with --week). \\[default: the weekly report]")] = None,
    lang: Annotated[str | None, typer.Option(
        help="nl, fr or en. \\[default: all three]")] = None,
    send: Annotated[bool, typer.Option(
        "--send", help="Then deliver it as the delivery section says (mail, team chats), "
        "except to whom this week's report already reached.")] = False,
    resend: Annotated[bool, typer.Option(
        "--resend", help="Deliver it to everyone again, even to whom it already "
        "reached (implies --send).")] = False,
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
) -> None:
    """Write the weekly KPI report, the monthly one (--month) or a campaign's review (--campaign).

    Each as HTML for mail and a PDF, from the warehouse as it is.

    With --send, mail it to each recipient in their language and post a summary to the team chats.
    """
    from assets import commands

    paths = resolve_paths(data_dir, config_path)
    if sum(option is not None for option in (week, month, campaign)) > 1:
        typer.echo("--week, --month and --campaign: choose one (the weekly report, the monthly "
                   "report or a campaign's review), e.g. --month 2026-11", err=True)
        raise typer.Exit(2)
    if campaign is not None:
        commands.campaign_report(paths, campaign, lang, send or resend)
        return
    if month is not None:
        from assets import monthly_command

        monthly_command.report(paths, month, lang, send or resend, resend)
        return
    commands.report(paths, week, lang, send or resend, resend)


@app.command("check-connection", cls=_Command)
def check_connection(config_path: ConfigPath = None, data_dir: DataDir = None) -> None:
    """Verify access to every configured source (a one-day pull, nothing is stored)."""
    from assets import commands

    commands.check_connection(resolve_paths(data_dir, config_path))


@app.command("check-config", cls=_Command)
def check_config(config_path: ConfigPath = None, data_dir: DataDir = None) -> None:
    """Validate the configuration file and show what it says."""
    from assets import commands

    commands.check_config(resolve_paths(data_dir, config_path))


@app.command(cls=_Command)
def experiments(
    lang: Annotated[str, typer.Option(help="Language of the sentences: nl, fr or en.")] = "en",
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
) -> None:
    """Show what the last run concluded about each experiment, in words."""
    from assets import commands

    commands.experiments(resolve_paths(data_dir, config_path), lang)


@app.command(cls=_Command)
def purge(
    older_than: Annotated[str | None, typer.Option(
        "--older-than", help="Delete what is dated before this: a number of days like 400d, or "
        "a date like 2025-01-01. \\[default: privacy.retention_days of the "
        "configuration]")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Count what would be deleted; change nothing.")] = False,
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
) -> None:
    """Delete every row dated before a cutoff, and the reports whose figures began before it.

    From every table of the warehouse and from out/reports (retention; see the README).
    """
    from assets import commands

    commands.purge(resolve_paths(data_dir, config_path), older_than, dry_run)


@app.command(cls=_Command)
def export(
    tables: Annotated[list[str] | None, typer.Argument(
        help="Tables to export. \\[default: the KPI, budget, CLV and experiment tables]",
        show_default=False, metavar="TABLE...")] = None,
    file_format: Annotated[str, typer.Option(
        "--format", metavar="csv|parquet", help="csv (UTF-8, comma separated, for Excel and "
        "Looker Studio) or parquet (typed columns, for Power BI, BigQuery or pandas).")] = "csv",
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for the files. \\[default: <data dir>/out/export]",
        file_okay=False)] = None,
    data_dir: DataDir = None,
    config_path: ConfigPath = None,
) -> None:
    """Write warehouse tables as files, one per table, for your own spreadsheets and reports.

    Each file is complete or not written; the warehouse is only read.
    """
    from assets import commands

    commands.export(resolve_paths(data_dir, config_path), tables or [], file_format, out)


agency_app = typer.Typer(
    cls=_Group, no_args_is_help=True, rich_markup_mode="rich",
    help="Run several client accounts listed in an agency file, each kept apart.")
app.add_typer(agency_app, name="agency")
AgencyPath = Annotated[Path | None, typer.Option(
    "--agency", help="The agency file listing the clients. \\[default: $CAMPAIGN_KPI_AGENCY, "
    "else <data dir>/agency.yaml, else the sample agency]", dir_okay=False)]


@agency_app.command("run", cls=_Command)
def agency_run(
    date: Annotated[dt.datetime, typer.Option(
        "--date", formats=["%Y-%m-%d"], metavar=DAY,
        help="The day to process (the nightly schedule processes yesterday).")],
    agency: AgencyPath = None,
    data_dir: DataDir = None,
) -> None:
    """Run every client's nightly job for one day, then write the agency overview.

    Each client has its own data folder; one that fails is reported, the others go on (exit 1).
    """
    from assets import agency as agency_command

    agency_command.run(resolve_paths(data_dir).data_dir, agency, date.date())


@agency_app.command("demo", cls=_Command)
def agency_demo(
    agency: AgencyPath = None,
    data_dir: DataDir = None,
    start: Annotated[dt.datetime | None, typer.Option(
        formats=["%Y-%m-%d"], metavar=DAY,
        help="First day of demo data. \\[default: each client's history_start]")] = None,
    end: Annotated[dt.datetime | None, typer.Option(
        formats=["%Y-%m-%d"], metavar=DAY,
        help="Last day of demo data. \\[default: each client's demo.end, else yesterday]")] = None,
) -> None:
    """Run every client's offline demo account over its history, then the agency overview."""
    from assets import agency as agency_command

    agency_command.demo(resolve_paths(data_dir).data_dir, agency,
                        start.date() if start else None, end.date() if end else None)
