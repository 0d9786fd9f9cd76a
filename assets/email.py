"""E-mail campaigns: the sends pulled from the configured e-mail tool (Mailchimp or the demo's)
and upserted by campaign ID (reports keep growing for weeks: each run re-reads the last
``sources.email.reread_days``), and the e-mail page."""

import datetime as dt
import json

import dagster as dg
import pandas as pd

from assets.dashboards import _each_language, _page_result
from assets.resources import SettingsResource, WarehouseResource
from dashboards.email import write_email
from kpi import rollup
from kpi.email.kpis import per_send
from kpi.email.reads import ga4_email
from pipelines.config import Config
from pipelines.sources.email.factory import make_email_source
from pipelines.sources.email.store import PULLED_STATE, read_sends, upsert_sends
from pipelines.sources.email.streams import EMAIL_CAMPAIGNS
from pipelines.sources.factory import demo_end, yesterday
from pipelines.sources.retry import SourceError
from pipelines.warehouse.store import read_state


def _basis(config: Config) -> str:
    """What the stored sends came from: another source or account replaces them whole."""
    email = config.sources.email
    if email.kind == "demo":
        return f"demo|{config.history_start}|{config.demo.seed}|{config.demo.traffic_scale}"
    return f"{email.kind}|{email.host or ''}|{email.api_key_env}"


@dg.asset(name=EMAIL_CAMPAIGNS.table, group_name="raw", kinds={"duckdb"},
          description=EMAIL_CAMPAIGNS.description,
          metadata={"natural_key": ", ".join(EMAIL_CAMPAIGNS.key)})
def raw_email_campaigns(warehouse: WarehouseResource,
                        settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    source = make_email_source(config)
    if source is None:
        return dg.MaterializeResult(metadata={"source": "none", "rows_written": 0})
    stored = json.loads(read_state(con, PULLED_STATE) or "{}")
    same = stored.get("basis") == _basis(config)
    since = dt.datetime.fromisoformat(stored["until"]) if same and stored.get("until") else None
    try:
        frame = source.pull(since)
    except SourceError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    state = {PULLED_STATE: json.dumps({"basis": _basis(config),
                                       "until": frame.attrs["read_until"]})}
    written = upsert_sends(con, frame, state=state, whole=not same)
    return dg.MaterializeResult(metadata={
        "source": source.name, "rows_written": written, "read_from": str(
            frame.attrs.get("read_from")), "dagster/row_count": len(read_sends(con))})


def _ga4(con, config: Config):
    conv = config.conversions
    return ga4_email(con, (*conv.lead.ga4_events, *conv.purchase.ga4_events),
                     conv.purchase.ga4_events)


def email_sends(con, config: Config) -> pd.DataFrame | None:
    """The stored sends with their KPIs and GA4's figures (the weekly report's e-mail block);
    None when no e-mail tool is configured."""
    if config.sources.email.kind == "none":
        return None
    return per_send(read_sends(con), _ga4(con, config))


@dg.asset(name="email_dashboard", group_name="dashboards",
          deps=[EMAIL_CAMPAIGNS.table, rollup.VALUES_TABLE], kinds={"plotly", "html"},
          description="email.html: newsletter sends, click rate and click-to-open rate (open "
          "rates with the Apple MPP caveat), GA4 sessions, conversions and revenue per send, "
          "per month and language; one self-contained file per language.")
def email_dashboard(warehouse: WarehouseResource,
                    settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    ga4 = _ga4(con, config)
    as_of = demo_end(config) if config.sources.email.kind == "demo" else yesterday(config)
    path = _each_language(con, write_email, settings.output(), "email", config,
                          read_sends(con), ga4, as_of=as_of,
                          currency=config.reporting.currency,
                          connected=config.sources.email.kind != "none")
    return _page_result(path)


EMAIL_ASSETS = [raw_email_campaigns, email_dashboard]

