"""The tables the CLV step writes (and the raw orders it reads)."""

ORDERS_TABLE = "raw_orders"
MODEL_TABLE = "clv_model"
CUSTOMERS_TABLE = "customer_clv"
COHORTS_TABLE = "clv_cohorts"
ACQUISITION_TABLE = "clv_by_acquisition"
