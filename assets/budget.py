"""Budget: the plan file, pacing against it, response curves with what-if scenarios, and the
pause / scale / reallocate recommendations."""

import datetime as dt

import dagster as dg
import ibis
import pandas as pd
import pyarrow as pa

from assets.model import RULES_STATE
from assets.resources import SettingsResource, WarehouseResource
from assets.rules import model_rules, target_rows
from kpi import model
from kpi.budget import curve_store
from kpi.budget.allocate import curve_scenarios
from kpi.budget.pacing import pace, pacing_frame
from kpi.budget.plan import PlanError, load_costs, load_plan, plan_frame
from kpi.budget.recommend import Settings, assess, decide, recommendations_frame
from kpi.budget.recommend_window import RecommendationWindow
from kpi.lag import days_to_complete
from kpi.nowcast_tables import CURVES_TABLE as LAG_CURVES_TABLE
from pipelines.config import Config
from pipelines.sources.streams import ADS_CAMPAIGN_DAILY
from pipelines.warehouse.store import read_state, replace_with_arrow

PLAN_TABLE = "budget_plan"
PACING_TABLE = "budget_pacing"
CURVES_TABLE = "response_curves"
SCENARIOS_TABLE = "budget_scenarios"
RECOMMENDATIONS_TABLE = "recommendations"
STORE_TABLE = "response_curve_store"
NOTHING = pa.schema([("note", pa.string())])  # the shape of a table with nothing to say yet
MODEL_DEPS = [model.MODEL_TABLE, model.CAMPAIGN_DIM]


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow; an empty frame as an empty table (no columns to infer)."""
    if frame.empty:
        return NOTHING.empty_table()
    frame = frame.copy()
    for column in frame.columns:  # all-None object columns have no Arrow type: make them text
        if frame[column].dtype == object and frame[column].isna().all():
            frame[column] = frame[column].astype("string")
    return pa.Table.from_pandas(frame, preserve_index=False)


def _campaign_days(con, first: dt.date | None = None,
                   last: dt.date | None = None) -> pd.DataFrame:
    """Daily facts per campaign with its channel and name (reporting currency), from ``first``
    to ``last`` inclusive when given (filtered in the warehouse: older rows are not read)."""
    facts, dims = con.table(model.MODEL_TABLE), con.table(model.CAMPAIGN_DIM)
    if first is not None:
        facts = facts.filter(facts.date >= first)
    if last is not None:
        facts = facts.filter(facts.date <= last)
    daily = facts.group_by(["date", "campaign_key"]).aggregate(
        **{m: facts[m].sum() for m in ("cost", "clicks", "leads", "purchases", "conversions",
                                       "revenue")})
    joined = daily.join(dims.select("campaign_key", "channel", "campaign_name"), "campaign_key")
    frame = con.execute(joined.order_by(["campaign_key", "date"]))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _data_end(con) -> dt.date | None:
    facts = con.table(model.MODEL_TABLE)
    end = con.execute(facts.date.max())
    return None if end is None or pd.isna(end) else pd.Timestamp(end).date()


def _recent_days(con, rules) -> int:
    """The newest days left out of the judgement: fixed in the config, else the days the
    paid conversions' lag curves say are less than ``min_completeness`` in."""
    if rules.exclude_recent_days is not None:
        return rules.exclude_recent_days
    if LAG_CURVES_TABLE not in con.list_tables():
        return days_to_complete({}, rules.min_completeness)
    curves = con.execute(con.table(LAG_CURVES_TABLE))
    paid = curves[(curves["source"] == "google_ads")
                  & curves["measure"].isin(["leads", "purchases", "revenue"])]
    shares = {m: list(r.sort_values("age")["completeness"]) for m, r in paid.groupby("measure")}
    return days_to_complete(shares, rules.min_completeness)


def _plan(config: Config):
    try:
        plan = load_plan(config.budget.plan) if config.budget.plan else ()
        costs = load_costs(config.budget.costs) if config.budget.costs else ()
    except PlanError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    return plan, costs


@dg.multi_asset(
    name="budget_pacing_tables",
    specs=[
        dg.AssetSpec(PLAN_TABLE, group_name="budget", kinds={"duckdb"},
                     description="The validated budget plan: one row per period x channel or "
                     "campaign (media budget, production costs, agency fees)."),
        dg.AssetSpec(PACING_TABLE, group_name="budget", deps=[PLAN_TABLE, *MODEL_DEPS],
                     kinds={"duckdb", "pandas"},
                     description="Per plan line as of the last day of data: spend to date, "
                     "expected from the planned daily profile, pacing %, projected end-of-"
                     "period spend and total cost, status (on track / watch / investigate)."),
    ],
)
def budget_pacing_tables(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    plan, costs = _plan(config)
    con = warehouse.connect()
    as_of = _data_end(con)
    if plan and as_of is not None:
        first = min(line.period_start for line in plan)
        spend = _campaign_days(con, first)[["date", "channel", "campaign_key", "cost"]]
        pacing = pacing_frame(pace(plan, spend, as_of, costs=costs,
                                   weekday_weights=config.budget.weekday_weights,
                                   reporting_currency=config.reporting.currency,
                                   fx_rates=dict(config.reporting.fx_rates)))
    else:
        pacing = pd.DataFrame()
    counts = replace_with_arrow(con, {PLAN_TABLE: _arrow(plan_frame(plan) if plan else
                                                         pd.DataFrame()),
                                      PACING_TABLE: _arrow(pacing)})
    current = (pacing[(pacing["period_start"] <= as_of) & (pacing["period_end"] >= as_of)]
               if not pacing.empty else pacing)
    yield dg.MaterializeResult(asset_key=PLAN_TABLE, metadata={
        "dagster/row_count": counts[PLAN_TABLE],
        "file": str(config.budget.plan) if config.budget.plan else "none configured"})
    yield dg.MaterializeResult(asset_key=PACING_TABLE, metadata={
        "dagster/row_count": counts[PACING_TABLE],
        "as_of": as_of.isoformat() if as_of else "no data",
        "current_lines": len(current),
        "investigate": ", ".join(f"{r['name']} {r['pacing']:.0%}" for _, r in current.iterrows()
                                 if r["status"] == "investigate")})


def recommendation_settings(config: Config) -> Settings:
    r = config.recommendations
    return Settings(confidence=r.confidence, pause_margin=r.pause_margin,
                    max_change=r.max_change, judge_days=r.judge_days,
                    curve_grain=r.curve_grain, min_effect_value=r.min_effect_value,
                    min_effect_share=r.min_effect_share)


def _budgets(con, first: dt.date, config: Config) -> pd.DataFrame:
    """Daily campaign budgets from Google Ads, in the reporting currency."""
    raw = con.table(ADS_CAMPAIGN_DAILY.table)
    raw = raw.filter(raw.date >= first)
    rows = con.execute(raw.select(
        date=raw.date, campaign_key=ibis.literal("gads:") + raw.campaign_id.cast("string"),
        budget=raw.budget_micros.cast("float64") / 1e6, currency=raw.currency_code))
    rules = model_rules(config)
    rates = {code: rules.rate(code) for code in rows["currency"].unique()}
    rows["budget"] = rows["budget"] * rows["currency"].map(rates)
    return rows.drop(columns="currency")


@dg.multi_asset(
    name="recommendation_tables",
    specs=[
        dg.AssetSpec(CURVES_TABLE, group_name="budget", deps=MODEL_DEPS,
                     kinds={"duckdb", "scipy"},
                     description="A diminishing-returns curve (Hill or log) per channel for "
                     "conversions and revenue: fit, current spend, average and marginal return."),
        dg.AssetSpec(SCENARIOS_TABLE, group_name="budget", deps=[CURVES_TABLE],
                     kinds={"duckdb", "scipy"},
                     description="What if a channel's daily spend moves by +/- the configured "
                     "share: expected conversions and revenue from its curve."),
        dg.AssetSpec(RECOMMENDATIONS_TABLE, group_name="budget",
                     deps=[*MODEL_DEPS, ADS_CAMPAIGN_DAILY.table, LAG_CURVES_TABLE],
                     kinds={"duckdb", "scipy"},
                     description="Pause / scale / reallocate, with the numbers behind each and "
                     "a sentence in nl, fr and en."),
        dg.AssetSpec(STORE_TABLE, group_name="budget", deps=MODEL_DEPS, kinds={"duckdb"},
                     description="The response curves' parameters per campaign and channel, "
                     "with the day they were fitted on: fitted on the first night of an ISO "
                     "week (or after a rule change), reused on the other nights."),
    ],
)
def recommendation_tables(warehouse: WarehouseResource, settings: SettingsResource):
    con = warehouse.connect()
    try:
        last, frames = recommendation_frames(con, settings.load())
    except EmptyModelError as exc:
        raise dg.Failure(description=str(exc)) from None
    counts = replace_with_arrow(con, {key: _arrow(frame) for key, frame in frames.items()})
    table = frames[RECOMMENDATIONS_TABLE]
    actions = table["action"].value_counts().to_dict() if not table.empty else {}
    for key in (CURVES_TABLE, SCENARIOS_TABLE):
        yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": counts[key]})
    store = frames[STORE_TABLE]
    fresh = int((store["fitted_on"] == pd.Timestamp(last)).sum()) if not store.empty else 0
    yield dg.MaterializeResult(asset_key=STORE_TABLE, metadata={
        "dagster/row_count": counts[STORE_TABLE], "fitted_tonight": fresh,
        "reused": counts[STORE_TABLE] - fresh})
    yield dg.MaterializeResult(asset_key=RECOMMENDATIONS_TABLE, metadata={
        "dagster/row_count": counts[RECOMMENDATIONS_TABLE], "judged_until": last.isoformat(),
        "actions": dg.MetadataValue.json(actions)})


class EmptyModelError(ValueError):
    """campaign_daily has no rows yet."""


def window_days(con, config: Config) -> tuple[dt.date, pd.DataFrame]:
    """The last judged day and the campaign days of :class:`RecommendationWindow` ending on
    it, read from the warehouse (older days are filtered there, not here)."""
    rules = config.recommendations
    end = _data_end(con)
    if end is None:
        raise EmptyModelError("campaign_daily is empty: materialise the model first")
    last = end - dt.timedelta(days=_recent_days(con, rules))
    window = RecommendationWindow(last, rules.judge_days, rules.curve_days)
    return last, _campaign_days(con, window.first, window.last)


def curve_rules(con, config: Config) -> str:
    """The fingerprint of what the response curves depend on: the window and grain they are
    fitted on, the reporting currency and the model's rules (channels, conversions, FX)."""
    r = config.recommendations
    return curve_store.rules_key(
        grain=r.curve_grain, curve_days=r.curve_days, exclude_recent_days=r.exclude_recent_days,
        min_completeness=r.min_completeness, recent_days=Settings().recent_days,
        currency=config.reporting.currency, model=read_state(con, RULES_STATE))


def stored_curves(con) -> pd.DataFrame | None:
    """The curve store as the last night left it (None before the first night)."""
    if STORE_TABLE not in con.list_tables():
        return None
    return con.execute(con.table(STORE_TABLE))


def recommendation_frames(con, config: Config) -> tuple[dt.date, dict[str, pd.DataFrame]]:
    """The last judged day, and the response curves, scenarios, recommendations and the curve
    store as frames, from the days of :class:`RecommendationWindow` only (the warehouse
    filters the rest). Curves stored this ISO week under the same rules are reused, read at
    tonight's spend; the others are fitted (:mod:`kpi.budget.curve_store`)."""
    rules = config.recommendations
    last, days = window_days(con, config)
    key = curve_rules(con, config)
    kept = curve_store.reusable(stored_curves(con), last, key)
    paid = days[days.groupby("campaign_key")["cost"].transform("sum") > 0]

    by_channel = paid.groupby(["channel", "date"], as_index=False)[
        ["cost", "conversions", "revenue"]].sum()
    fits, scenarios = curve_scenarios(by_channel, by="channel", grain=rules.curve_grain,
                                      change=rules.scenario_change,
                                      stored=curve_store.by_scope(kept, "channel"))
    names = dict(zip(paid["campaign_key"], paid["campaign_name"], strict=False))
    channels = dict(zip(paid["campaign_key"], paid["channel"], strict=False))
    budgets = _budgets(con, days["date"].min().date(), config) if not paid.empty else None
    settings = recommendation_settings(config)
    assessed = assess(paid, target_rows(config), budgets=budgets, channels=channels,
                      names=names, settings=settings,
                      stored=curve_store.by_scope(kept, "campaign"))
    recs = decide(assessed, names=names, settings=settings, currency=config.reporting.currency)
    table = recommendations_frame(recs)
    if not table.empty:
        table.insert(0, "as_of", pd.Timestamp(last))
        table.insert(2, "campaign_name", table["item"].map(names))
        table.insert(3, "channel", table["item"].map(channels))
    tonight = {("campaign", a.item, a.goal.measure): a.fit for a in assessed
               if a.fit is not None}
    for row in fits.to_dict("records") if not fits.empty else ():
        fit = curve_store.fit_from_row(row)
        if fit is not None:
            tonight[("channel", str(row["item"]), str(row["measure"]))] = fit
    store = curve_store.store_rows(tonight, kept, last, key)
    return last, {CURVES_TABLE: fits, SCENARIOS_TABLE: scenarios, RECOMMENDATIONS_TABLE: table,
                  STORE_TABLE: store}


BUDGET_ASSETS = [budget_pacing_tables, recommendation_tables]
