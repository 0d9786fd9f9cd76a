"""The ``privacy:`` section of the configuration: how long dated rows and reports are kept.

``retention_days`` unset keeps everything. Set, ``campaign-kpi purge`` without ``--older-than``
and the nightly run delete every row dated more than that many days before today (see
:mod:`pipelines.retention`). Fewer than 28 days is refused: week-on-week and month-on-month KPIs
compare a period with the one before it, so they need at least four weeks of history.

>>> Privacy().retention_days is None
True
>>> Privacy(retention_days=400).retention_days
400
>>> Privacy(retention_days=7)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Privacy
retention_days
  Value error, 7 days is too short: keep at least 28 days ...
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

MIN_RETENTION_DAYS = 28
WHY_MIN = "weekly and monthly KPIs are compared with the period before, which needs that history"


class Privacy(BaseModel):
    """How long the warehouse keeps dated rows (and the output folder its weekly reports)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    retention_days: int | None = None

    @field_validator("retention_days")
    @classmethod
    def _long_enough(cls, days: int | None) -> int | None:
        if days is not None and days < MIN_RETENTION_DAYS:
            raise ValueError(f"{days} days is too short: keep at least {MIN_RETENTION_DAYS} days "
                             f"({WHY_MIN}), or leave retention_days out to keep everything")
        return days
