"""Raw stream assets: each run re-pulls its dates plus the source's restatement window and
replaces that window in the warehouse, all of a platform's streams in one transaction."""

import dagster as dg

from assets.partitions import partition_dates, pull_window
from assets.resources import SettingsResource, WarehouseResource
from pipelines.sources.factory import lookback_days, make_source
from pipelines.sources.streams import streams_of
from pipelines.warehouse.store import write_extracts

PLATFORM_KINDS = {"google_ads": "googleads", "ga4": "googleanalytics"}


def raw_assets(platform: str, partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """One multi-asset per platform: a raw table per stream, pulled together."""
    streams = streams_of(platform)
    specs = [
        dg.AssetSpec(
            stream.table,
            group_name="raw",
            kinds={"duckdb", PLATFORM_KINDS[platform]},
            description=stream.description,
            metadata={"natural_key": ", ".join(stream.key)},
        )
        for stream in streams
    ]

    @dg.multi_asset(
        name=f"pull_{platform}",
        specs=specs,
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def pull(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
             settings: SettingsResource):
        config = settings.load()
        window = pull_window(partition_dates(context), lookback_days(config, platform),
                             config.history_start)
        source = make_source(config, platform)
        extracts = [source.pull(stream, window) for stream in streams]  # all, then write once
        written = write_extracts(warehouse.connect(), extracts)
        for stream, extract, rows in zip(streams, extracts, written, strict=True):
            flags = {k: v for k, v in extract.metadata.items() if isinstance(v, bool)}
            yield dg.MaterializeResult(
                asset_key=stream.table,
                metadata={
                    "dagster/row_count": rows,
                    "window_start": window.start.isoformat(),
                    "window_end": window.end.isoformat(),
                    "source": source.name,
                    "scope": extract.scope,
                    "extracted_at": extract.extracted_at.isoformat(),
                    **flags,
                },
            )

    return pull
