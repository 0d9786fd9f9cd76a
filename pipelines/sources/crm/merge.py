"""The CRM store's rules as a pure function on frames, for the engines without row-level writes
in a transaction (Spark, BigQuery): the current CRM tables and a pull in, the new tables out;
:func:`pipelines.sources.crm.store.store_crm_pull` rebuilds them whole (CRM tables are entity
tables, a row per contact or deal: they fit in memory where a daily fact table would not).
The same rules as the DuckDB statements, and tested equal to them.

>>> from pipelines.sources.crm.streams import CRM_STREAMS
>>> stream = CRM_STREAMS["crm_deals"]
>>> t = pd.Timestamp("2026-03-01", tz="UTC")
>>> old = pd.DataFrame({"deal_key": ["a", "b"], "modified_at": [t, t], "amount": [1.0, 2.0]})
>>> new = pd.DataFrame({"deal_key": ["a", "b"], "modified_at": [t - pd.Timedelta(days=1),
...                     t + pd.Timedelta(days=1)], "amount": [9.0, 3.0]})
>>> merged, upserts = upsert(old, new, ("deal_key",), "modified_at")
>>> merged.amount.tolist(), upserts
([1.0, 3.0], 1)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

OLDEST = pd.Timestamp("1970-01-01", tz="UTC")


def _differs(left: pd.DataFrame, right: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Row by row: does any of ``columns`` differ (two missing values are equal)?"""
    out = pd.Series(False, index=left.index)
    for column in columns:
        a, b = left[column].astype(object), right[column].astype(object)
        both = a.isna() & b.isna()
        one = a.isna() ^ b.isna()
        out |= one | (~both & ~one & (a != b))
    return out


def upsert(current: pd.DataFrame, incoming: pd.DataFrame, key: tuple[str, ...],
           modified: str) -> tuple[pd.DataFrame, int]:
    """``current`` with each ``incoming`` row that is new, newer, or as new with other values
    (``extracted_at`` aside) in place of the stored one; and how many replaced or came in."""
    values = [c for c in incoming.columns if c not in (*key, "extracted_at")]
    pair = incoming.reset_index(drop=True).merge(
        current, on=list(key), how="left", suffixes=("", "__old"), indicator=True)
    new = pair["_merge"] == "left_only"
    mine = pair[modified].fillna(OLDEST)
    theirs = pair[f"{modified}__old"].fillna(OLDEST)
    old_values = pair[[f"{c}__old" for c in values]].set_axis(values, axis=1)
    wins = new | (mine > theirs) | ((mine == theirs) & _differs(pair[values], old_values,
                                                                 values))
    winners = incoming.reset_index(drop=True)[wins.to_numpy()]
    kept = current[~current.set_index(list(key)).index.isin(
        winners.set_index(list(key)).index)]
    return pd.concat([kept, winners[list(current.columns)]], ignore_index=True), int(wins.sum())


def replace_pairs(current: pd.DataFrame, incoming: pd.DataFrame,
                  replaces: Sequence[str]) -> tuple[pd.DataFrame, int]:
    """Each replaced contact's pairs become the incoming ones (stored pairs kept as they are)."""
    pairs = ["contact_key", "deal_key"]
    incoming_index = incoming.set_index(pairs).index
    current_index = current.set_index(pairs).index
    gone = current.contact_key.isin(list(replaces)) & ~current_index.isin(incoming_index)
    added = incoming[~incoming_index.isin(current_index)]
    return (pd.concat([current[~gone.to_numpy()], added[list(current.columns)]],
                      ignore_index=True), len(added))


def erase(tables: dict[str, pd.DataFrame], archived: pd.DataFrame, erasures: pd.DataFrame,
          erased_at: dt.datetime) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, int]:
    """The archived records dropped from every table (pairs too), the new erasures added;
    and how many contacts and deals were removed."""
    out, removed = dict(tables), 0
    for kind, (table, column) in {"contact": ("raw_crm_contacts", "contact_key"),
                                  "deal": ("raw_crm_deals", "deal_key")}.items():
        keys = set(archived.record_key[archived.object_type == kind])
        hit = out[table][column].isin(keys)
        removed += int(hit.sum())
        out[table] = out[table][~hit.to_numpy()]
        pairs = out["raw_crm_contact_deals"]
        out["raw_crm_contact_deals"] = pairs[~pairs[column].isin(keys).to_numpy()]
    known = erasures.set_index(["object_type", "record_key"]).index
    fresh = archived[~archived.set_index(["object_type", "record_key"]).index.isin(known)]
    fresh = fresh[["object_type", "record_key", "archived_at"]].assign(
        erased_at=pd.Timestamp(erased_at))
    return out, pd.concat([erasures, fresh], ignore_index=True), removed
