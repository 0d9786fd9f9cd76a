"""Orders (CRM / webshop exports) in one pseudonymous schema: from a file, or the demo's.

>>> ORDER_COLUMN_NAMES[:4]
('customer_key', 'order_id', 'order_date', 'ordered_at')
"""

from pipelines.sources.orders.demo import (
    PROCESSES,
    TRUE_A,
    TRUE_ALPHA,
    TRUE_B,
    TRUE_P,
    TRUE_Q,
    TRUE_R,
    TRUE_V,
    CustomerProcess,
    demo_customers,
    demo_orders,
)
from pipelines.sources.orders.file import OrdersFileError, Problem, read_orders
from pipelines.sources.orders.schema import (
    ORDER_COLUMN_NAMES,
    ORDER_COLUMNS,
    conform_orders,
    empty_orders,
)

__all__ = [
    "ORDER_COLUMNS",
    "ORDER_COLUMN_NAMES",
    "PROCESSES",
    "TRUE_A",
    "TRUE_ALPHA",
    "TRUE_B",
    "TRUE_P",
    "TRUE_Q",
    "TRUE_R",
    "TRUE_V",
    "CustomerProcess",
    "OrdersFileError",
    "Problem",
    "conform_orders",
    "demo_customers",
    "demo_orders",
    "empty_orders",
    "read_orders",
]
