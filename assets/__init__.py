"""Dagster wiring (the only package that imports dagster) and the ``campaign-kpi`` command.

Importing the package loads no Dagster: ``campaign-kpi --help`` stays fast.
"""

import warnings

# Single-run backfills (BackfillPolicy) are marked beta (dagster.BetaWarning); we rely on them on
# purpose: a range of days is pulled and rebuilt in one run. Keep the notice out of users'
# terminals (matched by its message, so that this import needs no Dagster).
warnings.filterwarnings("ignore", message=".*backfill_policy.*")
