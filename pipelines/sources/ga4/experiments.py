"""GA4 as a source of experiment statistics: users per arm from a user-scoped custom dimension.

Teams set a user property when a user is exposed (``exp_lp_offer_nl`` = ``control`` | ``b``) and
register it as a custom dimension (``customUser:exp_lp_offer_nl``). The Data API returns
aggregates, not units, so from GA4 we can evaluate **proportion metrics**: the share of exposed
users who triggered a key event. Per experiment, over [start, min(end, as_of)]:

- ``n`` per arm = ``totalUsers`` by the variant dimension;
- converters per arm and metric = ``totalUsers`` by the same dimension, filtered to the
  metric's event names (exact, case-sensitive). A user property only labels events sent after
  it was set, so a lead sent before exposure is not counted in an arm.

Each 0/1 outcome makes its own square and cross product, so the sufficient statistics follow
(``experiments.sufficient.COLUMNS``): ``num_sum = num_sum_sq = num_den_sum`` = converters,
``den_sum = den_sum_sq = n``, ``pre_*`` = 0. Values of the dimension that are not an arm
(``(not set)``: users active without the property, or a mistyped arm) are left out and
reported in the metadata. An arm GA4 does not know gets ``n = 0`` rows (the engine says so);
an experiment that has not started by ``as_of`` gets none.

>>> q = Ga4ExperimentQuery("lp-offer-nl", "customUser:exp_lp_offer_nl", ("control", "b"),
...     (("conversion", ("generate_lead",)),), dt.date(2026, 3, 1), dt.date(2026, 3, 28))
>>> q.window(dt.date(2026, 3, 10))
Window(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 10))
>>> q.window(dt.date(2026, 2, 27)) is None
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from google.analytics.data_v1beta import BetaAnalyticsDataClient, types
from google.api_core import exceptions
from google.auth.exceptions import GoogleAuthError

from experiments.sufficient import COLUMNS, KEYS, SUMS
from pipelines.sources.base import Window
from pipelines.sources.ga4.reports import quality_flags
from pipelines.sources.ga4.source import Ga4Settings, _explain, make_client, read_pages
from pipelines.sources.retry import RetryCounter, SourceError

USERS = "totalUsers"
SHOWN_VALUES = 10  # at most this many unassigned values (60 characters each) in the metadata


@dataclass(frozen=True)
class Ga4ExperimentQuery:
    """One experiment as GA4 sees it: the dimension holding the arm, the arm IDs (as the
    property's values), and per proportion metric the event names that count as converting."""

    experiment_id: str
    variant_dimension: str  # e.g. "customUser:exp_lp_offer_nl"
    arms: tuple[str, ...]
    metrics: tuple[tuple[str, tuple[str, ...]], ...]  # (metric_id, event names)
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        problems = []
        if not self.variant_dimension.strip():
            problems.append("variant_dimension is empty")
        if not self.arms or len(set(self.arms)) != len(self.arms):
            problems.append(f"arms: need distinct arm IDs, got {self.arms}")
        ids = [m for m, _ in self.metrics]
        if not ids or len(set(ids)) != len(ids):
            problems.append(f"metrics: need distinct metric IDs, got {tuple(ids)}")
        problems += [f"metrics[{m!r}]: name at least one event" for m, events in self.metrics
                     if not [e for e in events if e.strip()]]
        if self.end < self.start:
            problems.append(f"end {self.end} is before start {self.start}")
        if problems:
            raise SourceError(f"GA4 experiment {self.experiment_id!r}: " + "; ".join(problems))

    def window(self, as_of: dt.date) -> Window | None:
        """The dates to read by ``as_of``, or None when the experiment has not started."""
        end = min(self.end, as_of)
        return Window(self.start, end) if self.start <= end else None

    def request(self, property_id: str, window: Window, offset: int, limit: int,
                events: tuple[str, ...] = ()) -> types.RunReportRequest:
        """Users by the variant dimension; only users who sent one of ``events``, if given."""
        expression = None
        if events:
            expression = types.FilterExpression(filter=types.Filter(
                field_name="eventName",
                in_list_filter=types.Filter.InListFilter(values=list(events),
                                                         case_sensitive=True)))
        return types.RunReportRequest(
            property=f"properties/{property_id}",
            dimensions=[types.Dimension(name=self.variant_dimension)],
            metrics=[types.Metric(name=USERS)],
            date_ranges=[types.DateRange(start_date=window.start.isoformat(),
                                         end_date=window.end.isoformat())],
            dimension_filter=expression,
            order_bys=[types.OrderBy(dimension=types.OrderBy.DimensionOrderBy(
                dimension_name=self.variant_dimension))],
            metric_aggregations=[types.MetricAggregation.TOTAL],
            offset=offset,
            limit=limit,
            keep_empty_rows=False,
            return_property_quota=True,
        )


def _users(pages: list[types.RunReportResponse]) -> tuple[dict[str, int], int | None]:
    """Users per dimension value, and GA4's de-duplicated total (None if not returned)."""
    users: dict[str, int] = {}
    for page in pages:
        for row in page.rows:
            value = row.dimension_values[0].value
            users[value] = users.get(value, 0) + int(row.metric_values[0].value)
    totals = [t for p in pages[:1] for t in p.totals]
    return users, int(totals[0].metric_values[0].value) if totals else None


class _Reader:
    """The reports of one experiment on one client, retries counted, errors made clear."""

    def __init__(self, client: BetaAnalyticsDataClient, settings: Ga4Settings,
                 query: Ga4ExperimentQuery, window: Window):
        self.client, self.settings, self.query, self.window = client, settings, query, window
        self.counter = RetryCounter()
        self.pages: list[types.RunReportResponse] = []

    def users(self, metric_id: str | None = None,
              events: tuple[str, ...] = ()) -> tuple[dict[str, int], int | None]:
        q, pid = self.query, self.settings.property_id
        detail = (f"experiment {q.experiment_id!r}, {q.variant_dimension}"
                  f"{f', metric {metric_id!r}' if metric_id else ''}, property {pid}")
        what = f"GA4 runReport ({detail})"
        try:
            for _ in range(self.settings.max_rereads + 1):
                pages = read_pages(
                    self.client, self.settings,
                    lambda offset, limit: q.request(pid, self.window, offset, limit, events),
                    self.counter, what=detail)
                if pages is not None:
                    break
            else:
                raise SourceError(f"{what}: the row count kept changing between pages "
                                  f"({self.settings.max_rereads + 1} reads); GA4 is still "
                                  "processing, the next run will try again")
        except exceptions.BadRequest as exc:  # 400 / INVALID_ARGUMENT
            first = str(exc.message or exc).strip().splitlines()[0]
            first = re.sub(r"^[A-Z]+ https?://\S+: ", "", first)  # REST: "POST <url>: ..."
            raise SourceError(
                f"GA4 experiment {q.experiment_id!r}: property {pid} rejected the report on "
                f"dimension {q.variant_dimension!r} ({first}). Register the user property as a "
                "user-scoped custom dimension in GA4 (Admin > Custom definitions) and set "
                "variant_dimension to its API name, e.g. 'customUser:exp_lp_offer_nl'."
            ) from exc
        except exceptions.GoogleAPICallError as exc:
            raise SourceError(f"experiment {q.experiment_id!r}: {_explain(exc, pid)}") from exc
        except GoogleAuthError as exc:
            raise SourceError(f"GA4: authentication failed ({type(exc).__name__}). Check "
                              "sources.ga4.credentials_file or application default "
                              "credentials.") from None
        self.pages += pages
        return _users(pages)


def _experiment(client: BetaAnalyticsDataClient, settings: Ga4Settings,
                query: Ga4ExperimentQuery, window: Window
                ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows (one per arm × metric) and metadata of one started experiment."""
    reader = _Reader(client, settings, query, window)
    exposed, total = reader.users()
    arms = set(query.arms)
    others = {v: u for v, u in exposed.items() if v not in arms}
    rows = []
    for metric_id, events in query.metrics:
        converted, _ = reader.users(metric_id, tuple(e for e in events if e.strip()))
        for arm in query.arms:
            n, k = exposed.get(arm, 0), converted.get(arm, 0)
            if k > n:
                raise SourceError(
                    f"GA4 experiment {query.experiment_id!r}, arm {arm!r}, metric "
                    f"{metric_id!r}: {k} users sent {', '.join(events)} but only {n} users "
                    f"have {query.variant_dimension} = {arm!r} in {window.start}..{window.end}; "
                    "GA4's counts are inconsistent (thresholding?), so no statistics are "
                    "stored")
            rows.append({"experiment_id": query.experiment_id, "arm": arm,
                         "metric_id": metric_id, "n": n, "num_sum": float(k)})
    counted = sum(exposed.values())
    shown = {v[:60]: u for v, u in sorted(others.items(),
                                          key=lambda item: (-item[1], item[0]))[:SHOWN_VALUES]}
    metadata = {
        "started": True, "start": window.start.isoformat(), "end": window.end.isoformat(),
        "variant_dimension": query.variant_dimension,
        "users": sum(exposed.get(a, 0) for a in query.arms),
        "missing_arms": [a for a in query.arms if exposed.get(a, 0) == 0],
        "unassigned_users": sum(others.values()),
        "unassigned_values": shown,
        # users counted under two values (re-bucketed, or the property changed): GA4's
        # de-duplicated total is below the sum of the rows
        "users_in_several_values": max(counted - total, 0) if total is not None else 0,
        **quality_flags(reader.pages),
        "pages": len(reader.pages), "retries": reader.counter.retries,
    }
    metadata.pop("currency_code", None)  # user counts carry no money
    return rows, metadata


def stats_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Rows of (experiment_id, arm, metric_id, n, num_sum) as sufficient statistics of 0/1
    outcomes (columns ``experiments.sufficient.COLUMNS``, sorted by the keys)."""
    frame = pd.DataFrame(list(rows), columns=["experiment_id", "arm", "metric_id", "n",
                                              "num_sum"])
    frame = frame.astype({k: "str" for k in KEYS} | {"n": "int64", "num_sum": "float64"})
    n = frame["n"].astype("float64")
    frame = frame.assign(num_sum_sq=frame["num_sum"], den_sum=n, den_sum_sq=n,
                         num_den_sum=frame["num_sum"], pre_sum=0.0, pre_sum_sq=0.0,
                         num_pre_sum=0.0)
    frame = frame.astype({c: "float64" for c in SUMS if c != "n"})
    return frame[list(COLUMNS)].sort_values(list(KEYS)).reset_index(drop=True)


def pull_experiment_stats(settings: Ga4Settings, queries: Sequence[Ga4ExperimentQuery],
                          as_of: dt.date, client: BetaAnalyticsDataClient | None = None
                          ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Sufficient statistics of every started experiment up to ``as_of``, from GA4.

    Returns the statistics (``experiments.sufficient.COLUMNS``) and metadata: summary flags
    (``subject_to_thresholding``, ``sampled``, ``data_loss_from_other_row``, quota left,
    ``pages``, ``retries``) and ``by_experiment``: per experiment its dates, flags, users,
    ``unassigned_users`` (and the values they had), ``missing_arms``, quota left. Raises
    :class:`SourceError` (naming the experiment) when GA4 cannot deliver; nothing is returned
    in part.
    """
    ids = [q.experiment_id for q in queries]
    if len(set(ids)) != len(ids):
        raise SourceError(f"GA4 experiments: an experiment ID is used twice in {ids}")
    rows: list[dict[str, Any]] = []
    by_experiment: dict[str, dict[str, Any]] = {}
    own = None
    try:
        for query in queries:
            window = query.window(as_of)
            if window is None:
                by_experiment[query.experiment_id] = {
                    "started": False, "start": query.start.isoformat(),
                    "variant_dimension": query.variant_dimension, "pages": 0, "retries": 0}
                continue
            if client is None:
                client = own = make_client(settings)
            found, metadata = _experiment(client, settings, query, window)
            rows += found
            by_experiment[query.experiment_id] = metadata
    finally:
        if own is not None:
            own.transport.close()
    started = [m for m in by_experiment.values() if m["started"]]
    last = started[-1] if started else {}
    summary = {
        "property_id": settings.property_id,
        "experiments_started": len(started),
        "subject_to_thresholding": any(m.get("subject_to_thresholding") for m in started),
        "sampled": any(m.get("sampled") for m in started),
        "data_loss_from_other_row": any(m.get("data_loss_from_other_row") for m in started),
        "tokens_per_day_remaining": last.get("tokens_per_day_remaining"),
        "tokens_per_hour_remaining": last.get("tokens_per_hour_remaining"),
        "pages": sum(m["pages"] for m in by_experiment.values()),
        "retries": sum(m["retries"] for m in by_experiment.values()),
        "by_experiment": by_experiment,
    }
    return stats_frame(rows), summary
