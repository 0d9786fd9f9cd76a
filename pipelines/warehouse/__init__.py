"""The warehouse: a DuckDB file (by default) reached through Ibis, with idempotent window writes."""
