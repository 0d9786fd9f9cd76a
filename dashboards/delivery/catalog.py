"""The delivery ledgers (:mod:`dashboards.delivery.ledger`, :mod:`dashboards.delivery.alert_send`;
see :mod:`pipelines.warehouse.catalog`), gathered into ``assets/catalog.py``. They are written
only when ``delivery`` is configured: one row per attempt, so a key holds its send time
and outcome (a retry in the same run, at the same clock, ends differently).

>>> sorted(t.name for t in TABLES) == sorted(WRITTEN_WHEN_DELIVERING)
True
"""

from dashboards.delivery.alert_send import ALERT_DELIVERIES_TABLE
from dashboards.delivery.ledger import DELIVERIES_TABLE
from pipelines.warehouse.catalog import Table

TABLES = (
    Table(DELIVERIES_TABLE, ("week", "report", "recipient", "channel", "sent_at", "status"),
          dated_by="period_start"),
    Table(ALERT_DELIVERIES_TABLE,
          ("alert_id", "event", "recipient", "channel", "sent_at", "status"),
          dated_by="day"),
)
WRITTEN_WHEN_DELIVERING = (DELIVERIES_TABLE, ALERT_DELIVERIES_TABLE)
