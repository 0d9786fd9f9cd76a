"""Each CRM contact matched to a campaign key of the unified model (:mod:`kpi.model`).

Levels, tried in this order (:data:`LEVELS`):

1. ``click_id``: the contact's ``gclid_key`` is in Google Ads' ``click_view``
   (``raw_ads_click_view``, pseudonymised with the same key): the click's campaign
   (``gads:<id>``), whatever the UTM says (the click is what the ad platform paid for; a UTM
   can be stale, copied or hand-made).
2. ``campaign_id``: ``utm_campaign`` is a Google Ads campaign ID (``gads:<id>``) or, failing
   that, a Meta campaign ID (``meta:<id>``): the ValueTrack / Meta URL-parameter tagging.
3. ``campaign_name``: ``utm_campaign`` equals a name the campaign had at any time (case and
   white space ignored); a name two campaigns shared goes to the platform the contact's
   ``original_source`` points at, else to the one seen last.
4. ``drill_down``: a paid source's second drill-down (``source_drill_2``) is a campaign ID or
   name of that source's platform: where the CRM's ad integrations put the campaign of a
   contact that never visited the site (Meta lead ads synced into HubSpot carry no UTM).
5. ``click_id_unresolved``: no campaign yet but a ``gclid_key`` / ``fbclid_key``: a gclid not in
   the click view (clicked more than 90 days before the pulls began, or in an account not
   pulled) or a Meta click id (Meta has no click lookup). Counted on its source's channel (as
   level 6) and reported apart.
6. ``source``: only ``original_source`` is known: the key ``crm:<SOURCE>`` on that source's
   channel (campaign unknown), so channel and account totals stay whole.
7. ``unmatched``: nothing to go on: ``crm:unknown`` in the "other" channel.

A contact's lead date is ``lead_at`` if set, else ``created_at``, in the reporting time zone.

>>> contacts = pd.DataFrame({
...     "contact_key": ["a", "b", "c", "d", "e"],
...     "created_at": pd.to_datetime(["2026-03-01T23:30:00Z"] * 5, utc=True),
...     "lead_at": pd.to_datetime([None] * 5, utc=True),
...     "utm_campaign": ["111", " spring  SALE ", None, None, None],
...     "original_source": ["PAID_SEARCH", "PAID_SOCIAL", "PAID_SEARCH", "REFERRALS", None],
...     "gclid_key": ["g2", None, "g1", None, None], "fbclid_key": [None] * 5})
>>> campaigns = pd.DataFrame({"campaign_key": ["gads:111", "meta:9"],
...     "campaign_id": ["111", "9"], "campaign_name": ["Brand", "Spring sale"],
...                           "last_date": [dt.date(2026, 3, 1)] * 2})
>>> clicks = pd.DataFrame({"gclid_key": ["g2"], "campaign_id": ["222"],
...                        "date": [dt.date(2026, 3, 1)]})
>>> out = match_contacts(contacts, campaigns, SourceChannels(), "Europe/Brussels", clicks)
>>> out[["campaign_key", "match_level", "channel"]].fillna("-").values.tolist()
[['gads:222', 'click_id', '-'], ['meta:9', 'campaign_name', '-'],
 ['crm:PAID_SEARCH', 'click_id_unresolved', 'Paid Search'],
 ['crm:REFERRALS', 'source', 'Referral'], ['crm:unknown', 'unmatched', 'Other']]
>>> str(out["lead_date"][0])  # 23:30 UTC is the next day in Brussels
'2026-03-02'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

MatchLevel = Literal["click_id", "campaign_id", "campaign_name", "drill_down",
                     "click_id_unresolved", "source", "unmatched"]
LEVELS: tuple[MatchLevel, ...] = ("click_id", "campaign_id", "campaign_name", "drill_down",
                                  "click_id_unresolved", "source", "unmatched")
RESOLVED: tuple[MatchLevel, ...] = ("click_id", "campaign_id", "campaign_name", "drill_down")
CLICK_COLUMNS = ("gclid_key", "campaign_id", "date")  # what matching reads of the click view
CRM_PREFIX = "crm:"
UNKNOWN_KEY = "crm:unknown"
# HubSpot's original sources, and the paid platform each points at (to settle shared names).
SOURCES = ("PAID_SEARCH", "PAID_SOCIAL", "ORGANIC_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA",
           "REFERRALS", "DIRECT_TRAFFIC", "OTHER_CAMPAIGNS", "OFFLINE")
PLATFORM_OF_SOURCE = {"PAID_SEARCH": "gads:", "PAID_SOCIAL": "meta:"}
MATCH_COLUMNS = ("contact_key", "lead_date", "campaign_key", "match_level", "channel",
                 "original_source")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SourceChannels:
    """The model's channel of each CRM original source (campaign unknown); a source not listed
    goes to ``other``. The defaults follow the default channel rules of the configuration."""

    by_source: dict[str, str] = field(default_factory=lambda: {
        "PAID_SEARCH": "Paid Search", "PAID_SOCIAL": "Paid Social",
        "ORGANIC_SEARCH": "Organic Search", "EMAIL_MARKETING": "Email",
        "SOCIAL_MEDIA": "Organic Social", "REFERRALS": "Referral",
        "DIRECT_TRAFFIC": "Direct"})
    other: str = "Other"

    def of(self, source: str | None) -> str:
        return self.by_source.get(source or "", self.other)


def normalise_name(name: object) -> str:
    """A campaign name compared without case and white space.

    >>> normalise_name("  Spring\\tSALE 2026 ")
    'springsale2026'
    """
    return _SPACE.sub("", str(name)).casefold() if name is not None and name == name else ""


def lead_dates(contacts: pd.DataFrame, time_zone: str) -> pd.Series:
    """``lead_at`` if set else ``created_at``, as dates in ``time_zone``."""
    when = pd.to_datetime(contacts["lead_at"], utc=True).fillna(
        pd.to_datetime(contacts["created_at"], utc=True))
    return when.dt.tz_convert(time_zone).dt.date


def _blank(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.isna() | (text == "")


def _name_index(campaigns: pd.DataFrame) -> dict[str, list[str]]:
    """Normalised name -> campaign keys that had it, the one seen last first."""
    named = campaigns.assign(_n=campaigns["campaign_name"].map(normalise_name))
    named = named[named["_n"] != ""].sort_values("last_date", ascending=False, kind="stable")
    index: dict[str, list[str]] = {}
    for name, key in zip(named["_n"], named["campaign_key"], strict=True):
        keys = index.setdefault(name, [])
        if key not in keys:
            keys.append(key)
    return index


def _by_name(utm: str, source: str | None, index: dict[str, list[str]]) -> str | None:
    keys = index.get(normalise_name(utm))
    if not keys:
        return None
    preferred = PLATFORM_OF_SOURCE.get(source or "")
    return next((k for k in keys if preferred and k.startswith(preferred)), keys[0])


def _from_drill_down(drill: str, source: str, ids: dict[str, set[str]],
                     index: dict[str, list[str]]) -> str | None:
    """The campaign of ``source``'s platform whose ID or name the drill-down holds."""
    platform = PLATFORM_OF_SOURCE[source]
    if platform + drill in ids.get(drill, set()):
        return platform + drill
    named = index.get(normalise_name(drill), [])
    return next((k for k in named if k.startswith(platform)), None)


def click_campaigns(clicks: pd.DataFrame | None) -> dict[str, str]:
    """gclid_key -> ``gads:<campaign id>`` from click view rows (:data:`CLICK_COLUMNS`); a key
    listed twice (two accounts, a re-dated click) takes its latest day's campaign.

    >>> click_campaigns(pd.DataFrame({"gclid_key": ["g", "g", None], "campaign_id": ["1", "2",
    ...     "3"], "date": [dt.date(2026, 3, 2), dt.date(2026, 3, 1), dt.date(2026, 3, 1)]}))
    {'g': 'gads:1'}
    """
    if clicks is None or clicks.empty:
        return {}
    rows = clicks.dropna(subset=["gclid_key", "campaign_id"]).sort_values("date", kind="stable")
    return {str(k): "gads:" + str(c)
            for k, c in zip(rows["gclid_key"], rows["campaign_id"], strict=True)}


def match_contacts(contacts: pd.DataFrame, campaigns: pd.DataFrame, channels: SourceChannels,
                   time_zone: str, clicks: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per contact (:data:`MATCH_COLUMNS`): its lead date, campaign key and match
    level. ``campaigns`` holds every (campaign_key, campaign_id, campaign_name, last_date) the
    ad platforms reported (all names a campaign had); ``clicks`` the Google Ads click view
    (:data:`CLICK_COLUMNS`; None: not pulled); ``channel`` is set for ``crm:`` keys only (a
    platform campaign's channel is the dimension table's)."""
    by_click = click_campaigns(clicks)
    ids = {}
    for key, cid in zip(campaigns["campaign_key"], campaigns["campaign_id"], strict=True):
        ids.setdefault(str(cid), set()).add(key)
    index = _name_index(campaigns)
    utm = contacts["utm_campaign"].astype("string").str.strip()
    blank_utm = _blank(contacts["utm_campaign"])
    clicked = ~(_blank(contacts["gclid_key"]) & _blank(contacts["fbclid_key"]))
    gclids = contacts["gclid_key"].astype("string").str.strip()
    sources = contacts["original_source"].astype("string")
    drills = (contacts["source_drill_2"].astype("string").str.strip()
              if "source_drill_2" in contacts else pd.Series(pd.NA, index=contacts.index))
    rows = []
    for u, no_utm, click, gclid, source, drill in zip(utm, blank_utm, clicked, gclids, sources,
                                                      drills, strict=True):
        source = None if pd.isna(source) or not str(source).strip() else str(source).strip()
        key = None if pd.isna(gclid) else by_click.get(str(gclid))
        level = "click_id" if key else None
        if key is None and not no_utm:
            known = ids.get(str(u), set())
            key = next((p + str(u) for p in ("gads:", "meta:") if p + str(u) in known), None)
            level = "campaign_id" if key else None
            if key is None:
                key = _by_name(str(u), source, index)
                level = "campaign_name" if key else None
        if key is None and source in PLATFORM_OF_SOURCE and not pd.isna(drill) and drill:
            key = _from_drill_down(str(drill), source, ids, index)
            level = "drill_down" if key else None
        if key is None:
            level = "click_id_unresolved" if click else ("source" if source else "unmatched")
            key = CRM_PREFIX + source if source else UNKNOWN_KEY
        rows.append((key, level, channels.of(source) if key.startswith(CRM_PREFIX) else None))
    keys, levels, chans = zip(*rows, strict=True) if rows else ((), (), ())
    return pd.DataFrame({
        "contact_key": contacts["contact_key"].astype(str).to_numpy(),
        "lead_date": lead_dates(contacts, time_zone).to_numpy() if len(contacts) else [],
        "campaign_key": list(keys), "match_level": list(levels),
        "channel": list(chans),
        "original_source": [None if pd.isna(s) else str(s) for s in sources]},
        columns=list(MATCH_COLUMNS))


def match_rates(matches: pd.DataFrame) -> pd.DataFrame:
    """Contacts and their share per match level (every level, zeros included); ``resolved``
    says whether the level names a campaign.

    >>> m = pd.DataFrame({"match_level": ["click_id", "campaign_id", "click_id_unresolved",
    ...                                   "source"]})
    >>> match_rates(m)[["match_level", "contacts", "share"]].values.tolist()[:5]
    ... # doctest: +NORMALIZE_WHITESPACE
    [['click_id', 1, 0.25], ['campaign_id', 1, 0.25], ['campaign_name', 0, 0.0],
     ['drill_down', 0, 0.0], ['click_id_unresolved', 1, 0.25]]
    """
    counts = matches["match_level"].value_counts()
    total = int(counts.sum())
    return pd.DataFrame({
        "match_level": list(LEVELS),
        "contacts": [int(counts.get(level, 0)) for level in LEVELS],
        "share": [float(counts.get(level, 0)) / total if total else 0.0 for level in LEVELS],
        "resolved": [level in RESOLVED for level in LEVELS]})


MIN_RESOLVED = 0.6  # warn below this share of contacts matched to a campaign
MAX_UNMATCHED = 0.1  # ... or above this share matched to nothing


def match_problems(rates: pd.DataFrame, min_resolved: float = MIN_RESOLVED,
                   max_unmatched: float = MAX_UNMATCHED) -> list[str]:
    """What a warning should say about :func:`match_rates` (empty: fine).

    >>> m = pd.DataFrame({"match_level": ["campaign_id"] * 5 + ["click_id_unresolved"] * 5})
    >>> for line in match_problems(match_rates(m))[0].split("; "):
    ...     print(line)
    50.0 % of CRM leads matched to a campaign (below 60 %)
    50.0 % have a click id the Google Ads click view does not list
    """
    if not rates["contacts"].sum():
        return []
    share = dict(zip(rates["match_level"], rates["share"], strict=True))
    resolved = float(rates.loc[rates["resolved"], "share"].sum())
    problems = []
    if resolved < min_resolved:
        text = (f"{resolved:.1%} of CRM leads matched to a campaign (below {min_resolved:.0%})"
                .replace("%", " %"))
        if share.get("click_id_unresolved", 0) > 0:
            text += (f"; {share['click_id_unresolved']:.1%} have a click id the Google Ads "
                     "click view does not list").replace("%", " %")
        problems.append(text)
    if share.get("unmatched", 0) > max_unmatched:
        problems.append(f"{share['unmatched']:.1%} of CRM leads match nothing".replace("%", " %"))
    return problems
