"""Whole demo runs away from the one calendar the other tests know: any end date, seed, traffic
scale and length of history, each run as ``campaign-kpi demo`` runs it (the nightly job over the
range, then the weekly report of the last week that ended), and what it left behind checked.

The calendar sweep in ``make test`` (tests/e2e/test_calendar_sweep.py) and the soak benchmark
(benchmarks/soak.py) share this module.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from assets.runner import (
    RESOLVED_CONFIG,
    check_descriptions,
    failed_checks,
    failure_reason,
    run_nightly,
    run_weekly_report,
)
from assets.settings import EXAMPLE_CONFIG, Paths
from kpi.language import LANGUAGES
from kpi.weekly import IsoWeek
from pipelines.config import Config, load_config

PAGES = ("overview", "drilldown", "experiments", "budget", "leads", "clv", "email", "trends",
         "quality")


@dataclass(frozen=True)
class Scenario:
    """One demo account: its last day (None: yesterday in Brussels, the real date), seed,
    traffic scale and days of history; ``why`` says what the date or shape is meant to break."""

    end: dt.date | None
    seed: int = 7
    traffic_scale: float = 1.0
    days: int = 42
    why: str = ""

    @property
    def last(self) -> dt.date:
        if self.end is not None:
            return self.end
        now = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Brussels"))
        return now.date() - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        day = "today" if self.end is None else self.end.isoformat()
        return f"{day}-seed{self.seed}-x{self.traffic_scale:g}"

    def config(self) -> Config:
        """The sample configuration a new user starts from, over this scenario's account."""
        base = load_config(EXAMPLE_CONFIG)
        demo = {**base.demo.model_dump(), "end": self.end, "seed": self.seed,
                "traffic_scale": self.traffic_scale}
        start = self.last - dt.timedelta(days=self.days - 1)
        return Config.model_validate({**base.model_dump(), "history_start": start,
                                      "demo": demo})


@dataclass(frozen=True)
class Outcome:
    """What a scenario's run left: success, why not, the checks that failed (ERROR blocks,
    WARN only warns), outputs that are missing, and the time taken (the slowest step too)."""

    scenario: Scenario
    success: bool
    reason: str | None
    blocking: tuple[str, ...]
    warnings: dict[str, str]
    missing: tuple[str, ...]
    seconds: float
    slowest_step: tuple[str, float]
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.success and not self.blocking and not self.missing

    def summary(self) -> str:
        state = "pass" if self.passed else "FAIL"
        step, took = self.slowest_step
        why = f": {self.reason or ', '.join(self.blocking) or ', '.join(self.missing)}"
        return (f"{self.scenario.label} {state} in {self.seconds:.1f} s (slowest step {step} "
                f"{took:.1f} s){'' if self.passed else why}")


def _step_seconds(result) -> dict[str, float]:
    """Seconds per step that succeeded, from Dagster's step events."""
    return {e.step_key: e.event_specific_data.duration_ms / 1000 for e in result.all_events
            if e.event_type_value == "STEP_SUCCESS" and e.event_specific_data is not None}


def expected_outputs(output: Path, week: IsoWeek, pdf: bool) -> list[Path]:
    """Every page in every language (and the default-language copy) and the week's report."""
    pages = [output / f"{page}{suffix}.html" for page in PAGES
             for suffix in ("", *(f".{lang}" for lang in LANGUAGES))]
    reports = [output / "reports" / week.label / f"weekly-report.{lang}.{kind}"
               for lang in LANGUAGES for kind in (("html", "pdf") if pdf else ("html",))]
    return pages + reports


def run_scenario(scenario: Scenario, folder: Path, pdf: bool = False) -> Outcome:
    """Run ``scenario`` in ``folder`` as ``campaign-kpi demo`` would and check what it left."""
    config = scenario.config()
    paths = Paths(data_dir=folder, config=EXAMPLE_CONFIG)
    started = time.perf_counter()
    result = run_nightly(paths, config, config.history_start, scenario.last,
                         on_step=lambda _step: None)
    steps = _step_seconds(result)
    week = IsoWeek.ended_by(scenario.last)
    reason = failure_reason(result) if not result.success else None
    if result.success:
        used = Paths(folder, folder / RESOLVED_CONFIG)
        report = run_weekly_report(used, config, week, pdf=pdf)
        steps |= {f"report:{k}": v for k, v in _step_seconds(report).items()}
        if not report.success:
            reason = f"weekly report: {failure_reason(report)}"
    seconds = time.perf_counter() - started
    said = check_descriptions(result)
    missing = tuple(str(p.relative_to(folder)) for p in
                    expected_outputs(folder / "out", week, pdf) if not p.is_file())
    slowest = max(steps.items(), key=lambda kv: kv[1]) if steps else ("none", 0.0)
    return Outcome(scenario=scenario, success=reason is None, reason=reason,
                   blocking=tuple(failed_checks(result, "ERROR")),
                   warnings={n: said[n] for n in failed_checks(result, "WARN")},
                   missing=missing, seconds=seconds, slowest_step=slowest, steps=steps)
