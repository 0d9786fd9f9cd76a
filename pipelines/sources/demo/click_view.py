"""The demo Google Ads account's ``click_view``: the clicks behind the demo CRM's Google Ads
contacts, with the same raw gclids the demo CRM holds (``Cj0KCQdemo<contact id>``).

Each quote-form contact of a Google Ads campaign (:mod:`.crm_simulate`, origin
``google_form``) clicked on its lead day: the row says that day, the contact's campaign and the
campaign's ad group with the most clicks that day (none for Performance Max, which has no ad
groups). The demo lists only the clicks that became contacts: a real account lists every click
(thousands a day), nearly all of which never reach the CRM; matching only looks clicks up, so
the difference does not show downstream. Call-back (phone) leads carry no gclid, like
HubSpot's calls logged by hand.

The rows depend on each day alone (the CRM's per-day draws), so a shorter range gives the same
rows for its days.

>>> import datetime as dt
>>> from pipelines.sources.demo.simulate import simulate
>>> clicks = click_rows(simulate(dt.date(2026, 3, 1), dt.date(2026, 3, 10), seed=7))
>>> list(clicks.columns)
['date', 'gclid', 'campaign_id', 'ad_group_id']
>>> bool(clicks.gclid.str.startswith("Cj0KCQdemo").all()), clicks.gclid.is_unique
(True, True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.sources.demo.crm_simulate import life_table
from pipelines.sources.demo.simulate import Truth

CLICK_COLUMNS = ("date", "gclid", "campaign_id", "ad_group_id")


def busiest_ad_groups(truth: Truth) -> dict[tuple[object, str], str | None]:
    """(day, campaign ID) -> the ID of the campaign's ad group with the most clicks that day
    (the first listed on a tie or a day without clicks; None for a campaign without ad
    groups)."""
    out: dict[tuple[object, str], str | None] = {}
    days = truth.days.astype(object)
    for c, campaign in enumerate(truth.campaigns):
        units = [u for u in np.flatnonzero(truth.unit_campaign == c)
                 if truth.unit_ad_group[u] is not None]
        for i, day in enumerate(days):
            if not units:
                out[(day, campaign.id)] = None
                continue
            best = units[int(np.argmax(truth.clicks[i, units]))]
            group = truth.unit_ad_group[best]
            out[(day, campaign.id)] = group.id if group is not None else None
    return out


def click_rows(truth: Truth, life: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per Google Ads click that became a demo CRM contact (:data:`CLICK_COLUMNS`,
    the RAW gclid: a source pseudonymises it before storing), ordered by day then gclid."""
    life = life_table(truth) if life is None else life
    clicked = life[life["gclid"].notna() & (life["platform"] == "google_ads")]
    groups = busiest_ad_groups(truth)
    frame = pd.DataFrame({
        "date": clicked["lead_date"].to_numpy(), "gclid": clicked["gclid"].to_numpy(),
        "campaign_id": clicked["campaign_id"].astype(str).to_numpy(),
        "ad_group_id": [groups[(d, c)] for d, c in zip(clicked["lead_date"],
                                                       clicked["campaign_id"], strict=True)]},
        columns=list(CLICK_COLUMNS))
    return frame.sort_values(["date", "gclid"], kind="stable").reset_index(drop=True)
