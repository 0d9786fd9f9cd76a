"""A small planted Meta ad account for the fake Graph API: campaigns, ad sets and, per ad set and
day, delivery and conversions by action type and attribution window, deterministic per cell.

The action types overlap as Meta's do: ``lead`` = the pixel's leads
(``offsite_conversion.fb_pixel_lead``) + lead-form leads (``onsite_conversion.lead_grouped``);
``omni_purchase`` = pixel purchases (``offsite_conversion.fb_pixel_purchase``) + on-Facebook
shop purchases (``onsite_conversion.purchase``). Windows nest as Meta's do (1d_click <=
7d_click <= 28d_click); 1d_view is the view-through part. Conversions of a day younger than
``RESTATEMENT_DAYS`` on ``as_of`` are reported in part (they keep arriving).

>>> account = PlantedAccount("1001001001", "EUR", "Europe/Brussels", seed=1)
>>> cells = account.cells(dt.date(2026, 3, 1), dt.date(2026, 3, 2))
>>> sorted(set(cells.date)), cells.adset_id.nunique()
([datetime.date(2026, 3, 1), datetime.date(2026, 3, 2)], 6)
>>> lead = cells.query("action_type == 'lead'").set_index(["date", "adset_id", "window"]).count_
>>> parts = cells[cells.action_type.isin(["offsite_conversion.fb_pixel_lead",
...                                       "onsite_conversion.lead_grouped"])]
>>> parts.groupby(["date", "adset_id", "window"]).count_.sum().equals(lead.sort_index())
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

WINDOWS = ("1d_click", "7d_click", "28d_click", "1d_view")
DEFAULT_WINDOWS = ("7d_click", "1d_view")  # the account's attribution setting ("value")
RESTATEMENT_DAYS = 28
FIRST_DAY, LAST_DAY = dt.date(2026, 1, 1), dt.date(2026, 3, 31)

# campaign id, name, objective, status, [(ad set id, name)], first and last day of delivery
CAMPAIGNS = (
    ("120210000000000101", "Prospectie NL – offerte", "OUTCOME_LEADS", "ACTIVE",
     (("120210000000001011", "NL 25-54 interesses"), ("120210000000001012", "NL lookalike 1%")),
     FIRST_DAY, LAST_DAY),
    ("120210000000000102", "Prospection FR – devis", "OUTCOME_LEADS", "PAUSED",
     (("120210000000001021", "FR 25-54 intérêts"), ("120210000000001022", "FR Instagram")),
     FIRST_DAY, dt.date(2026, 3, 20)),
    ("120210000000000103", "Retargeting – webshop", "OUTCOME_SALES", "ACTIVE",
     (("120210000000001031", "Bezoekers 30 dagen"), ("120210000000001032", "Winkelmand 7 d")),
     FIRST_DAY, LAST_DAY),
    ("120210000000000104", "Winterkoopjes 2026", "OUTCOME_SALES", "ARCHIVED",
     (("120210000000001041", "Breed BE"),), FIRST_DAY, dt.date(2026, 1, 31)),
)
# What each objective converts: (action type, parts of it) for leads and purchases.
LEAD_PARTS = ("offsite_conversion.fb_pixel_lead", "onsite_conversion.lead_grouped")
PURCHASE_PARTS = ("offsite_conversion.fb_pixel_purchase", "onsite_conversion.purchase")
CELL_COLUMNS = ("date", "account_id", "campaign_id", "adset_id", "action_type", "window",
                "count_", "value")


@dataclass(frozen=True)
class PlantedAccount:
    """One ad account: its ID (digits), currency, time zone, a seed, and the day the data is
    seen on (``as_of``; default: every day final)."""

    account_id: str
    currency: str
    time_zone: str
    seed: int = 1
    name: str = "Planted account"
    as_of: dt.date | None = None

    def campaigns(self) -> list[dict[str, str]]:
        """Every campaign of the account (archived ones included): id, name, objective,
        status."""
        return [{"id": c[0], "name": c[1], "objective": c[2], "status": c[3]} for c in CAMPAIGNS]

    def _rng(self, day: dt.date, adset: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, day.toordinal(), int(adset) % 100_000])

    def _maturity(self, day: dt.date) -> float:
        if self.as_of is None:
            return 1.0
        return min(1.0, max((self.as_of - day).days, 0) / RESTATEMENT_DAYS)

    def _days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        last = min(end, self.as_of - dt.timedelta(days=1)) if self.as_of else end
        return [start + dt.timedelta(days=i) for i in range((last - start).days + 1)]

    def delivery(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Per ad set and day with delivery: names, objective, and delivery numbers."""
        rows = []
        for day in self._days(start, end):
            for cid, cname, objective, _, adsets, first, last in CAMPAIGNS:
                if not first <= day <= last:
                    continue
                for aid, aname in adsets:
                    rng = self._rng(day, aid)
                    impressions = int(rng.integers(800, 6000))
                    reach = int(impressions * rng.uniform(0.6, 0.9))
                    clicks = int(impressions * rng.uniform(0.008, 0.03))
                    rows.append({"date": day, "account_id": self.account_id, "campaign_id": cid,
                                 "campaign_name": cname, "objective": objective,
                                 "adset_id": aid, "adset_name": aname,
                                 "impressions": impressions, "reach": reach, "clicks": clicks,
                                 "link_clicks": int(clicks * rng.uniform(0.5, 0.9)),
                                 "spend": round(float(rng.uniform(8, 90)), 2)})
        return pd.DataFrame(rows)

    def cells(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Conversions per ad set, day, action type and window (:data:`CELL_COLUMNS`), as
        seen on ``as_of``; zero cells left out."""
        rows = []
        for rec in self.delivery(start, end).to_dict("records"):
            rng = self._rng(rec["date"], rec["adset_id"] + "7")
            share = self._maturity(rec["date"])
            leads = rec["objective"] == "OUTCOME_LEADS"
            parts = LEAD_PARTS if leads else PURCHASE_PARTS
            whole = "lead" if leads else "omni_purchase"
            totals = {w: [0, 0.0] for w in WINDOWS}
            for part in parts:
                seven = int(rng.integers(0, 9))
                counts = {"1d_click": int(seven * rng.uniform(0.5, 1.0)), "7d_click": seven,
                          "28d_click": seven + int(rng.integers(0, 3)),
                          "1d_view": int(rng.integers(0, 4))}
                for window, final in counts.items():
                    count = int(np.floor(final * share))
                    value = 0.0 if leads else round(count * float(rng.uniform(30, 120)), 2)
                    totals[window][0] += count
                    totals[window][1] = round(totals[window][1] + value, 2)
                    rows.append((rec["date"], self.account_id, rec["campaign_id"],
                                 rec["adset_id"], part, window, count, value))
            for window, (count, value) in totals.items():
                rows.append((rec["date"], self.account_id, rec["campaign_id"], rec["adset_id"],
                             whole, window, count, value))
                if not leads:  # Meta reports "purchase" too, equal to omni_purchase here
                    rows.append((rec["date"], self.account_id, rec["campaign_id"],
                                 rec["adset_id"], "purchase", window, count, value))
            link = rec["link_clicks"]  # a non-conversion action, as Meta lists it too
            rows.append((rec["date"], self.account_id, rec["campaign_id"], rec["adset_id"],
                         "link_click", "1d_click", link, 0.0))
        frame = pd.DataFrame(rows, columns=list(CELL_COLUMNS))
        return frame[frame["count_"] > 0].reset_index(drop=True)

    def expected(self, start: dt.date, end: dt.date, windows: tuple[str, ...],
                 lead_types: tuple[str, ...], purchase_types: tuple[str, ...]) -> pd.DataFrame:
        """The ``meta_adset_daily`` rows a correct connector returns (no ``extracted_at``)."""
        base = self.delivery(start, end)
        cells = self.cells(start, end)
        key = ["date", "adset_id"]

        def total(types: tuple[str, ...], wins: tuple[str, ...], column: str) -> pd.Series:
            chosen = cells[cells.action_type.isin(types) & cells.window.isin(wins)]
            summed = chosen.groupby(key)[column].sum().astype(float)
            return base.set_index(key).index.map(summed).fillna(0.0).to_numpy(dtype=float)

        views = tuple(w for w in windows if w.endswith("_view") or w.endswith("_ev"))
        status = {c[0]: c[3] for c in CAMPAIGNS}
        out = base.assign(
            campaign_status=base["campaign_id"].map(status),
            leads=total(lead_types, windows, "count_"),
            purchases=total(purchase_types, windows, "count_"),
            purchase_value=total(purchase_types, windows, "value"),
            leads_view=total(lead_types, views, "count_"),
            purchases_view=total(purchase_types, views, "count_"),
            purchase_value_view=total(purchase_types, views, "value"),
            attribution_setting=",".join(windows), currency_code=self.currency,
            time_zone=self.time_zone)
        return out


ACCOUNT = PlantedAccount("1001001001", "EUR", "Europe/Brussels", seed=1,
                         name="Planted BE webshop")
SECOND = PlantedAccount("2002002002", "GBP", "Europe/London", seed=2, name="Planted UK")
