"""The ``clv:`` section of the configuration (read by :class:`pipelines.config.Config`).

>>> ClvSettings(horizon_months=24).horizon_months
24
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClvSettings(_Strict):
    """Customer lifetime value: BG/NBD + Gamma-Gamma on weekly purchase histories.

    ``gross_margin`` is the share of revenue kept. Left out, CLV is computed on revenue (1.0)
    and :attr:`margin_set` is False: pages label CLV and CLV:CAC "on revenue, no margin set"
    and ``check-config`` warns, so a revenue ratio is never read as a margin one.

    >>> ClvSettings().margin_set, ClvSettings(gross_margin=0.35).margin_set
    (False, True)
    """

    horizon_months: int = Field(12, ge=1, le=120)  # future value counted this far ahead
    annual_discount_rate: float = Field(0.10, ge=0, le=1)
    gross_margin: float = Field(1.0, gt=0, le=1)  # CLV on revenue x margin (1 = revenue)
    # Customers whose first order is worth at least this (reporting currency) are modelled
    # apart: e.g. installations next to webshop baskets buy on different rhythms.
    high_value_first_order: float | None = Field(None, gt=0)

    @property
    def margin_set(self) -> bool:
        """Whether the configuration gives ``gross_margin`` (else CLV is on revenue)."""
        return "gross_margin" in self.model_fields_set
