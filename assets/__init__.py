"""Dagster wiring (the only package that imports dagster) and the ``campaign-kpi`` command."""
