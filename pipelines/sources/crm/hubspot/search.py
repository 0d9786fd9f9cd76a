"""Every record of one object type modified in a time range, through the CRM search API.

A query filters ``<modified> >= lo AND <modified> < hi`` (milliseconds since 1970), sorted by
that time, and pages with ``after``. The search API answers at most 10,000 results per query
(asking beyond is refused); its first page says how many match (``total``), so a range with
more is halved, and each half again, until every piece is under the cap.

>>> pages = fake_pages(list(range(0, 100, 4)), page_size=3)  # 25 records, one every 4 ms
>>> found = split_search(pages, 0, 100, cap=10)
>>> sorted(found) == list(range(0, 100, 4)), pages.queries
(True, [(0, 100), (0, 50), (0, 25), (25, 50), (50, 100), (50, 75), (75, 100)])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.sources.retry import SourceError

MAX_RESULTS = 10_000  # per query, whatever the paging


@dataclass(frozen=True)
class Page:
    """One answered page: its records, how many match the query, the next page's cursor."""

    results: list[Any]
    total: int
    after: str | None


PageFn = Callable[[int, int, str | None], Page]  # (lo ms, hi ms, after) -> a page


def split_search(page: PageFn, lo: int, hi: int, cap: int = MAX_RESULTS,
                 what: str = "search") -> list[Any]:
    """Every record in ``[lo, hi)``, in as many queries as the cap needs."""
    first = page(lo, hi, None)
    if first.total > cap:
        if hi - lo <= 1:
            raise SourceError(f"{what}: {first.total} records were modified in the same "
                              f"millisecond ({lo}), more than one query can return ({cap}); "
                              "nothing was written")
        mid = lo + (hi - lo) // 2
        return split_search(page, lo, mid, cap, what) + split_search(page, mid, hi, cap, what)
    found, after = list(first.results), first.after
    while after and len(found) < cap:  # never ask past the cap, whatever the links say
        answered = page(lo, hi, after)
        found += answered.results
        after = answered.after
    return found


def search_body(modified: str, lo: int, hi: int, properties: tuple[str, ...], limit: int,
                after: str | None) -> dict[str, Any]:
    """The search request (as the client's ``PublicObjectSearchRequest`` keywords).

    >>> body = search_body("lastmodifieddate", 5, 9, ("lifecyclestage",), 100, None)
    >>> body["filter_groups"][0]["filters"][1]
    {'propertyName': 'lastmodifieddate', 'operator': 'LT', 'value': '9'}
    >>> body["sorts"]
    [{'propertyName': 'lastmodifieddate', 'direction': 'ASCENDING'}]
    """
    filters = [{"propertyName": modified, "operator": "GTE", "value": str(lo)},
               {"propertyName": modified, "operator": "LT", "value": str(hi)}]
    body: dict[str, Any] = {"filter_groups": [{"filters": filters}],
                            "sorts": [{"propertyName": modified, "direction": "ASCENDING"}],
                            "properties": list(properties), "limit": limit}
    if after:
        body["after"] = after
    return body


@dataclass
class fake_pages:
    """Records at the given times, served as the search API would (for the examples)."""

    times: list[int]
    page_size: int
    queries: list[tuple[int, int]] = field(default_factory=list)

    def __call__(self, lo: int, hi: int, after: str | None) -> Page:
        if after is None:
            self.queries.append((lo, hi))
        matching = [t for t in self.times if lo <= t < hi]
        start = int(after or 0)
        end = start + self.page_size
        return Page(matching[start:end], len(matching),
                    str(end) if end < len(matching) else None)
