"""The drill-down page's numbers: whole-week periods, their sums (ratio of sums for KPIs), the
previous period of equal length, targets, and the channel → campaign → ad group tree.

Pure pandas; no HTML here (dashboards/drilldown.py renders).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi.budget.assess import choose_goal, goal_kpis
from kpi.language.format import as_number
from kpi.registry import KPIS, MEASURES, Kpi, Measure
from kpi.rollup import TargetRow

PERIOD_WEEKS = {"1w": 1, "4w": 4, "13w": 13}  # plus "mtd", the month to date
LEVELS = ("total", "channel", "campaign", "ad_group")
REQUIRED_COLUMNS = ("grain", "level", "period_start", "period_end", "complete", "provisional",
                    "channel", "campaign_key", "campaign_name", "ad_group_key", "ad_group_name",
                    "metric", "value", "numerator", "denominator", "target", "currency")
ROOT, SEP = "all", "\x1f"  # the account's node key; separator inside node keys
DAY = "day_number"  # week_rows' period_start as days since 1970-01-01: fast to group and match
DIMS = ("level", "channel", "campaign_key", "ad_group_key", "campaign_name", "ad_group_name")
EPOCH = dt.date(1970, 1, 1)
Records = dict[str, dict[str, Any]]  # node key -> column -> value
View = tuple[Records, Records, Records]  # a period's sums, the previous period's, targets


@dataclass(frozen=True)
class Period:
    """Whole ISO weeks (their Mondays) and the preceding weeks of equal length (empty when the
    data do not reach back that far)."""

    key: str
    weeks: tuple[dt.date, ...]
    previous: tuple[dt.date, ...]
    provisional: bool


def definition(metric: str) -> Kpi | Measure:
    return KPIS[metric] if metric in KPIS else MEASURES[metric]


def _flags(column: pd.Series) -> pd.Series:
    """A flag column as booleans, missing as False."""
    return column.astype("boolean").fillna(False).astype(bool)


def day_numbers(rows: pd.DataFrame) -> pd.Series:
    """The rows' period_start as days since 1970-01-01 (:data:`DAY` when week_rows made it)."""
    if DAY in rows.columns:
        return rows[DAY]
    days = pd.to_datetime(pd.Series(rows["period_start"], index=rows.index))
    return pd.Series(days.to_numpy().astype("datetime64[D]").astype(np.int64), index=rows.index)


def _day_set(weeks: tuple[dt.date, ...]) -> list[int]:
    return [(w - EPOCH).days for w in weeks]


def week_rows(values: pd.DataFrame) -> pd.DataFrame:
    """Week rows of the four levels with dates, floats, a ``node`` key, its ``parent`` and the
    node's ``name``; ValueError naming missing columns."""
    if values.empty:
        return pd.DataFrame(columns=[*REQUIRED_COLUMNS, "node", "parent", "name", DAY])
    missing = [c for c in REQUIRED_COLUMNS if c not in values.columns]
    if missing:
        raise ValueError(f"kpi_values is missing column(s) {missing}")
    rows = values[(values["grain"] == "week") & values["level"].isin(LEVELS)].copy()
    for col in ("period_start", "period_end"):  # as dates, converted once per distinct day
        days = pd.to_datetime(rows[col]).to_numpy().astype("datetime64[D]").astype(np.int64)
        distinct = np.unique(days)
        dates = np.array([EPOCH + dt.timedelta(days=int(d)) for d in distinct], dtype=object)
        rows[col] = dates[np.searchsorted(distinct, days)]
        if col == "period_start":
            rows[DAY] = days
    for col in ("value", "numerator", "denominator", "target"):
        rows[col] = pd.to_numeric(rows[col], errors="coerce").astype("float64")
    # The keys and names are built once per distinct dimension tuple (thousands), not per row
    # (millions), then spread over the rows.
    code = rows.groupby(list(DIMS), sort=False, dropna=False).ngroup().to_numpy()
    one = rows.iloc[np.unique(code, return_index=True)[1]]
    for col, values_of_col in zip(("node", "parent", "name"), _keys(one), strict=True):
        rows[col] = np.asarray(values_of_col, dtype=object)[code]
    is_total, is_channel = rows["level"] == "total", rows["level"] == "channel"
    if not is_total.any():  # the account from its channels: sums of sums are still sums
        rows = pd.concat([rows, rows[is_channel].assign(level="total", node=ROOT, parent="",
                                                        name="")], ignore_index=True)
    return rows


def _keys(one: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(node key, parent key, name) of rows of :data:`DIMS`."""
    ch, camp, adg = (one[c].fillna("").astype(str) for c in ("channel", "campaign_key",
                                                             "ad_group_key"))
    level = one["level"]
    is_total, is_channel, is_campaign = (level == "total", level == "channel",
                                         level == "campaign")
    c_key, p_key = "c" + SEP + ch, "p" + SEP + ch + SEP + camp
    node = np.select([is_total, is_channel, is_campaign], [ROOT, c_key, p_key],
                     "a" + SEP + p_key + SEP + adg)
    parent = np.select([is_total, is_channel, is_campaign], ["", ROOT, c_key], p_key)
    campaign = one["campaign_name"].fillna(one["campaign_key"]).fillna("").astype(str)
    ad_group = one["ad_group_name"].fillna(one["ad_group_key"]).fillna("").astype(str)
    name = np.select([is_total, is_channel, is_campaign], ["", ch, campaign], ad_group)
    return node, parent, name


def key_parts(node: str) -> tuple[str, str]:
    """(campaign key, ad group key) of a node key from :func:`week_rows` (empty above).

    >>> key_parts("a" + SEP + "p" + SEP + "Paid Search" + SEP + "gads:1" + SEP + "gads:11")
    ('gads:1', 'gads:11')
    """
    parts = node.split(SEP)
    if parts[0] == "p":
        return parts[2], ""
    if parts[0] == "a":
        return parts[3], parts[4]
    return "", ""


def currency_of(rows: pd.DataFrame) -> str:
    found = sorted({str(c) for c in rows["currency"].dropna().unique()})
    if len(found) > 1:
        raise ValueError(f"kpi_values mixes currencies {found}; convert to one reporting currency")
    return found[0] if found else "EUR"


def _month(monday: dt.date) -> tuple[int, int]:
    """The month a week belongs to: the one holding its Thursday (most of its days)."""
    thursday = monday + dt.timedelta(days=3)
    return thursday.year, thursday.month


def periods(rows: pd.DataFrame) -> list[Period]:
    """The page's periods, latest complete week last; weeks before the first complete one are
    outside the data, so a period (or its comparison) needing them is left out (or empty)."""
    flags = pd.DataFrame({"day": day_numbers(rows), "complete": _flags(rows["complete"]),
                          "provisional": _flags(rows["provisional"])}).groupby("day")
    complete, provisional = flags["complete"].all(), {
        EPOCH + dt.timedelta(days=int(d)): bool(p) for d, p in flags["provisional"].any().items()}
    done = sorted(EPOCH + dt.timedelta(days=int(d)) for d in complete.index[complete])
    if not done:
        return []
    first, latest = done[0], done[-1]

    def make(key: str, n: int) -> Period:
        weeks = tuple(latest - dt.timedelta(weeks=i) for i in reversed(range(n)))
        previous = tuple(w - dt.timedelta(weeks=n) for w in weeks)
        return Period(key, weeks, previous if previous[0] >= first else (),
                      any(provisional.get(w, False) for w in weeks))

    out = [make(k, n) for k, n in PERIOD_WEEKS.items()
           if latest - dt.timedelta(weeks=n - 1) >= first]
    n = 1
    while (latest - dt.timedelta(weeks=n) >= first
           and _month(latest - dt.timedelta(weeks=n)) == _month(latest)):
        n += 1
    return [*out, make("mtd", n)]


def period_sums(rows: pd.DataFrame, weeks: tuple[dt.date, ...]) -> pd.DataFrame:
    """One row per node active in ``weeks``: measures summed, KPIs as sum(numerator) /
    sum(denominator) × scale (numerators missing on KPI rows come from the summed measures);
    no cost per lead, purchase or click where nothing was spent (organic, direct, e-mail).
    The summed parts stay as ``n:<kpi>`` and ``d:<kpi>``, so a selection of nodes can be
    summed again (the page script does, for its filters)."""
    mine = day_numbers(rows).isin(_day_set(weeks)).to_numpy()
    sub = rows[["node", "metric", "value", "numerator", "denominator"]][mine]
    grouped = sub.groupby(["node", "metric"])[["value", "numerator", "denominator"]].sum(
        min_count=1)
    nodes = pd.Index(np.sort(sub["node"].unique()), name="node")  # whatever order rows came in

    def wide(col: str) -> pd.DataFrame:
        return grouped[col].unstack().reindex(index=nodes, columns=[*MEASURES, *KPIS])

    out = wide("value")[list(MEASURES)].copy()
    num, den = wide("numerator"), wide("denominator")
    for k in KPIS.values():
        out[f"n:{k.id}"] = num[k.id].combine_first(out[k.numerator])
        out[f"d:{k.id}"] = den[k.id].combine_first(out[k.denominator])
    return with_ratios(out)


def part_columns() -> list[str]:
    """The summable columns of :func:`period_sums`: measures and every KPI's two parts."""
    return [*MEASURES, *(f"{p}:{k}" for k in KPIS for p in "nd")]


def with_ratios(parts: pd.DataFrame) -> pd.DataFrame:
    """``parts`` (the :func:`part_columns`) with every KPI as sum(numerator) / sum(denominator)
    × scale; no cost per lead, purchase or click where nothing was spent."""
    out = parts.copy()
    for k in KPIS.values():
        n, d = out[f"n:{k.id}"], out[f"d:{k.id}"]
        if k.numerator == "cost":  # a cost per … of unpaid traffic is not 0 €: it has no price
            n = n.where(n != 0)
        out[k.id] = n / d.where(d != 0) * k.scale
    return out


def latest_targets(rows: pd.DataFrame) -> pd.DataFrame:
    """node × KPI: each series' latest non-null target."""
    mine = rows["metric"].isin(list(KPIS)) & rows["target"].notna()
    order = np.argsort(day_numbers(rows)[mine].to_numpy(), kind="stable")
    last = rows.loc[mine, ["node", "metric", "target"]].iloc[order].groupby(
        ["node", "metric"])["target"].last()
    return last.unstack().reindex(columns=list(KPIS))


def records(frame: pd.DataFrame) -> Records:
    """node -> column -> finite float or None, for fast lookups while rendering."""
    if not all(pd.api.types.is_float_dtype(t) for t in frame.dtypes):
        return {k: {c: as_number(v) for c, v in row.items()}
                for k, row in frame.to_dict("index").items()}
    numbers = frame.to_numpy(dtype="float64")
    cells = numbers.astype(object)  # Python floats
    cells[~np.isfinite(numbers)] = None
    cols = list(frame.columns)
    return {k: dict(zip(cols, row, strict=True))
            for k, row in zip(frame.index, cells.tolist(), strict=True)}


def latest_entities(rows: pd.DataFrame) -> pd.DataFrame:
    """node (index, sorted) -> level, parent, name and channel of the node's latest row."""
    order = np.argsort(day_numbers(rows).to_numpy(), kind="stable")
    latest = order[~rows["node"].iloc[order].duplicated(keep="last").to_numpy()]  # per node
    return (rows[["node", "level", "parent", "name", "channel"]].iloc[latest]
            .set_index("node").sort_index())


def entity_records(latest: pd.DataFrame) -> Records:
    """:func:`latest_entities` (of all rows, or concatenated from pieces holding different
    nodes) as node -> level, parent, name, channel and a short page ``id``."""
    ents = latest.sort_index()
    ents["id"] = [ROOT if k == ROOT else f"n{i}" for i, k in enumerate(ents.index)]
    return ents.to_dict("index")


def entities(rows: pd.DataFrame) -> Records:
    """node -> level, parent, name (the latest), channel and a short page ``id``."""
    return entity_records(latest_entities(rows))


def tree_order(ents: Records, cur: Records) -> list[str]:
    """The period's nodes (without ROOT) depth first, by cost descending within each parent
    (an "others" node last)."""
    present = sorted((k for k in cur if k != ROOT and k in ents),
                     key=lambda k: (bool(ents[k].get("others")), -(cur[k]["cost"] or 0),
                                    -(cur[k]["conversions"] or 0), ents[k]["name"], k))
    kids: dict[str, list[str]] = {}
    for key in present:
        kids.setdefault(ents[key]["parent"], []).append(key)
    out: list[str] = []

    def walk(key: str) -> None:
        for child in kids.get(key, []):
            out.append(child)
            walk(child)

    walk(ROOT)
    return out


@dataclass(frozen=True)
class NodeGoal:
    """The KPI a node is judged on and its target; ``note`` says why there is none (or no
    target): ``no_cost``, ``no_target`` (``kpi`` then names the goal that has none) or
    ``mixed`` (a channel whose campaigns have different goals)."""

    kpi: str | None
    target: float | None
    note: str = ""


def campaign_goal(cur: Records, tgt: Records, key: str) -> NodeGoal:
    """A campaign's goal by the budget recommendations' rule
    (:func:`kpi.budget.assess.choose_goal` on its leads and purchases of the period and its
    own, most specific targets); a campaign without cost has none (organic, direct, e-mail)."""
    if not (value_of(cur, key, "cost") or 0.0) > 0:
        return NodeGoal(None, None, "no_cost")
    leads, purchases = (value_of(cur, key, m) or 0.0 for m in ("leads", "purchases"))
    targets = [TargetRow(k, t) for k in goal_kpis(leads, purchases)
               if (t := value_of(tgt, key, k)) is not None]
    goal = choose_goal(leads, purchases, targets, key)
    if goal is None:
        return NodeGoal(goal_kpis(leads, purchases)[0], None, "no_target")
    return NodeGoal(goal.kpi, goal.target)


def node_goals(keys: list[str], ents: Records, cur: Records, tgt: Records) -> dict[str, NodeGoal]:
    """Every node's goal: a campaign's own; an ad group is judged on its campaign's KPI against
    its own target (else the campaign's); a channel on the KPI its campaigns share, against
    the channel's target (none when their goals differ); the account has none."""
    out = {k: campaign_goal(cur, tgt, k) for k in keys if ents[k]["level"] == "campaign"}
    for k in keys:
        level, parent = ents[k]["level"], ents[k]["parent"]
        if level == "ad_group":
            g = out.get(parent, NodeGoal(None, None, "no_cost"))
            target = value_of(tgt, k, g.kpi) if g.kpi else None
            target = g.target if target is None else target
            out[k] = (NodeGoal(None, None, "no_cost")
                      if g.kpi is None or not (value_of(cur, k, "cost") or 0.0) > 0
                      else NodeGoal(g.kpi, target, "" if target is not None else "no_target"))
        elif level == "channel":
            kpis = {g.kpi for c, g in out.items() if ents[c]["parent"] == k and g.kpi}
            if len(kpis) > 1:
                out[k] = NodeGoal(None, None, "mixed")
            elif not kpis:
                out[k] = NodeGoal(None, None, "no_cost")
            else:
                kpi = kpis.pop()
                target = value_of(tgt, k, kpi)
                out[k] = NodeGoal(kpi, target, "" if target is not None else "no_target")
    return out


def value_of(rec: Records, key: str, col: str) -> float | None:
    return rec.get(key, {}).get(col)


def delta(metric: str, value: object, before: object) -> tuple[float | None, bool | None]:
    """(relative change, better?) vs the previous value; better is None without a direction."""
    v, b, d = as_number(value), as_number(before), definition(metric)
    if v is None or b is None or b == 0:
        return None, None
    return v / b - 1, None if d.direction is None or v == b else d.is_better(v, b)


def vs_target(metric: str, value: object, target: object) -> tuple[float | None, bool | None]:
    """(relative gap to target, on target?); (None, None) without a value or a target."""
    v, g = as_number(value), as_number(target)
    if v is None or g is None or g == 0:
        return None, None
    return v / g - 1, not KPIS[metric].is_better(g, v)
