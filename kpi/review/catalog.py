"""The review cycle's tables (:mod:`kpi.review.tables`; see :mod:`pipelines.warehouse.catalog`)."""

from kpi.review.tables import GOALS_TABLE, RISKS_TABLE
from pipelines.warehouse.catalog import Table

TABLES = (
    Table(GOALS_TABLE, ("goal_id", "as_of"), dated_by="as_of"),
    Table(RISKS_TABLE, ("risk_id",),
          kept="the risk register: every risk opened, updated and closed, never deleted"),
)
