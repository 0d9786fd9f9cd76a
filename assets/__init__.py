"""Dagster wiring (the only package that imports dagster) and the ``campaign-kpi`` command."""

import warnings

import dagster as dg

# Single-run backfills (BackfillPolicy) are marked beta; we rely on them on purpose: a range of
# days is pulled and rebuilt in one run. Keep the notice out of users' terminals.
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)
