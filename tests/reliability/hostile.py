"""One demo run in which users' strings are hostile, shared by the SQL-safety and HTML-escaping
tests (built once per test session, see :func:`hostile_run`).

The strings enter the pipeline where real users' strings do:

- a Google Ads campaign and its ad group (names come from the advertiser's account; the demo's
  generated "extra campaign" is replaced by one with hostile names, so the name also reaches
  GA4's ``sessionCampaignName`` for its google / cpc sessions);
- the configuration: the account name, a channel name and its RE2 rule, an extra lead
  conversion action, a campaign target, an experiment's and an arm's name;
- the budget plan file: a line for the hostile channel.

Each mixes SQL (``'); DROP TABLE …; --``), HTML and script (``</script>``, ``<img onerror>``,
``<svg onload>``, ``javascript:`` links, ``<!--``), quotes that would end an attribute and add
an ``onfocus`` handler, format placeholders (``{kpi}``, ``%s``, ``${x}``), bidirectional and
zero-width characters, U+2028, and length.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

import dagster as dg
import pytest

from assets.runner import RESOLVED_CONFIG, run_nightly, run_weekly_report
from assets.settings import EXAMPLE_CONFIG, Paths
from kpi.weekly import IsoWeek
from pipelines.config import Config, load_config
from pipelines.sources import factory
from pipelines.sources.demo import world

START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 15)  # two whole ISO weeks, W10 and W11
WEEK = IsoWeek.ended_by(END)
HOSTILE_ID = "3000000000"  # the first generated extra campaign's ID

CAMPAIGN = (
    "x'); DROP TABLE kpi_rollup; -- </script><script>alert('campaign')</script>"
    "<img src=x onerror=alert('img')><!-- \"dq\" ' autofocus onfocus='alert(7)' & {kpi} %s "
    "${x} \u202eRTL\u202c zero\u200bwidth\u2028sep "
    + "Zeer lange campagnenaam om de lay-out te breken " * 6
).strip()
AD_GROUP = (
    "<svg onload=alert('adgroup')> <a href='javascript:alert(4)'>klik</a> <b>vet</b> "
    "\u200f\u05e2\u05d1\u05e8\u05d9\u05ea\u200e & \" autofocus onfocus=\"alert('attr') "
    "</title></textarea> \"); DROP TABLE dim_ad_group; --"
)
ACCOUNT = ("Zonnig </title><script>alert('account')</script> & \"Co\" '); DROP TABLE "
           "budget_plan; --")
CHANNEL = "Evil'); DROP TABLE dim_campaign; -- <i>nieuwsbrief</i> & <img src=x onerror=alert(5)>"
CHANNEL_SOURCE = r"^nieuwsbrief$|x'\); DROP TABLE campaign_daily; --"
LEAD_ACTION = "x'); DROP TABLE raw_orders; --"
EXPERIMENT = ("Test </script><img src=x onerror=alert('exp')> & \"exp\" '); DROP TABLE "
              "experiment_results; --")
ARM = "<b>B</b>'); DROP TABLE arms; --"
CAMPAIGN_TARGET = 77.5  # a CPL target set for the hostile campaign by its name

# Every hostile string shown on pages, by what it names; each has a distinctive ASCII tag.
STRINGS = {"campaign": CAMPAIGN, "ad_group": AD_GROUP, "account": ACCOUNT, "channel": CHANNEL,
           "experiment": EXPERIMENT, "arm": ARM}
TAGS = {"campaign": "DROP TABLE kpi_rollup", "ad_group": "DROP TABLE dim_ad_group",
        "account": "DROP TABLE budget_plan", "channel": "DROP TABLE dim_campaign",
        "experiment": "DROP TABLE experiment_results", "arm": "DROP TABLE arms"}


def hostile_campaign(i: int) -> world.Campaign:
    """The demo's generated campaign ``i`` with hostile names; big enough (cost share, CPL far
    off target) for the weekly report to name it among the lowlights."""
    groups = (world.AdGroup(f"{15_000_000_000 + i * 10 + 1}", AD_GROUP, 2.0),
              world.AdGroup(f"{15_000_000_000 + i * 10 + 2}", f"Gewoon {i + 1}", 1.0))
    return world.Campaign(f"{3_000_000_000 + i}", CAMPAIGN, "SEARCH", "generic", 900, 900,
                          140.0, 0.75, 1.5, 0.05, world.LEADS, 110, 0.9, groups)


def hostile_config(folder: Path) -> Config:
    """The sample configuration over two weeks, with hostile strings in every user field."""
    base = load_config(EXAMPLE_CONFIG).model_dump(mode="json")
    plan = folder / "budget-plan.csv"
    lines = ["month,level,name,media_budget,production_costs,agency_fees,currency"]
    lines += [f"2026-03,channel,{name},{budget},0,0,EUR" for name, budget in (
        ("Paid Search", 60000), ("Shopping & PMax", 16000), ("Display", 9000),
        ("Video", 4800))]
    lines.append('2026-03,channel,"' + CHANNEL.replace('"', '""') + '",1000,0,0,EUR')
    lines.append(f"2026-03,campaign,gads:{HOSTILE_ID},20000,0,0,EUR")
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    delta = END - dt.date(2026, 11, 22)  # the sample's experiments moved into this history
    experiments = []
    for experiment in base["experiments"]:
        moved = {**experiment, "start": (dt.date.fromisoformat(experiment["start"]) + delta),
                 "end": (dt.date.fromisoformat(experiment["end"]) + delta)}
        if experiment["id"] == "lp-offer-nl":
            moved["name"] = EXPERIMENT
            moved["arms"] = [experiment["arms"][0], {**experiment["arms"][1], "name": ARM}]
        experiments.append(moved)
    rules = [{"channel": CHANNEL, "source": CHANNEL_SOURCE, "medium": "^e-?mail$"},
             *base["channels"]["ga4_rules"]]
    lead = base["conversions"]["lead"]
    return Config.model_validate({
        **base, "account_name": ACCOUNT, "history_start": START.isoformat(),
        "demo": {**base["demo"], "end": END.isoformat(), "extra_campaigns": 1},
        "channels": {**base["channels"], "ga4_rules": rules},
        "conversions": {**base["conversions"], "lead": {
            **lead, "ads_conversion_actions": [*lead["ads_conversion_actions"], LEAD_ACTION]}},
        "targets": [*base["targets"],
                    {"kpi": "cpl", "value": CAMPAIGN_TARGET, "campaign": CAMPAIGN}],
        "budget": {**base["budget"], "plan": str(plan)},
        "experiments": experiments,
    })


@dataclasses.dataclass(frozen=True)
class HostileRun:
    paths: Paths
    config: Config
    nightly: dg.ExecuteInProcessResult
    report: dg.ExecuteInProcessResult

    @property
    def output(self) -> Path:
        return self.paths.output


_RUNS: dict[str, HostileRun] = {}
_LOCK = threading.Lock()


def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> HostileRun:
    """The nightly job over :data:`START`..:data:`END` and the weekly report of :data:`WEEK`
    (HTML in nl, fr and en; no PDF) with the hostile strings; built once per session."""
    key = str(tmp_path_factory.getbasetemp())
    with _LOCK:
        if key not in _RUNS:
            folder = tmp_path_factory.mktemp("hostile")
            paths = Paths(folder / "data", EXAMPLE_CONFIG)
            config = hostile_config(folder)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(world, "extra_campaign", hostile_campaign)
                factory._demo_source.cache_clear()  # no demo account cached without the names
                try:
                    nightly = run_nightly(paths, config, START, END)
                    used = Paths(paths.data_dir, paths.data_dir / RESOLVED_CONFIG)
                    report = run_weekly_report(used, config, WEEK, pdf=False)
                finally:
                    factory._demo_source.cache_clear()
            _RUNS[key] = HostileRun(paths, config, nightly, report)
    return _RUNS[key]
