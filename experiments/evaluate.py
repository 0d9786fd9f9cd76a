"""Sufficient-statistic rows + specs -> one result row per experiment × arm × metric.

Per experiment: SRM over all arms; per metric: CUPED when the metric has a covariate; every
treatment vs the control with Welch t (absolute and relative, delta method); an exact test for
small proportions; the family of treatment arms × metrics adjusted by the spec's correction on
each row's decision p-value (exact, relative or absolute, always-valid for sequential designs:
see :mod:`experiments.decision`) with matching adjusted intervals; Bayesian chance to win and
risk (flat prior); the confidence sequence for sequential designs; units needed for the spec's
power at the metric's MDE and days remaining; and a decision (see :func:`decide`). The control
gets one row per metric too. Factorial specs also get :func:`evaluate_factorial` (main effects
and interactions).

Degenerate input never raises: values that cannot be computed are NaN and ``null_reason`` says
why (see :mod:`experiments.reasons`); ``error`` holds the engine's message when no test at all
could decide (decision ``error``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments import bayesian, multiple, power, sequential
from experiments.cuped import adjust_arms
from experiments.decision import decide, decision_p_values
from experiments.exact import exact_test, needs_exact
from experiments.factorial import effects
from experiments.reasons import null_reason
from experiments.results import SRM_THRESHOLD, ExactResult
from experiments.spec import ExperimentSpec, Metric
from experiments.srm import srm_test
from experiments.stats import (
    Moments,
    ProportionStats,
    RatioStats,
    RegressionAdjustedStats,
    SampleMeanStats,
)
from experiments.vectorised import NOT_FINITE, interval, welch


def arm_stats(row: pd.Series | None, metric: Metric):
    """The statistics object of one sufficient-statistic row (an empty arm when None)."""
    if row is None:
        return ProportionStats(0, 0.0)
    n = int(row["n"])
    if metric.covariate:
        return RegressionAdjustedStats(n, row["num_sum"], row["num_sum_sq"], row["pre_sum"],
                                       row["pre_sum_sq"], row["num_pre_sum"])
    if metric.kind == "proportion":
        return ProportionStats(n, row["num_sum"])
    if metric.kind == "ratio":
        return RatioStats(n, row["num_sum"], row["num_sum_sq"], row["den_sum"],
                          row["den_sum_sq"], row["num_den_sum"])
    return SampleMeanStats(n, row["num_sum"], row["num_sum_sq"])


def _moments(spec: ExperimentSpec, metric: Metric, rows: pd.DataFrame) -> tuple[dict, dict]:
    found = {r["arm"]: r for _, r in rows[rows["metric_id"] == metric.id].iterrows()}
    raw = {a: arm_stats(found.get(a), metric) for a in spec.arm_ids}
    info = {"cuped_applied": False, "cuped_theta": math.nan, "cuped_message": None, "raw": raw}
    if metric.covariate:
        present = [a for a in spec.arm_ids if a in found and raw[a].n > 0]
        cuped = adjust_arms([raw[a] for a in present]) if present else None
        if cuped is not None:
            info.update(cuped_applied=cuped.applied, cuped_theta=cuped.theta,
                        cuped_message=cuped.message)
            moments = dict(zip(present, cuped.arms, strict=True))
            return {a: moments.get(a, Moments(0, math.nan, math.nan)) for a in spec.arm_ids}, info
    return {a: Moments(s.n, s.mean, s.variance) for a, s in raw.items()}, info


def _needed(spec: ExperimentSpec, metric: Metric, control: Moments) -> float:
    if not (control.mean > 0 and control.variance > 0):
        return math.nan
    kind = "proportion" if metric.kind == "proportion" and not metric.covariate else "mean"
    kw = {"mde": metric.mde, "kind": kind, "alpha": spec.alpha, "power": spec.power}
    if spec.design == "sequential":
        return power.sequential_sample_size(control.mean, control.variance,
                                            tuning=spec.sequential_tuning, **kw)
    return power.sample_size(control.mean, control.variance, two_sided=spec.two_sided, **kw)


def _experiment(spec: ExperimentSpec, rows: pd.DataFrame, as_of: dt.date | None) -> list[dict]:
    counts = [float(rows.loc[rows["arm"] == a, "n"].max()) if (rows["arm"] == a).any() else 0.0
              for a in spec.arm_ids]
    srm = srm_test(counts, spec.planned_weights)
    day = spec.end if as_of is None else min(as_of, spec.end)
    days, ended = max((day - spec.start).days + 1, 0), as_of is None or as_of >= spec.end
    treatments = [a for a in spec.arm_ids if a != spec.control]
    out, pairs = [], []
    for metric in spec.metrics:
        moments, info = _moments(spec, metric, rows)
        ctrl = moments[spec.control]
        needed = _needed(spec, metric, ctrl)
        base = {"experiment_id": spec.id, "experiment_name": spec.name, "metric_id": metric.id,
                "metric_kind": metric.kind,
                **{f"metric_label_{lang}": metric.label(lang) for lang in ("nl", "fr", "en")},
                "higher_is_better": metric.higher_is_better,
                "control": spec.control, "control_label": spec.arm(spec.control).label,
                "n_control": ctrl.n, "control_mean": ctrl.mean,
                "design": spec.design, "alpha": spec.alpha, "two_sided": spec.two_sided,
                "distribution": "t", "scale": "relative", "correction": spec.correction,
                "srm_p_value": srm.p_value, "srm_mismatch": srm.mismatch,
                "days_elapsed": days, "n_needed_per_arm": needed, "power": spec.power,
                "power_mde": metric.mde, "cuped_applied": info["cuped_applied"],
                "cuped_theta": info["cuped_theta"], "cuped_message": info["cuped_message"]}
        out.append({**base, "arm": spec.control, "arm_label": spec.arm(spec.control).label,
                    "is_control": True, "n": ctrl.n, "mean": ctrl.mean, "error": None,
                    "null_reason": "empty_arm" if not ctrl.n > 0 else None,
                    "decision_test": None, "decision_p_value": math.nan})
        for arm in treatments:
            m = moments[arm]
            out.append({**base, "arm": arm, "arm_label": spec.arm(arm).label,
                        "is_control": False, "n": m.n, "mean": m.mean})
            pairs.append((len(out) - 1, metric, ctrl, m, info["raw"][spec.control],
                          info["raw"][arm]))
    if pairs:
        _fill(spec, out, pairs, days, ended)
    for row in out:
        row.setdefault("p_adjusted", math.nan)
        row["decision"] = decide(row, spec.alpha, ended)
    return out


def _exact(metric: Metric, control: object, treatment: object,
           two_sided: bool) -> ExactResult | None:
    """The exact test of a proportion with small counts (None when it does not apply)."""
    if not (metric.kind == "proportion" and isinstance(control, ProportionStats)
            and isinstance(treatment, ProportionStats) and needs_exact(control, treatment)):
        return None
    return exact_test(control, treatment, two_sided=two_sided)


def _fill(spec: ExperimentSpec, out: list[dict], pairs: list, days: int, ended: bool) -> None:
    idx = [i for i, *_ in pairs]
    cols = {k: np.array([out[i][k] for i in idx], dtype=float)
            for k in ("n_control", "control_mean", "n", "mean")}
    var_c = np.array([p[2].variance if p[2].n else np.nan for p in pairs], dtype=float)
    var_t = np.array([p[3].variance if p[3].n else np.nan for p in pairs], dtype=float)
    args = (cols["n_control"], cols["control_mean"], var_c, cols["n"], cols["mean"], var_t)
    kw = {"alpha": spec.alpha, "two_sided": spec.two_sided}
    ab, rel = welch(*args, relative=False, **kw), welch(*args, relative=True, **kw)
    z = welch(*args, relative=True, alpha=spec.alpha, distribution="z")
    n_total = cols["n_control"] + cols["n"]
    seq_low, seq_high = sequential.confidence_sequence(z.estimate, z.se, n_total, spec.alpha,
                                                       spec.sequential_tuning)
    seq_p = sequential.p_value(z.estimate, z.se, n_total, spec.sequential_tuning)
    is_seq = spec.design == "sequential"
    exact = [_exact(metric, c_raw, t_raw, spec.two_sided)
             for _, metric, _c, _t, c_raw, t_raw in pairs]
    exact_p = np.array([e.p_value if e else np.nan for e in exact], dtype=float)
    if is_seq:
        z_abs = welch(*args, relative=False, alpha=spec.alpha, distribution="z")
        seq_abs_p = sequential.p_value(z_abs.estimate, z_abs.se, n_total, spec.sequential_tuning)
        family, tests = decision_p_values(rel.p_value, ab.p_value, exact_p,
                                          sequential_relative=seq_p,
                                          sequential_absolute=seq_abs_p)
    else:
        family, tests = decision_p_values(rel.p_value, ab.p_value, exact_p)
    p_adj = multiple.adjust(family, spec.correction)
    adj_alpha = multiple.adjusted_alpha(family, spec.correction, spec.alpha)
    if is_seq:
        adj_low, adj_high = sequential.confidence_sequence(z.estimate, z.se, n_total, adj_alpha,
                                                           spec.sequential_tuning)
    else:
        adj_low, adj_high = interval(rel.estimate, rel.se, rel.df, adj_alpha, spec.two_sided)
    post = bayesian.posterior(
        z.estimate, z.se, alpha=spec.alpha, prior_mean=spec.prior_mean,
        prior_variance=None if spec.prior_sd is None else spec.prior_sd ** 2)
    for j, (i, *_rest) in enumerate(pairs):
        row = out[i]
        row.update({f"abs_{k}": float(getattr(ab, k)[j])
                    for k in ("estimate", "ci_low", "ci_high", "p_value")})
        row.update({f"rel_{k}": float(getattr(rel, k)[j])
                    for k in ("estimate", "ci_low", "ci_high", "p_value", "df")})
        message = rel.error[j] or ab.error[j]
        decided = bool(np.isfinite(family[j]))
        row.update(p_adjusted=p_adj[j], adj_alpha=adj_alpha, adj_ci_low=adj_low[j],
                   adj_ci_high=adj_high[j], chance_to_win=post.chance_to_win[j],
                   risk_treatment=post.risk_treatment[j], risk_control=post.risk_control[j],
                   seq_ci_low=seq_low[j] if is_seq else math.nan,
                   seq_ci_high=seq_high[j] if is_seq else math.nan,
                   seq_p_value=seq_p[j] if is_seq else math.nan,
                   decision_test=tests[j], decision_p_value=float(family[j]),
                   null_reason=null_reason(message, row["n_control"], row["n"]),
                   error=None if decided else (message or NOT_FINITE))
        ran = exact[j] is not None and exact[j].error is None
        row["exact_method"] = exact[j].method if ran else None
        row["exact_p_value"] = exact_p[j]
        n_now = min(row["n"], row["n_control"])
        row["days_remaining"] = 0 if ended else power.days_to_power(
            row["n_needed_per_arm"], n_now, days)


def evaluate(
    stats: pd.DataFrame, specs: Sequence[ExperimentSpec], *, as_of: dt.date | None = None
) -> pd.DataFrame:
    """One row per experiment × arm × metric; ``as_of`` (default: each end) sets days elapsed."""
    rows = []
    for spec in specs:
        rows += _experiment(spec, stats[stats["experiment_id"] == spec.id], as_of)
    return pd.DataFrame(rows)


def evaluate_factorial(stats: pd.DataFrame, specs: Sequence[ExperimentSpec]) -> pd.DataFrame:
    """Main effects and interactions (absolute scale) of every factorial spec and metric."""
    rows = []
    for spec in (s for s in specs if s.factors):
        mine = stats[stats["experiment_id"] == spec.id]
        for metric in spec.metrics:
            moments, _ = _moments(spec, metric, mine)
            cells = {spec.arm(a).levels: moments[a] for a in spec.arm_ids}
            for e in effects(cells, spec.factors, alpha=spec.alpha, two_sided=spec.two_sided):
                rows.append({"experiment_id": spec.id, "metric_id": metric.id,
                             "effect": e.name, "order": e.order, "estimate": e.estimate,
                             "ci_low": e.ci_low, "ci_high": e.ci_high, "p_value": e.p_value,
                             "significant": bool(multiple.rejects(e.p_value, spec.alpha)),
                             "alpha": spec.alpha,
                             "scale": "absolute", "error": e.error})
    return pd.DataFrame(rows)


__all__ = ["SRM_THRESHOLD", "arm_stats", "decide", "evaluate", "evaluate_factorial"]
