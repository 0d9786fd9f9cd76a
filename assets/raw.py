"""Raw stream assets: each run re-pulls its dates plus the source's restatement window (further
back when an earlier run left a gap) and replaces that window in the warehouse, for every
account of the platform and every stream in one transaction."""

import dagster as dg

from assets.partitions import partition_dates, pull_window
from assets.resources import SettingsResource, WarehouseResource
from pipelines.sources.factory import lookback_days, make_sources
from pipelines.sources.retry import SourceError
from pipelines.sources.streams import streams_of
from pipelines.warehouse.freshness import last_pulled_dates
from pipelines.warehouse.store import write_extracts

PLATFORM_KINDS = {"google_ads": "googleads", "ga4": "googleanalytics", "meta_ads": "meta"}


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
        con = warehouse.connect()
        last = last_pulled_dates(con, [s.name for s in streams])
        window = pull_window(partition_dates(context), lookback_days(config, platform),
                             config.history_start, min(last.values()) if last else None)
        try:
            extracts = [source.pull(stream, window)  # everything first, then one write
                        for source in make_sources(config, platform) for stream in streams]
        except SourceError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        written = write_extracts(con, extracts)
        kind = getattr(config.sources, platform).kind
        if not extracts:  # the platform is not configured (kind: none): nothing to pull
            for stream in streams:
                yield dg.MaterializeResult(asset_key=stream.table, metadata={
                    "dagster/row_count": 0, "source": kind, "accounts": ""})
            return
        for stream in streams:
            mine = [(e, n) for e, n in zip(extracts, written, strict=True) if e.stream == stream]
            flags = {k: v for e, _ in mine for k, v in e.metadata.items()
                     if isinstance(v, bool) and v}
            yield dg.MaterializeResult(
                asset_key=stream.table,
                metadata={
                    "dagster/row_count": sum(n for _, n in mine),
                    "window_start": window.start.isoformat(),
                    "window_end": window.end.isoformat(),
                    "source": kind,
                    "accounts": ", ".join(e.scope for e, _ in mine),
                    "retries": sum(int(e.metadata.get("retries", 0)) for e, _ in mine),
                    "extracted_at": max(e.extracted_at for e, _ in mine).isoformat(),
                    **flags,
                },
            )

    return pull
