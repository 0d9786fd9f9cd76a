"""The anomaly detectors: yesterday of every series against its expected range.

Each morning the last day of :class:`Series` (the day before ``as_of``) is judged, per campaign
and summed per channel and per account, against :func:`kpi.alerts.baseline.baseline`:

- ``broken_tag``: conversions and GA4 key events at most a tenth of what should have been
  seen by now (lag-aware), improbable under the series' own spread, while clicks are normal
  (one of the two alone, an Ads-only or GA4-only tag or a consent banner: two days in a row);
- ``spend_spike``: cost at least 1.8 times its expectation and far above its range;
- ``stopped_spending``: cost at most a tenth of an expected 10 or more a day;
- ``cpa_high``: conversions far below what the day's cost buys at the recent cost per conversion
  (not already a broken tag; not on a lead campaign, which ``cpl_high`` judges);
- ``cpl_high``: leads far below what the cost bought at the recent cost per lead on the last 1-3
  days, on a campaign judged on CPL (:func:`kpi.goals.goal_kpis`; not a broken tag, nor
  stopped: those say it first);
- ``roas_low``: revenue far below what the day's cost buys at the recent ROAS, on a purchase
  campaign, when ``cpa_high`` does not already explain it (fewer orders: that one is said);
  revenue's heavy tail is a compound of orders and log-normal order values
  (:mod:`kpi.alerts.outcomes`);
- ``ga4_ads_gap``: GA4 key events and Ads conversions apart far more than their usual ratio;
- ``no_rows``: a source that usually delivers rows delivered none for the day.

The thresholds are probabilities of the series' own interval (``P_ALERT``) plus a minimum size
of the effect, so a low-volume campaign's ordinary zero is not news. An account- or
channel-level finding is dropped when a campaign inside it explains it (same kind).

>>> import numpy as np
>>> days = np.arange(np.datetime64("2026-01-01"), np.datetime64("2026-03-01"))
>>> cost = np.full((len(days), 1), 100.0); cost[-1] = 0
>>> s = Series(days, ("gads:1",), ("acct",), ("Search",), {"cost": cost})
>>> [f.kind for f in detect(s)]
['stopped_spending']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from kpi.alerts.baseline import MIN_HISTORY, Baseline, baseline, is_holiday
from kpi.alerts.outcomes import leads_low, revenue_low
from kpi.goals import goal_kpis

WINDOW = 70  # days a morning reads: the 56 days of history, the runs judged and a margin
P_ALERT = 0.0005  # tail probability under the series' own range
LEVEL = 0.99  # the interval shown with an alert
BROKEN_SHARE, CPA_SHARE = 0.1, 0.4  # near zero: at most a tenth of what was expected
CPA_SPREAD = 0.15  # log variance of a day's conversions around cost x rate (demand, mix, lag)
SPIKE_RATIO, SPIKE_Z = 1.8, 4.0
STOP_SHARE, STOP_MIN = 0.1, 10.0
GAP_Z, GAP_RATIO, GAP_MIN = 5.0, 2.0, 10.0
MIN_EXPECTED_CONVERSIONS = 3.0
# Measures counted with the Ads conversions (their lag curve when they have none of their own)
OUTCOME_KINDS = ("broken_tag", "cpa_high", "cpl_high", "roas_low")  # one drop, one campaign
LAG_LIKE = {"leads": "conversions", "purchases": "conversions", "revenue": "conversions"}
TAG = "conversions"  # the metric a broken tag is kept under, whichever measure showed it
RUN_DAYS = 3  # a broken tag is judged on its last 1, 2 or 3 days together
GAP_AGE = 8  # GA4 and Ads are compared on the day a week back (Ads conversions ~90 % in)


@dataclass(frozen=True)
class Series:
    """Daily values as seen at ``as_of`` (the day after ``days[-1]``), days x campaigns.

    ``values``: measure -> (D, S) array (cost, clicks, conversions, ga4_conversions, leads,
    purchases, revenue, ...);
    ``completeness``: measure -> share of a day's final value seen at age 1, 2, ... (its lag
    curve; a measure without one is judged as final);
    ``rows``: source -> (D,) rows delivered per day (``no_rows``).
    """

    days: np.ndarray
    keys: tuple[str, ...]
    accounts: tuple[str, ...]
    channels: tuple[str, ...]
    values: Mapping[str, np.ndarray]
    completeness: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    rows: Mapping[str, np.ndarray] = field(default_factory=dict)
    seen_later: int = 0  # days between the morning judged and when the values were seen

    def upto(self, last: int) -> Series:
        """The first ``last`` days, as a morning after them would judge them with today's
        values (a replay: ``seen_later`` grows by the days cut)."""
        cut = len(self.days) - last
        return dataclasses.replace(
            self, days=self.days[:last], values={k: v[:last] for k, v in self.values.items()},
            rows={k: v[:last] for k, v in self.rows.items()}, seen_later=self.seen_later + cut)

    def share(self, age: int, measure: str = "conversions") -> float:
        """Completeness of ``measure`` at ``age`` days (1 for mature or unknown curves)."""
        curve = self.completeness.get(measure) or self.completeness.get(
            LAG_LIKE.get(measure, ""), ())
        age = age + self.seen_later
        return curve[age - 1] if 0 < age <= len(curve) else 1.0

    def final(self, measure: str) -> np.ndarray:
        """``measure`` scaled to its expected final value by each day's age."""
        v = self.values[measure].astype(float)
        ages = len(self.days) - np.arange(len(self.days))
        return v / np.array([max(self.share(int(a), measure), 0.05) for a in ages])[:, None]


@dataclass(frozen=True)
class Finding:
    """One series outside its range on ``day``."""

    kind: str
    level: str  # campaign | channel | account | source
    key: str  # the campaign key, channel, account or source
    account: str
    channel: str
    metric: str
    day: np.datetime64
    observed: float
    expected: float
    lower: float
    upper: float
    since: np.datetime64 | None = None  # the first day of the run judged (default ``day``)

    @property
    def first(self) -> np.datetime64:
        return self.day if self.since is None else self.since

    @property
    def series(self) -> tuple[str, str, str, str]:
        """What identifies an anomaly over days: kind, level, key, metric."""
        return (self.kind, self.level, self.key, self.metric)

    @property
    def measured(self) -> tuple[str, str, str]:
        """The series measured: level, key, metric (whose open anomaly is kept out of its
        baseline)."""
        return (self.level, self.key, self.metric)


def _levels(s: Series) -> tuple[list[tuple[str, str, str, str]], np.ndarray]:
    """(level, key, account, channel) of every column after adding channel and account sums,
    and the (S, L) 0/1 matrix that sums campaigns into them."""
    cols = [("campaign", k, a, c) for k, a, c in zip(s.keys, s.accounts, s.channels, strict=True)]
    chans = sorted({(a, c) for a, c in zip(s.accounts, s.channels, strict=True)})
    cols += [("channel", f"{a}|{c}", a, c) for a, c in chans]
    cols += [("account", a, a, "") for a in sorted(set(s.accounts))]
    m = np.zeros((len(s.keys), len(cols)))
    for j, (level, key, acct, chan) in enumerate(cols):
        for i in range(len(s.keys)):
            if ((level == "campaign" and s.keys[i] == key)
                    or (level == "channel" and (s.accounts[i], s.channels[i]) == (acct, chan))
                    or (level == "account" and s.accounts[i] == acct)):
                m[i, j] = 1
    return cols, m


def detect(s: Series, excluded: Mapping[tuple[str, str, str], np.datetime64] | None = None
           ) -> list[Finding]:
    """Findings for the last day of ``s``; ``excluded``: (level, key, metric) of an open
    anomaly -> its first day; its days are left out of the history the series learns from."""
    excluded = excluded or {}
    cols, m = _levels(s)
    day = s.days[-1]
    out: list[Finding] = []

    def base(values: np.ndarray, metric: str) -> Baseline:
        """The baseline of the last row of ``values`` (rows: the first days of ``s``)."""
        n = len(values)
        hist = s.days[: n - 1]
        ex = np.zeros((n - 1, len(cols)), dtype=bool)
        for j, (level, key, _, _) in enumerate(cols):
            since = excluded.get((level, key, metric))
            if since is not None:
                ex[:, j] = hist >= since
        return baseline(values[:-1], hist, s.days[n - 1], ex)

    def add(kind: str, metric: str, j: int, seen: float, b: Baseline, lo: float, hi: float,
            share: float = 1.0) -> None:
        level, key, acct, chan = cols[j]
        out.append(Finding(kind, level, key, acct, chan, metric, day, float(seen),
                           float(b.mean[j] * share), float(lo), float(hi)))

    def held(j: int, metric: str) -> bool:  # an open anomaly stays open on its effect alone
        return (cols[j][0], cols[j][1], metric) in excluded

    enough = lambda b: b.n >= MIN_HISTORY  # noqa: E731
    if "cost" in s.values:
        cost = s.values["cost"].astype(float) @ m
        b = base(cost, "cost")
        lo, hi = b.money_interval(LEVEL)
        z = b.money_z(cost[-1])
        spike = enough(b) & (cost[-1] >= SPIKE_RATIO * b.mean) & (b.mean >= 1)
        stop = enough(b) & (b.mean >= STOP_MIN) & (cost[-1] <= STOP_SHARE * b.mean)
        for j in np.flatnonzero(spike):
            if z[j] >= SPIKE_Z or held(j, "cost"):
                add("spend_spike", "cost", j, cost[-1, j], b, lo[j], hi[j])
        for j in np.flatnonzero(stop):
            add("stopped_spending", "cost", j, cost[-1, j], b, lo[j], hi[j])
    stopped = {f.key for f in out if f.kind == "stopped_spending"}
    clicks_ok = np.ones(len(cols), dtype=bool)
    if "clicks" in s.values:
        clicks = s.values["clicks"].astype(float) @ m
        clicks_ok = clicks[-1] >= 0.5 * base(clicks, "clicks").mean
    broken: set[str] = set()
    hits: dict[str, dict[int, list[tuple[int, Baseline, float, float, float]]]] = {}
    for metric in ("conversions", "ga4_conversions"):
        if metric in s.values:
            seen = s.values[metric].astype(float) @ m
            hits[metric] = _broken(s, s.final(metric) @ m, seen, metric, base, clicks_ok, held)
    for j in sorted(set().union(*hits.values()) if hits else ()):
        runs = {metric: found[j] for metric, found in hits.items() if j in found}
        if len(runs) < len(hits):  # one measure alone: two days at least (or already open)
            runs = {k: [r for r in v if r[0] >= 2 or held(j, TAG)] for k, v in runs.items()}
        best = min(((r, k) for k, v in runs.items() for r in v), default=None,
                   key=lambda x: x[0][0])
        if best is None or cols[j][1] in stopped:
            continue
        (run, b, lo, hi, seen_now), metric = best
        broken.add(cols[j][1])
        add("broken_tag", TAG, j, seen_now, b, lo, hi, s.share(1, metric))
        out[-1] = dataclasses.replace(out[-1], since=s.days[-run])
    skip = ~clicks_ok | np.isin([c[1] for c in cols], sorted(broken | stopped))
    goal = _goals(s, m)
    if "conversions" in s.values and "cost" in s.values:
        out += _cpa(s, cols, m, s.final("conversions") @ m, s.share(1), skip | (goal == "cpl"))
    if "cost" in s.values and len(s.days) > MIN_HISTORY:
        use = lambda metric: _use(s, cols, metric, excluded)  # noqa: E731
        if "leads" in s.values:
            out += _cpl(s, cols, m, skip | (goal != "cpl"), use("cost_per_lead"))
        if {"purchases", "revenue"} <= set(s.values):
            cpa = np.isin([c[1] for c in cols], [f.key for f in out if f.kind == "cpa_high"])
            out += _roas(s, cols, m, skip | (goal != "roas") | cpa, use("roas"))
    if {"conversions", "ga4_conversions"} <= set(s.values):
        out += _gap(s, cols, m)
    out += _no_rows(s)
    return _explained(out)


def _broken(s: Series, final: np.ndarray, seen: np.ndarray, metric: str, base, clicks_ok,
            held) -> dict[int, list[tuple[int, Baseline, float, float, float]]]:
    """Column -> [(days in the run, baseline, interval, seen)] of ``metric`` near zero on the
    last 1..:data:`RUN_DAYS` days, each day judged lag-aware; the run's days' tail
    probabilities are combined by Fisher's method (two days of zero weigh what one cannot)."""
    n = seen.shape[1]
    log_p, near, total = np.zeros(n), np.ones(n, dtype=bool), np.zeros(n)
    first: tuple[Baseline, np.ndarray, np.ndarray] | None = None
    out: dict[int, list[tuple[int, Baseline, float, float, float]]] = {}
    is_held = np.array([held(k, TAG) for k in range(n)], dtype=bool)
    for run in range(1, RUN_DAYS + 1):
        if len(s.days) <= run + MIN_HISTORY:
            break
        b = base(final[: len(final) - run + 1], TAG)
        share = s.share(run, metric)
        expected = b.mean * share
        low_p, _ = b.count_tail(seen[-run], share)
        near &= (b.n >= MIN_HISTORY) & (seen[-run] <= BROKEN_SHARE * expected)
        total = total + expected
        log_p = log_p + np.log(np.maximum(low_p, 1e-300))
        p_run = stats.chi2.sf(-2 * log_p, 2 * run)
        if run == 1 and is_holiday(s.days[-1].astype(object)):
            p_run = np.ones(n)  # a holiday's low day alone is no evidence: wait for the next
        if first is None:
            lo, hi = b.count_interval(LEVEL, share)
            first = (b, lo, hi)
            near &= clicks_ok
        b0, lo0, hi0 = first
        enough = total >= MIN_EXPECTED_CONVERSIONS  # over the run: low-volume tags take longer
        for j in np.flatnonzero(near & enough & ((p_run < P_ALERT) | is_held)):
            out.setdefault(int(j), []).append((run, b0, float(lo0[j]), float(hi0[j]),
                                               float(seen[-1, j])))
    return out


def _cpa(s: Series, cols: list, m: np.ndarray, final: np.ndarray, share: float,
         skip: np.ndarray) -> list[Finding]:
    """Conversions far below what the day's cost buys at the last 4 weeks' rate."""
    cost = s.values["cost"].astype(float) @ m
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.nansum(final[-29:-1], axis=0) / np.nansum(cost[-29:-1], axis=0)
    mean = np.nan_to_num(rate * cost[-1])
    b = Baseline(mean=mean, spread=np.full(len(cols), CPA_SPREAD), n=np.full(len(cols), 99))
    seen = s.values["conversions"].astype(float) @ m
    low_p, _ = b.count_tail(seen[-1], share)
    lo, hi = b.count_interval(LEVEL, share)
    hit = (~skip & (mean * share >= MIN_EXPECTED_CONVERSIONS)
           & (seen[-1] <= CPA_SHARE * mean * share) & (low_p < P_ALERT))
    return [Finding("cpa_high", *_where(cols[j]), "cost_per_conversion", s.days[-1],
                    _per(cost[-1, j], seen[-1, j] / share), _per(cost[-1, j], mean[j]),
                    _per(cost[-1, j], hi[j] / share), _per(cost[-1, j], lo[j] / share))
            for j in np.flatnonzero(hit)]


def _goals(s: Series, m: np.ndarray) -> np.ndarray:
    """Per column: the KPI it is judged on, ``cpl`` or ``roas`` (:func:`kpi.goals.goal_kpis`
    on its last four weeks' leads and purchases), "" without either."""
    if not {"leads", "purchases"} <= set(s.values):
        return np.full(m.shape[1], "", dtype=object)
    leads = np.nansum(s.values["leads"][-29:-1].astype(float) @ m, axis=0)
    orders = np.nansum(s.values["purchases"][-29:-1].astype(float) @ m, axis=0)
    return np.array([goal_kpis(a, b)[0] if a + b > 0 else "" for a, b in
                     zip(leads, orders, strict=True)], dtype=object)


def _use(s: Series, cols: list, metric: str,
         excluded: Mapping[tuple[str, str, str], np.datetime64]) -> np.ndarray:
    """(D, L): the days each column learns its rate from (not inside its open anomaly)."""
    use = np.ones((len(s.days), len(cols)), dtype=bool)
    for j, (level, key, _, _) in enumerate(cols):
        since = excluded.get((level, key, metric))
        if since is not None:
            use[:, j] = s.days < since
    return use


def _cpl(s: Series, cols: list, m: np.ndarray, skip: np.ndarray, use: np.ndarray
         ) -> list[Finding]:
    """Leads far below what the day's cost buys at the last 4 weeks' cost per lead."""
    cost = s.values["cost"].astype(float) @ m
    rows = leads_low(cost, s.values["leads"].astype(float) @ m, s.final("leads") @ m,
                     tuple(s.share(age, "leads") for age in (1, 2, 3)), ~skip, use)
    return [Finding("cpl_high", *_where(cols[j]), "cost_per_lead", s.days[-1], *v,
                    since=s.days[-run]) for j, v, run in rows]


def _roas(s: Series, cols: list, m: np.ndarray, skip: np.ndarray, use: np.ndarray
          ) -> list[Finding]:
    """Revenue far below what the day's cost buys at the last 4 weeks' ROAS."""
    cost = s.values["cost"].astype(float) @ m
    rows = revenue_low(cost, *(s.values[k].astype(float) @ m for k in ("purchases", "revenue")),
                       s.final("purchases") @ m, s.final("revenue") @ m,
                       (s.share(1, "purchases"), s.share(1, "revenue")), ~skip, use)
    return [Finding("roas_low", *_where(cols[j]), "roas", s.days[-1], *v) for j, v in rows]


def _per(cost: float, conversions: float) -> float:
    """Cost per conversion (infinite for none)."""
    return float(cost / conversions) if conversions > 0 else float("inf")


def _where(col: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    level, key, acct, chan = col
    return level, key, acct, chan


def _gap(s: Series, cols: list, m: np.ndarray) -> list[Finding]:
    """GA4 key events over Ads conversions, by their usual log ratio (median, MAD)."""
    ads = s.final("conversions") @ m
    ga4 = s.values["ga4_conversions"].astype(float) @ m
    if len(s.days) < GAP_AGE + 29:
        return []
    r = np.log((ga4 + 1) / (ads + 1))[: len(s.days) - GAP_AGE + 1]
    hist = r[-29:-1]
    med = np.nanmedian(hist, axis=0)
    sd = np.maximum(1.4826 * np.nanmedian(np.abs(hist - med), axis=0), 0.15)
    z = (r[-1] - med) / sd
    big = np.maximum(ga4[-GAP_AGE], ads[-GAP_AGE]) >= GAP_MIN
    hit = big & (np.abs(z) >= GAP_Z) & (np.abs(r[-1] - med) >= np.log(GAP_RATIO))
    return [Finding("ga4_ads_gap", *_where(cols[j]), "ga4_over_ads", s.days[-GAP_AGE],
                    float(np.exp(r[-1, j])), float(np.exp(med[j])),
                    float(np.exp(med[j] - 3 * sd[j])), float(np.exp(med[j] + 3 * sd[j])))
            for j in np.flatnonzero(hit)]


def _no_rows(s: Series) -> list[Finding]:
    """A source with rows on most of the last four weeks and none yesterday."""
    out = []
    for source, rows in s.rows.items():
        usual = (rows[-29:-1] > 0).mean() if len(rows) > 1 else 0.0
        if rows[-1] == 0 and usual >= 0.8:
            typical = float(np.median(rows[-29:-1]))
            out.append(Finding("no_rows", "source", source, "", "", "rows", s.days[-1], 0.0,
                               typical, 1.0, float(rows[-29:-1].max())))
    return out


def _explained(found: list[Finding]) -> list[Finding]:
    """Drop channel and account findings that a campaign finding of the same kind explains
    (a channel's CPL or ROAS: any campaign inside it whose conversions or outcome fell)."""
    campaigns = {(f.kind, f.account, f.channel) for f in found if f.level == "campaign"}
    accounts = {(f.kind, f.account) for f in found if f.level in ("campaign", "channel")}
    fell = {(f.account, f.channel) for f in found
            if f.level == "campaign" and f.kind in OUTCOME_KINDS}
    fell_in = {f.account for f in found if f.level != "account" and f.kind in OUTCOME_KINDS}
    return [f for f in found
            if not (f.level == "channel" and (f.kind, f.account, f.channel) in campaigns)
            and not (f.level == "account" and (f.kind, f.account) in accounts)
            and not (f.kind in ("cpl_high", "roas_low") and (
                (f.level == "channel" and (f.account, f.channel) in fell)
                or (f.level == "account" and f.account in fell_in)))]
