"""The CRM's current state: every CRM stream pulled since the last pull (less the re-read
window) and stored (pipelines.sources.crm.store: upserts, pairs, erasures, the next since).
Entities, not days: not partitioned. An unconfigured CRM (kind none) materialises empty."""

import dagster as dg

from assets.resources import SettingsResource, WarehouseResource
from pipelines.privacy import PseudonymKeyError
from pipelines.sources.crm.file import CrmFileError
from pipelines.sources.crm.pull import sync_crm
from pipelines.sources.crm.sources import make_crm_source
from pipelines.sources.crm.store import TABLES, CrmStoreError
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.retry import SourceError

DESCRIPTIONS = {CRM_STREAMS[s].table: CRM_STREAMS[s].description
                for s in ("crm_contacts", "crm_deals", "crm_contact_deals")} | {
    "raw_crm_erasures": "Contacts and deals erased in the CRM (object type, pseudonymous key, "
    "when archived there and erased here): no personal data."}


@dg.multi_asset(
    name="pull_crm",
    specs=[dg.AssetSpec(table, group_name="raw", kinds={"duckdb", "hubspot"},
                        description=DESCRIPTIONS[table]) for table in TABLES],
)
def crm_tables(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    kind = config.sources.crm.kind
    try:
        stored = sync_crm(warehouse.connect(), make_crm_source(config), kind)
    except (SourceError, CrmStoreError, CrmFileError, PseudonymKeyError) as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    window = {"read_from": stored.read_from or "everything", "read_until": stored.read_until
              } if stored.read_until else {}
    for table, stream in zip(TABLES, CRM_STREAMS, strict=True):
        yield dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": stored.rows[table], "source": kind,
            "upserts": stored.upserts.get(stream, 0), "erased": stored.erased, **window})


CRM_ASSETS = [crm_tables]
