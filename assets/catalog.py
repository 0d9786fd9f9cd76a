"""The one table catalogue: every table the nightly run writes, gathered from the domains that
declare them (the key audit, the purge and the README's table list read it)."""

from dashboards.delivery import catalog as delivery
from experiments import catalog as experiments
from kpi import catalog as kpis
from kpi.budget import catalog as budget
from kpi.clv import catalog as clv
from kpi.crm import catalog as crm
from kpi.review import catalog as review
from pipelines import catalog as pipeline
from pipelines.warehouse.catalog import Catalog

CATALOG = Catalog.of(pipeline.TABLES, kpis.TABLES, clv.TABLES, budget.TABLES,
                     experiments.TABLES, crm.TABLES, delivery.TABLES, review.TABLES)
