"""The vocabulary of the table catalogue: each warehouse table's name, its key (the columns
that tell its rows apart: :mod:`pipelines.warehouse.keys` audits it) and how retention treats
it (:mod:`pipelines.retention`): dated by a column, or kept whole, with the reason.

Each domain declares its own tables with :class:`Table` beside its code (``pipelines/catalog.py``
the raw pulls and the pipeline's state; ``kpi/catalog.py``, ``kpi/clv/catalog.py``,
``kpi/budget/catalog.py``, ``experiments/catalog.py``); the wiring gathers them into one
:class:`Catalog` (``assets/catalog.py``) and hands it to the key audit and the purge, so the
warehouse code imports no domain.

>>> orders = Table("raw_orders", ("order_id",), dated_by="order_date")
>>> plan = Table("budget_plan", ("row",), kept="the plan read from its file each run")
>>> catalog = Catalog.of([orders], [plan])
>>> catalog.keys["raw_orders"], catalog.kept
(('order_id',), {'budget_plan': 'the plan read from its file each run'})
>>> "raw_orders" in catalog, catalog.get("nothing") is None
(True, True)
>>> Catalog.of([orders], [orders])
Traceback (most recent call last):
...
ValueError: raw_orders is declared twice in the table catalogue
>>> Table("t", ("k",))
Traceback (most recent call last):
...
ValueError: t: give either the column that dates its rows (dated_by) or why it is kept whole
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A warehouse table: ``key`` tells its rows apart; retention deletes the rows that
    ``dated_by`` dates before the cutoff, or keeps the table whole for the reason ``kept``."""

    name: str
    key: tuple[str, ...]
    dated_by: str | None = None
    kept: str | None = None

    def __post_init__(self) -> None:
        if (self.dated_by is None) == (self.kept is None):
            raise ValueError(f"{self.name}: give either the column that dates its rows "
                             "(dated_by) or why it is kept whole")


@dataclass(frozen=True)
class Catalog:
    """Every table the pipeline writes, each declared once."""

    tables: tuple[Table, ...]

    @classmethod
    def of(cls, *groups: Iterable[Table]) -> Catalog:
        """The tables of every group; a name declared twice is a ValueError."""
        tables = tuple(t for group in groups for t in group)
        seen: set[str] = set()
        for table in tables:
            if table.name in seen:
                raise ValueError(f"{table.name} is declared twice in the table catalogue")
            seen.add(table.name)
        return cls(tables)

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables)

    def __contains__(self, name: object) -> bool:
        return any(t.name == name for t in self.tables)

    def get(self, name: str) -> Table | None:
        """The table called ``name``, or None."""
        return next((t for t in self.tables if t.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    @property
    def keys(self) -> dict[str, tuple[str, ...]]:
        """Each table's key."""
        return {t.name: t.key for t in self.tables}

    @property
    def kept(self) -> dict[str, str]:
        """The tables kept whole, with the reason."""
        return {t.name: t.kept for t in self.tables if t.kept is not None}
