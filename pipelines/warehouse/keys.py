"""The key of every warehouse table: the columns that tell its rows apart.

Every write replaces whole windows or tables (see :mod:`pipelines.warehouse.store`), so no key
may ever occur twice, however often a day is re-pulled or a range re-run. :func:`audit` checks
that on a whole warehouse against the table catalogue (:mod:`pipelines.warehouse.catalog`); a
table the catalogue does not know is reported too, so a new table must declare its key there.

>>> from pipelines.warehouse.catalog import Catalog, Table
>>> from pipelines.warehouse.store import connect
>>> con = connect(":memory:")
>>> _ = con.raw_sql("CREATE TABLE dim_campaign AS SELECT * FROM (VALUES ('a'), ('a'), ('b')) "
...                 "t(campaign_key)")
>>> _ = con.raw_sql("CREATE TABLE notes AS SELECT 'x' AS note")
>>> catalog = Catalog.of([Table("dim_campaign", ("campaign_key",), kept="names")])
>>> found = audit(con, catalog)
>>> found.duplicates, found.undeclared, found.clean
({'dim_campaign': 1}, ('notes',), False)
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from pipelines.warehouse.catalog import Catalog


@dataclass(frozen=True)
class KeyAudit:
    """Key values occurring more than once, per table (tables with none are left out); the
    tables the catalogue does not know; tables with rows that lack a key column."""

    checked: int
    duplicates: dict[str, int]
    undeclared: tuple[str, ...]
    missing_columns: dict[str, tuple[str, ...]]

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.undeclared or self.missing_columns)


def duplicated(table: ir.Table, key: tuple[str, ...]) -> ir.Table:
    """The key values of ``table`` that occur more than once, with how often."""
    counts = table.group_by(list(key)).aggregate(rows=table.count())
    return counts.filter(counts.rows > 1)


def audit(con: BaseBackend, catalog: Catalog) -> KeyAudit:
    """Check every table of the warehouse against its key in ``catalog``."""
    keys = catalog.keys
    duplicates: dict[str, int] = {}
    missing: dict[str, tuple[str, ...]] = {}
    tables = sorted(name for name in con.list_tables() if not name.startswith("_"))
    for name in tables:
        key = keys.get(name)
        if key is None:
            continue
        table = con.table(name)
        absent = tuple(c for c in key if c not in table.columns)
        if absent:  # an empty placeholder (nothing to show yet) has no key columns
            if int(con.execute(table.count())):
                missing[name] = absent
            continue
        extra = int(con.execute(duplicated(table, key).count()))
        if extra:
            duplicates[name] = extra
    undeclared = tuple(t for t in tables if t not in keys)
    return KeyAudit(checked=len(tables) - len(undeclared), duplicates=duplicates,
                    undeclared=undeclared, missing_columns=missing)
