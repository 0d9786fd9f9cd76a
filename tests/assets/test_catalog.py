"""One table catalogue (assets.catalog): every table the nightly run writes is declared there
once, with a key the data keeps, a dating column it has (or why it is kept whole), and the
README's table list names exactly those tables."""

from __future__ import annotations

import re
from pathlib import Path

from assets.catalog import CATALOG
from dashboards.delivery.catalog import WRITTEN_WHEN_DELIVERING
from pipelines.retention import plan
from pipelines.warehouse.keys import audit

README = Path(__file__).parents[2] / "README.md"


def test_every_table_the_nightly_run_writes_is_in_the_catalogue(warehouse) -> None:
    written = {name for name in warehouse.list_tables() if not name.startswith("_")}
    # nothing undeclared, nothing declared in vain (the ledgers: only when delivering)
    assert written == set(CATALOG.names) - set(WRITTEN_WHEN_DELIVERING)
    found = audit(warehouse, CATALOG)
    assert found.clean, found
    assert found.checked == len(written)


def test_each_dated_table_is_dated_by_the_column_it_declares(warehouse) -> None:
    chosen = plan(warehouse, CATALOG)
    dated = {d.table: d.column for d in chosen.dated}
    declared = {t.name: t.dated_by for t in CATALOG
                if t.dated_by is not None and t.name not in WRITTEN_WHEN_DELIVERING}
    assert dated == declared
    assert dict(chosen.kept) == CATALOG.kept


def test_the_readme_lists_the_catalogue() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Warehouse tables\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    listed = [name for cell in rows for name in re.findall(r"`([a-z0-9_]+)`", cell)]
    assert sorted(listed) == sorted(CATALOG.names)
