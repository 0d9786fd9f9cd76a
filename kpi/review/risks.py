"""The risk register: what could make the period go wrong, gathered each night and kept.

Findings come from the night's tables (:func:`findings`): goals at risk, off track or missed
(``goal_progress``), budget lines pacing out of band (``budget_pacing``: investigate), open
anomalies (``alerts``), experiments with a sample-ratio mismatch (``experiment_results``) and
data-quality flags (sources behind or flagged days, from the extract log). A risk is identified
by (kind, level, key); :func:`fold` opens it once (``first_seen``), updates it while it lasts
(``last_seen``, the latest detail and figure) and closes it when it is gone (``closed_on``);
nothing is deleted. A night already folded changes nothing when folded again.

>>> f = Finding("srm", "experiment", "checkout", "Checkout", "srm_mismatch", 0.0001, "high")
>>> night1 = fold((), [f], dt.date(2026, 3, 2), {})
>>> [(r.status, str(r.first_seen)) for r in night1]
[('open', '2026-03-02')]
>>> night2 = fold(night1, [], dt.date(2026, 3, 3), {"srm": "Ann"})
>>> [(r.status, str(r.closed_on), r.owner) for r in night2]
[('closed', '2026-03-03', 'Ann')]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kpi.review.tables import RISKS_SCHEMA

GOAL_SEVERITY = {"missed": "high", "off_track": "high", "at_risk": "medium"}
ALERT_SEVERITY = {"broken_tag": "high", "stopped_spending": "high", "spend_spike": "high"}


@dataclass(frozen=True)
class Finding:
    """One risk seen tonight."""

    kind: str  # one of RISK_KINDS
    level: str
    key: str
    subject: str
    detail: str
    value: float | None
    severity: str

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.kind, self.level, self.key)


@dataclass(frozen=True)
class Risk:
    """One row of ``risk_register``."""

    risk_id: str
    kind: str
    level: str
    key: str
    subject: str
    detail: str
    value: float | None
    severity: str
    owner: str | None
    first_seen: dt.date
    last_seen: dt.date
    status: str  # open | closed
    closed_on: dt.date | None = None

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.kind, self.level, self.key)

    def row(self) -> dict[str, object]:
        return {c: getattr(self, c) for c in RISKS_SCHEMA.names}


def fold(kept: Sequence[Risk], found: Iterable[Finding], night: dt.date,
         owners: Mapping[str, str | None]) -> list[Risk]:
    """The register after ``night``'s findings; ``owners``: kind -> owner (for new risks and
    open ones, so a changed config applies)."""
    todo = {f.ident: f for f in found}
    out: list[Risk] = []
    for risk in kept:
        if risk.status != "open":
            out.append(risk)
            continue
        f = todo.pop(risk.ident, None)
        owner = owners.get(risk.kind, risk.owner)
        if f is None:
            out.append(dataclasses.replace(risk, status="closed", closed_on=night, owner=owner))
        else:
            out.append(dataclasses.replace(risk, subject=f.subject, detail=f.detail,
                                           value=f.value, severity=f.severity,
                                           last_seen=max(risk.last_seen, night), owner=owner))
    for f in todo.values():
        ident = hashlib.sha256("|".join([*f.ident, night.isoformat()]).encode()).hexdigest()
        out.append(Risk(ident[:16], f.kind, f.level, f.key, f.subject, f.detail, f.value,
                        f.severity, owners.get(f.kind), night, night, "open"))
    return sorted(out, key=lambda r: (r.first_seen, r.risk_id))


def _value(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def goal_findings(progress: pd.DataFrame) -> list[Finding]:
    """Goals at risk, off track or missed (``goal_progress`` rows of one night).

    >>> rows = pd.DataFrame({"goal_id": ["g1", "g2"], "name": ["Leads", "Sales"],
    ...     "level": "total", "status": ["off_track", "on_track"], "probability": [0.1, 0.9]})
    >>> [(f.key, f.detail, f.severity) for f in goal_findings(rows)]
    [('g1', 'off_track', 'high')]
    """
    return [Finding("goal", str(r["level"]), str(r["goal_id"]), str(r["name"]),
                    str(r["status"]), _value(r["probability"]), GOAL_SEVERITY[r["status"]])
            for r in progress.to_dict("records") if r["status"] in GOAL_SEVERITY]


def pacing_findings(pacing: pd.DataFrame, as_of: dt.date) -> list[Finding]:
    """Budget lines of the current period pacing out of band (status investigate)."""
    if pacing.empty:
        return []
    start = pd.to_datetime(pacing["period_start"]).dt.date
    end = pd.to_datetime(pacing["period_end"]).dt.date
    now = pacing[(start <= as_of) & (end >= as_of) & (pacing["status"] == "investigate")]
    out = []
    for r in now.to_dict("records"):
        name = str(r["name"] or "")
        direction = r.get("direction")
        detail = f"{direction}spend" if isinstance(direction, str) else "out_of_band"
        out.append(Finding("pacing", str(r["level"]), name or "account", name or "account",
                           detail, _value(r["pacing"]), "medium"))
    return out


def alert_findings(alerts: pd.DataFrame, names: Mapping[str, str]) -> list[Finding]:
    """Open anomalies (``alerts`` with status open)."""
    if alerts.empty:
        return []
    return [Finding("alert", str(r["level"]), f"{r['kind']}|{r['key']}|{r['metric']}",
                    names.get(str(r["key"]), str(r["key"])), str(r["kind"]),
                    _value(r["observed"]), ALERT_SEVERITY.get(str(r["kind"]), "medium"))
            for r in alerts[alerts["status"] == "open"].to_dict("records")]


def srm_findings(results: pd.DataFrame) -> list[Finding]:
    """Experiments whose arms' sizes do not match the planned split."""
    if results.empty or "srm_mismatch" not in results.columns:
        return []
    bad = results[results["srm_mismatch"].fillna(False).astype(bool)]
    bad = bad.drop_duplicates("experiment_id").sort_values("experiment_id")
    return [Finding("srm", "experiment", str(r["experiment_id"]), str(r["experiment_name"]),
                    "srm_mismatch", _value(r["srm_p_value"]), "high")
            for r in bad.to_dict("records")]


def quality_findings(behind: Mapping[str, int], flagged: Mapping[str, int]) -> list[Finding]:
    """Sources more than a day behind the night, and sources with flagged days (sampled,
    thresholded) in the last week.

    >>> [(f.key, f.detail) for f in quality_findings({"ga4": 3, "google_ads": 0}, {"ga4": 2})]
    [('ga4|behind', 'source_behind'), ('ga4|flagged', 'flagged_days')]
    """
    out = [Finding("data_quality", "source", f"{p}|behind", p, "source_behind", float(days),
                   "high" if days > 2 else "medium")
           for p, days in sorted(behind.items()) if days > 1]
    out += [Finding("data_quality", "source", f"{p}|flagged", p, "flagged_days", float(days),
                    "low") for p, days in sorted(flagged.items()) if days > 0]
    return out
