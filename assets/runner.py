"""Run the nightly job in process for one day or a range of days (the CLI and tests use it)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import sqlalchemy.exc
import yaml

from assets import history
from assets.definitions import build_definitions
from assets.delivery import DELIVERY_ASSET, DeliveryConfig
from assets.instance import prepare_home
from assets.jobs import NIGHTLY_JOB
from assets.report import REPORT_ASSET, REPORT_JOB, ReportConfig, week_of, weekly_partitions
from assets.resources import resources_for
from assets.settings import Paths
from assets.warning_log import RunWarning, warnings_in, warnings_to_run_log
from kpi.weekly import IsoWeek
from pipelines.config import Config
from pipelines.warehouse import disk
from pipelines.warehouse.store import connect

if TYPE_CHECKING:
    from dagster._utils.error import SerializableErrorInfo

RESOLVED_CONFIG = ".campaign-kpi.resolved.yaml"  # the configuration a run actually used
DAGSTER_HOME = "dagster_home"  # the CLI's Dagster instance (runs, check results) in the data dir


def write_resolved_config(paths: Paths, config: Config) -> Path:
    """The configuration actually used (with command-line overrides), next to the warehouse."""
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    path = paths.data_dir / RESOLVED_CONFIG
    text = yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    # Readable by its owner only: it may hold what the user put in their own file.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                   encoding="utf-8") as file:
        file.write(text)
    path.chmod(0o600)  # an older copy may have been created with wider permissions
    return path


def _progress_logger(on_step: Callable[[str], None]) -> dg.LoggerDefinition:
    """A Dagster logger that reports each step as it starts, and nothing else."""

    class _Steps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            event = getattr(record, "dagster_event", None)  # set by Dagster's log manager
            if event is not None and event.event_type_value == "STEP_START":
                on_step(event.step_key or "")

    @dg.logger
    def progress(_init_context: dg.InitLoggerContext) -> logging.Logger:
        log = logging.Logger("campaign_kpi.progress", logging.DEBUG)
        log.addHandler(_Steps())
        return log

    return progress


def nightly_definitions(paths: Paths, config: Config,
                        loggers: dict[str, dg.LoggerDefinition] | None = None) -> dg.Definitions:
    """The definitions of a run over ``config``: its resources read the configuration as
    resolved (written next to the warehouse), not the user's file."""
    resolved = write_resolved_config(paths, config)
    resources = resources_for(Paths(paths.data_dir, resolved), from_env=False)
    return build_definitions(config, resources, loggers)


def run_nightly(paths: Paths, config: Config, first: dt.date, last: dt.date,
                instance: dg.DagsterInstance | None = None,
                on_step: Callable[[str], None] | None = None,
                full: bool = False) -> dg.ExecuteInProcessResult:
    """Materialise every asset for the days ``first``..``last`` in one run.

    One day is what the nightly schedule does; a range is a single-run backfill (each source
    pulls the whole range plus its restatement window once). With ``on_step`` the run is quiet
    (the caller reports the outcome; the run's log in the Dagster instance keeps every event,
    tracebacks included) and ``on_step`` hears of each step as it starts. ``full`` rebuilds the
    KPI tables from the whole history instead of the periods that changed.
    """
    disk.check_writable(paths.data_dir)  # before anything is changed
    if config.engine.name == "duckdb":  # a warehouse another process holds: before any pull
        connect(paths.warehouse).disconnect()
    loggers, run_config = None, {}
    if on_step is not None:
        loggers = {"console": dg.colored_console_logger, "progress": _progress_logger(on_step)}
        run_config = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}},
                                  "progress": {}}}
    if full:
        run_config["ops"] = {"kpi_tables": {"config": {"full": True}}}
    job = nightly_definitions(paths, config, loggers).resolve_job_def(NIGHTLY_JOB)
    if first == last:
        target: dict = {"partition_key": first.isoformat()}
    else:
        target = {"tags": {"dagster/asset_partition_range_start": first.isoformat(),
                           "dagster/asset_partition_range_end": last.isoformat()}}
    return _execute(job, paths, instance, run_config=run_config, **target)


def run_weekly_report(paths: Paths, config: Config, week: IsoWeek,
                      languages: tuple[str, ...] | None = None, pdf: bool = True,
                      instance: dg.DagsterInstance | None = None, send: bool = False,
                      resend: bool = False) -> dg.ExecuteInProcessResult:
    """Materialise the weekly report of ``week`` (every language unless ``languages``), and
    with ``send`` (or ``resend``) deliver it; ValueError naming the weeks there are when
    ``week`` is not one of them."""
    keys = weekly_partitions(config).get_partition_keys()
    if week.start.isoformat() not in keys:
        span = f"{week_of(keys[0]).label} to {week_of(keys[-1]).label}" if keys else "none yet"
        raise ValueError(f"no weekly report for {week.label}: the weeks are {span}")
    resources = resources_for(paths, from_env=False)  # the configuration file as it is
    job = build_definitions(config, resources).resolve_job_def(REPORT_JOB)
    chosen = ReportConfig(pdf=pdf, **({"languages": list(languages)} if languages else {}))
    # Quiet: the caller says why a run failed (failure_reason); the run's log keeps the rest.
    send = send or resend
    ops = {REPORT_ASSET: {"config": chosen.model_dump()}}
    if send:
        ops[DELIVERY_ASSET] = {"config": DeliveryConfig(send=True, resend=resend).model_dump()}
    run_config = {"ops": ops, "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    selection = None if send else [dg.AssetKey(REPORT_ASSET)]
    return _execute(job, paths, instance, run_config=run_config, asset_selection=selection,
                    partition_key=week.start.isoformat())


@contextlib.contextmanager
def kept_instance(paths: Paths) -> Iterator[dg.DagsterInstance]:
    """The Dagster instance kept next to the warehouse (run history, check results), created
    with telemetry off (assets.instance); a backfill's per-day events are stored in batches
    (assets.history) unless its ``dagster.yaml`` chooses another storage."""
    home = prepare_home(paths.data_dir / DAGSTER_HOME)
    with (dg.DagsterInstance.local_temp(tempdir=str(home),
                                        overrides=history.overrides(home)) as instance,
          history.batched_events()):
        yield instance


def _execute(job: dg.JobDefinition, paths: Paths, instance: dg.DagsterInstance | None,
             **kw) -> dg.ExecuteInProcessResult:
    """Run in process on ``instance``, else on the instance kept in the data folder; Python
    warnings go to the run's log (:func:`run_warnings`), not the terminal."""
    if instance is not None:
        with warnings_to_run_log():
            return job.execute_in_process(instance=instance, raise_on_error=False, **kw)
    try:
        with kept_instance(paths) as kept, warnings_to_run_log():
            return job.execute_in_process(instance=kept, raise_on_error=False, **kw)
    except sqlalchemy.exc.OperationalError as exc:  # SQLite could not write the run history
        home = paths.data_dir / DAGSTER_HOME
        said = str(exc.orig) if exc.orig is not None else str(exc).splitlines()[0]
        raise OSError(disk.errno_of(said, home), f"cannot write the run history ({said})",
                      str(home)) from exc


def run_warnings(instance: dg.DagsterInstance, run_id: str) -> tuple[RunWarning, ...]:
    """The Python warnings run ``run_id`` raised, from its log in ``instance``: one
    ``RunWarning(step, category, message, count)`` per step, category and message."""
    return warnings_in(instance.all_logs(run_id))


def failed_checks(result: dg.ExecuteInProcessResult,
                  severity: str | None = None) -> list[str]:
    """Names of the asset checks that did not pass in ``result`` (of one ``severity``,
    "ERROR" or "WARN", when given)."""
    return [e.check_name for e in _evaluations(result)
            if not e.passed and severity in (None, e.severity.value)]


def check_descriptions(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """What each failed check said, by check name."""
    return {e.check_name: e.description or "" for e in _evaluations(result) if not e.passed}


def _evaluations(result: dg.ExecuteInProcessResult) -> list:
    return [event.event_specific_data for event in result.all_events
            if event.event_type_value == "ASSET_CHECK_EVALUATION"]


def failure_reason(result: dg.ExecuteInProcessResult) -> str | None:
    """What the first failed step said: a blocking check's own description (and advice), its
    ``dg.Failure`` description, else its error."""
    failure = next((e for e in result.all_events if e.is_step_failure), None)
    if failure is None:
        return None
    error = failure.step_failure_data.error
    blocking = [e for e in _evaluations(result) if not e.passed and e.severity.value == "ERROR"]
    if blocking and error is not None and error.cls_name == "DagsterAssetCheckFailedError":
        return "; ".join(f"{e.check_name}: {e.description or 'failed'}" for e in blocking)
    data = failure.step_failure_data
    if data.user_failure_data is not None and data.user_failure_data.description:
        return f"{failure.step_key}: {data.user_failure_data.description}"
    if data.error is not None:
        said = _error_text(_raised(data.error))
        advice = disk.hint(said)
        return f"{failure.step_key}: {said}" + (f" ({advice})" if advice else "")
    return failure.message


# Errors whose message is written for the user: shown without their class name.
_OUR_ERRORS = ("WarehouseError", "SourceError", "ConfigError", "RetentionError")


def _raised(error: SerializableErrorInfo) -> SerializableErrorInfo:
    """The error the step's code raised, under Dagster's wrappers."""
    while error.cls_name and error.cls_name.startswith("Dagster") and error.cause is not None:
        error = error.cause
    return error


def _error_text(error: SerializableErrorInfo) -> str:
    """The error's message; ours without the ``module.ClassName: `` in front."""
    message = error.message.strip()
    head, _, rest = message.partition(": ")
    return rest if error.cls_name in _OUR_ERRORS and head.endswith(error.cls_name) else message
