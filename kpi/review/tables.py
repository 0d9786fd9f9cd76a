"""The review cycle's tables: their names and columns, shared by what writes and what reads them.

- ``goal_progress``: one row per goal per night (``as_of``: the last day of data judged); a
  re-run of the same night replaces its rows, earlier nights are kept (a goal's history).
  A figure that cannot be computed is null and ``reason`` says why.
- ``risk_register``: one row per risk, opened once, updated while it lasts, closed when it is
  gone (never deleted), like the ``alerts`` table.

>>> GOALS_SCHEMA.names[:4]
['goal_id', 'name', 'level', 'series_key']
>>> STATUSES
('achieved', 'on_track', 'at_risk', 'off_track', 'missed', 'not_started', 'unknown')
"""

from __future__ import annotations

import pyarrow as pa

GOALS_TABLE = "goal_progress"
RISKS_TABLE = "risk_register"

STATUSES = ("achieved", "on_track", "at_risk", "off_track", "missed", "not_started", "unknown")
RISK_KINDS = ("goal", "pacing", "alert", "srm", "data_quality")
SEVERITIES = ("high", "medium", "low")

GOALS_SCHEMA = pa.schema([
    ("goal_id", pa.string()),  # stable: a hash of the goal's name and scope
    ("name", pa.string()),
    ("level", pa.string()),  # total | channel | campaign (kpi_values' levels)
    ("series_key", pa.string()),  # kpi_values' key: "||", "Paid Search||", "ch|gads:1|"
    ("measure", pa.string()),  # a volume (leads, purchases, revenue, cost, ...) or a KPI id
    ("target", pa.float64()),
    ("kpi", pa.string()),  # the condition's KPI ("500 leads at CPL <= 40"), or null
    ("kpi_target", pa.float64()),
    ("start", pa.date32()),
    ("deadline", pa.date32()),
    ("as_of", pa.date32()),
    ("owner", pa.string()),
    ("actual", pa.float64()),  # the measure so far (start .. as_of), lag-aware
    ("kpi_actual", pa.float64()),
    ("forecast", pa.float64()),  # expected at the deadline
    ("forecast_low", pa.float64()),  # 80 % interval
    ("forecast_high", pa.float64()),
    ("kpi_forecast", pa.float64()),
    ("probability", pa.float64()),  # of meeting the goal (volume and condition)
    ("status", pa.string()),  # one of STATUSES
    ("reason", pa.string()),  # why a figure is null / unknown; else null
])

RISKS_SCHEMA = pa.schema([
    ("risk_id", pa.string()),  # stable: a hash of kind, scope and subject
    ("kind", pa.string()),  # one of RISK_KINDS
    ("level", pa.string()),  # total | channel | campaign | source | experiment
    ("key", pa.string()),  # series key, campaign key, experiment id, check name
    ("subject", pa.string()),  # what a reader recognises: goal, campaign or experiment name
    ("detail", pa.string()),  # the reason in short codes, e.g. "off_track" or "overspend"
    ("value", pa.float64()),  # the figure behind it (probability, pacing, ...), or null
    ("severity", pa.string()),  # one of SEVERITIES
    ("owner", pa.string()),
    ("first_seen", pa.date32()),
    ("last_seen", pa.date32()),
    ("status", pa.string()),  # open | closed
    ("closed_on", pa.date32()),
])
