"""The tables of the CLV steps: the raw orders (pseudonymous customers) and the four tables
:func:`kpi.clv.tables.clv_tables` makes (see :mod:`pipelines.warehouse.catalog`)."""

from pipelines.warehouse.catalog import Table

ORDERS_TABLE = "raw_orders"
MODEL_TABLE = "clv_model"
CUSTOMERS_TABLE = "customer_clv"
COHORTS_TABLE = "clv_cohorts"
ACQUISITION_TABLE = "clv_by_acquisition"

TABLES = (
    Table(ORDERS_TABLE, ("order_id",), dated_by="order_date"),
    # one row per pseudonymous customer, dated by its first order
    Table(CUSTOMERS_TABLE, ("customer_key",), dated_by="acquired_on"),
    Table(MODEL_TABLE, ("segment",), kept="fitted CLV model parameters per segment"),
    Table(COHORTS_TABLE, ("cohort", "months_since"), dated_by="cohort"),
    Table(ACQUISITION_TABLE, ("level", "group"),
          kept="CLV and CAC per channel and campaign, summed over all customers ('since' "
               "starts that span); rebuilt each run from the orders there are"),
)
