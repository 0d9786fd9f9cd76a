"""The one YAML configuration file, validated with pydantic.

Errors name the file, the field, the line and, when it is likely, the value meant:
``ConfigError: data/campaign-kpi.yaml: targets.0.kpi: unknown KPI 'cpx' (known: ...) (line 56)``,
``sources.ga4.restatment_days: unknown setting 'restatment_days'; did you mean
'restatement_days'? (line 12)``. Besides each field's own rules, :mod:`pipelines.config_checks`
refuses what would silently give wrong numbers (a target for a channel that does not exist, a
budget plan that is not there).

>>> cfg = Config.model_validate({"history_start": "2026-01-01"})
>>> cfg.reporting.currency, cfg.reporting.time_zone
('EUR', 'Europe/Brussels')
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal

import duckdb
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kpi.budget.settings import BudgetSettings, RecommendationSettings
from kpi.clv.settings import ClvSettings
from kpi.registry import KPIS, MEASURES
from kpi.review.settings import Goals, RiskSettings
from pipelines.config_checks import Problem, problems, settings_at, suggestion
from pipelines.config_files import beside, read_text
from pipelines.config_lines import compose, line_of
from pipelines.crm_config import CrmSource
from pipelines.delivery_config import Delivery
from pipelines.email_config import EmailSource
from pipelines.engine_config import Engine
from pipelines.experiment_config import ExperimentDefinition, ExperimentsSource, source_problems
from pipelines.flights_config import Flight, unique_names
from pipelines.meta_ads_config import MetaAdsSource
from pipelines.orders_config import OrdersSource
from pipelines.privacy_config import Privacy


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the field."""


def _currency(code: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"{code!r} is not an ISO 4217 currency code such as EUR")
    return code


def _time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a folder
        raise ValueError(f"{name!r} is not an IANA time zone such as Europe/Brussels") from exc
    return name


@functools.cache
def _re2() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:")


def _regex(pattern: str) -> str:
    """A pattern the warehouse can run: DuckDB (like BigQuery) uses RE2, which has no
    look-arounds or back-references, so Python's ``re`` alone is not the judge."""
    try:
        _re2().execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error as exc:
        reason = str(exc).split(":", 1)[-1].strip()
        raise ValueError(f"{pattern!r} is not a valid RE2 regular expression: {reason}") from None
    return pattern


Currency = Annotated[str, AfterValidator(_currency)]
TimeZone = Annotated[str, AfterValidator(_time_zone)]
Regex = Annotated[str, AfterValidator(_regex)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reporting(_Strict):
    currency: Currency = "EUR"
    time_zone: TimeZone = "Europe/Brussels"
    language: Literal["nl", "fr", "en"] = "en"  # of overview.html; every language is written
    # How the newest week is compared while its conversions still arrive: with every week's
    # nowcast (expected final value, 80 % range), or with earlier weeks at the same maturity.
    compare_recent: Literal["nowcast", "same_age"] = "nowcast"
    # How many units of the reporting currency one unit of another currency is worth.
    fx_rates: dict[Currency, float] = Field(default_factory=dict)

    @field_validator("fx_rates")
    @classmethod
    def _positive_rates(cls, rates: dict[str, float]) -> dict[str, float]:
        bad = [code for code, rate in rates.items() if not rate > 0]
        if bad:
            raise ValueError(f"exchange rates must be positive: {bad}")
        return rates


class DemoOptions(_Strict):
    seed: int = 7
    end: dt.date | None = None  # last day with data; default: yesterday in the reporting zone
    traffic_scale: float = Field(1.0, gt=0)
    extra_campaigns: int = Field(0, ge=0)
    anomalies: bool = False  # plant a broken tag, a spend spike and a paused campaign


def _customer_id(value: str | int) -> str:
    digits = str(value).replace("-", "").strip()
    if not re.fullmatch(r"\d{10}", digits):
        raise ValueError(f"{value!r} is not a Google Ads customer ID (10 digits, e.g. "
                         "123-456-7890)")
    return digits


def _property_id(value: str | int) -> str:
    digits = str(value).removeprefix("properties/").strip()
    if not re.fullmatch(r"\d{6,12}", digits):
        raise ValueError(f"{value!r} is not a GA4 property ID (digits, e.g. 318004561)")
    return digits


CustomerId = Annotated[str, BeforeValidator(_customer_id)]
PropertyId = Annotated[str, BeforeValidator(_property_id)]
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def _is_local(endpoint: str | None) -> bool:
    host = (endpoint or "").split("://")[-1].rsplit(":", 1)[0]
    return host in LOCAL_HOSTS


class _RealSource(_Strict):
    credentials_file: Path | None = None
    endpoint: str | None = None  # default: Google's; e.g. a local test server
    anonymous: bool = False  # no credentials: only for a local endpoint (tests)

    @model_validator(mode="after")
    def _anonymous_only_locally(self) -> _RealSource:
        if self.anonymous and not _is_local(self.endpoint):
            raise ValueError("anonymous: only allowed with a local endpoint (a test server)")
        return self


class GoogleAdsSource(_RealSource):
    kind: Literal["demo", "google_ads"] = "demo"
    conversion_window_days: int = Field(30, ge=1, le=90)
    customer_ids: tuple[CustomerId, ...] = ()
    login_customer_id: CustomerId | None = None  # the manager (MCC) account, if any
    api_version: Annotated[str, Field(pattern=r"^v\d+$")] = "v26"

    @model_validator(mode="after")
    def _accounts(self) -> GoogleAdsSource:
        if self.kind == "google_ads" and not self.customer_ids:
            raise ValueError("customer_ids: list the Google Ads accounts to pull")
        return self


class Ga4Source(_RealSource):
    kind: Literal["demo", "ga4"] = "demo"
    restatement_days: int = Field(3, ge=1, le=30)
    property_id: PropertyId | None = None
    transport: Literal["grpc", "rest"] = "grpc"
    page_size: int = Field(100_000, ge=1, le=250_000)

    @model_validator(mode="after")
    def _property(self) -> Ga4Source:
        if self.kind == "ga4" and self.property_id is None:
            raise ValueError("property_id: set the GA4 property to pull")
        return self


class RetrySettings(_Strict):
    """Back-off for quotas and passing faults (google.api_core retries)."""

    max_retries: int = Field(5, ge=0, le=20)  # of each request (a page, a query)
    initial_seconds: float = Field(2.0, ge=0)
    max_seconds: float = Field(60.0, gt=0)  # the longest wait, also one the API asks for
    deadline_seconds: float = Field(600.0, gt=0)  # no retry after a stream's pull ran this long


class Sources(_Strict):
    google_ads: GoogleAdsSource = GoogleAdsSource()
    ga4: Ga4Source = Ga4Source()
    meta_ads: MetaAdsSource = MetaAdsSource(kind="demo")
    experiments: ExperimentsSource = ExperimentsSource()
    orders: OrdersSource = OrdersSource()
    crm: CrmSource = CrmSource()  # kind none: no CRM until one is configured
    # The newsletters: the demo's beside the demo, none beside a real account (see below).
    email: EmailSource = EmailSource(kind="demo")
    retry: RetrySettings = RetrySettings()

    @model_validator(mode="before")
    @classmethod
    def _meta_follows_google(cls, data: object) -> object:
        """Meta's kind and the e-mail tool's, when not given, follow Google Ads: the demo's
        beside the demo, none beside a real account (demo rows must never mix with real
        ones)."""
        if not isinstance(data, dict):
            return data
        meta = data.get("meta_ads")
        if meta is None or (isinstance(meta, dict) and "kind" not in meta):
            google = data.get("google_ads") or {}
            kind = google.get("kind", "demo") if isinstance(google, dict) else google.kind
            data = {**data, "meta_ads": {**(meta or {}), "kind": "demo" if kind == "demo"
                                         else "none"}}
        email = data.get("email")
        if email is None or (isinstance(email, dict) and "kind" not in email):
            google = data.get("google_ads") or {}
            kind = google.get("kind", "demo") if isinstance(google, dict) else google.kind
            data = {**data, "email": {**(email or {}), "kind": "demo" if kind == "demo"
                                      else "none"}}
        return data

    @model_validator(mode="after")
    def _no_demo_beside_real(self) -> Sources:
        if self.meta_ads.kind == "demo" and self.google_ads.kind != "demo":
            raise ValueError("meta_ads.kind: demo beside a real Google Ads account would mix "
                             "the demo's Meta campaigns with your data: set it to meta_ads "
                             "(your ad accounts) or none")
        if self.crm.kind == "demo" and self.google_ads.kind != "demo":
            raise ValueError("crm.kind: demo beside a real Google Ads account would mix the "
                             "demo's leads with your data: set it to hubspot or none")
        if self.orders.won_deals and self.crm.kind == "none":
            raise ValueError("orders.won_deals: the CRM's won deals need a CRM: configure "
                             "sources.crm (kind hubspot, file or demo)")
        if self.email.kind == "demo" and self.google_ads.kind != "demo":
            raise ValueError("email.kind: demo beside a real Google Ads account would mix the "
                             "demo's newsletters with your data: set it to mailchimp or none")
        return self


class ConversionSet(_Strict):
    """What counts as one kind of conversion: Ads conversion actions (by name or ID) and GA4
    event names."""

    ads_conversion_actions: tuple[str, ...] = ()
    ga4_events: tuple[str, ...] = ()


class Conversions(_Strict):
    lead: ConversionSet = ConversionSet(
        ads_conversion_actions=("Lead – offerteformulier", "Lead – terugbelverzoek"),
        ga4_events=("generate_lead",),
    )
    purchase: ConversionSet = ConversionSet(
        ads_conversion_actions=("Aankoop – webshop",), ga4_events=("purchase",)
    )
    # ads: Google Ads campaigns count their own conversion actions (to the ad group), GA4 counts
    #      all other traffic. ga4: GA4 key events count for every channel (campaign grain).
    attribution: Literal["ads", "ga4"] = "ads"

    @model_validator(mode="after")
    def _disjoint(self) -> Conversions:
        for field in ("ads_conversion_actions", "ga4_events"):
            both = set(getattr(self.lead, field)) & set(getattr(self.purchase, field))
            if both:
                raise ValueError(f"{sorted(both)} counted as both lead and purchase ({field})")
        return self


class ChannelRule(_Strict):
    """GA4 traffic whose session source and medium match these patterns belongs to ``channel``."""

    channel: str = Field(min_length=1)
    source: Regex = ".*"
    medium: Regex = ".*"


DEFAULT_ADS_CHANNELS = {
    "SEARCH": "Paid Search",
    "SHOPPING": "Shopping & PMax",
    "PERFORMANCE_MAX": "Shopping & PMax",
    "DISPLAY": "Display",
    "VIDEO": "Video",
    "DEMAND_GEN": "Display",
}

DEFAULT_GA4_RULES = (
    ChannelRule(channel="Paid Search", source="^google$", medium="^(cpc|ppc)$"),
    ChannelRule(channel="Paid Social", medium="^(paid_social|paid-social|cpc|ppc|paid)$",
                source="facebook|instagram|meta|^fb$|^ig$|linkedin|tiktok"),
    ChannelRule(channel="Organic Search", medium="^organic$"),
    ChannelRule(channel="Email", medium="^e-?mail$"),
    ChannelRule(channel="Referral", medium="^referral$"),
    ChannelRule(channel="Direct", source=r"^\(direct\)$", medium=r"^\(none\)$"),
)


class Channels(_Strict):
    ads_channel_types: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_ADS_CHANNELS))
    ga4_rules: tuple[ChannelRule, ...] = DEFAULT_GA4_RULES
    other: str = "Other"
    meta_ads_channel: str = "Paid Social"  # the channel of every Meta Ads campaign


class Target(_Strict):
    """A target for one KPI, for the whole account or one channel or campaign.

    The most specific matching target applies (campaign, then channel, then account). KPIs are
    ratios, so a target holds at every grain; volume targets (spend, leads per month) belong to
    the budget plan, which knows its periods."""

    kpi: str
    value: float
    channel: str | None = None
    campaign: str | None = None  # campaign name or campaign key

    @field_validator("kpi")
    @classmethod
    def _known(cls, kpi: str) -> str:
        if kpi not in KPIS:
            hint = (" (a volume, not a ratio: set it in the budget plan)"
                    if kpi in MEASURES else "")
            raise ValueError(f"unknown KPI {kpi!r}{hint} (known: {', '.join(KPIS)})")
        return kpi

    @field_validator("value")
    @classmethod
    def _plausible(cls, value: float, info: ValidationInfo) -> float:
        """No KPI is negative, and a rate is a fraction: 0.03 for 3 %."""
        kpi = KPIS.get(info.data.get("kpi", ""))
        rate = kpi is not None and kpi.unit == "percent"
        meant = abs(value) / (100 if rate and abs(value) > 1 else 1)
        did_you_mean = f"; did you mean {meant:g}?" if not rate or meant <= 1 else ""
        if value < 0:
            raise ValueError(f"a target cannot be negative ({value:g}){did_you_mean}")
        if rate and value > 1:
            raise ValueError(f"{kpi.id} is a rate, written as a fraction (0.03 for 3 %): "
                             f"{value:g} would be {value * 100:g} %{did_you_mean}")
        return value


class Config(_Strict):
    account_name: str = "Demo account"
    history_start: dt.date
    reporting: Reporting = Reporting()
    sources: Sources = Sources()
    demo: DemoOptions = DemoOptions()
    conversions: Conversions = Conversions()
    channels: Channels = Channels()
    targets: tuple[Target, ...] = ()
    experiments: tuple[ExperimentDefinition, ...] = ()
    budget: BudgetSettings = BudgetSettings()
    recommendations: RecommendationSettings = RecommendationSettings()
    clv: ClvSettings = ClvSettings()
    goals: Goals = ()
    risks: RiskSettings = RiskSettings()
    engine: Engine = Engine()
    privacy: Privacy = Privacy()
    delivery: Delivery | None = None  # unset: reports are written, not sent
    flights: tuple[Flight, ...] = ()  # named campaign periods: a review when each ends

    _flights = field_validator("flights")(unique_names)

    @model_validator(mode="after")
    def _experiments(self) -> Config:
        problems = source_problems(self.sources.experiments, self.experiments)
        if self.sources.experiments.kind == "ga4" and self.sources.ga4.kind != "ga4":
            problems.append("sources.experiments.kind: ga4 needs sources.ga4 to be a real "
                            "property (kind: ga4)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _unique_targets(self) -> Config:
        seen: set[tuple[str, str | None, str | None]] = set()
        for n, target in enumerate(self.targets):
            key = (target.kpi, target.channel, target.campaign)
            if key in seen:
                raise ValueError(f"targets.{n}: two targets for the same KPI and scope: {key}")
            seen.add(key)
        return self


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates: pydantic parses them, so a bad date names its field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _problem(error: dict) -> Problem:
    """One pydantic error in our words: a setting that does not exist says which one was meant."""
    loc = tuple(error["loc"])
    if error["type"] != "extra_forbidden":
        return Problem(loc, error["msg"].removeprefix("Value error, "))
    known = settings_at(Config, loc[:-1])
    meant = suggestion(str(loc[-1]), known)
    return Problem(loc, f"unknown setting {loc[-1]!r}" + (
        f"; did you mean {meant!r}?" if meant else f" (the settings here: {', '.join(known)})"))


def _refusal(path: Path, text: str, found: list[Problem]) -> ConfigError:
    """The error naming the file, each field, and the line it is written on."""
    root = compose(text, _Loader)
    said = []
    for problem in found:
        line = line_of(root, problem.loc)
        said.append(f"{_field_path(problem.loc)}: {problem.message}"
                    + (f" (line {line})" if line else ""))
    return ConfigError(f"{path}: {'; '.join(said)}")


def _resolve_relative_files(raw: dict, folder: Path) -> None:
    """Credential and data files named relative to the configuration file."""
    sources = raw.get("sources")
    sections = list(sources.values()) if isinstance(sources, dict) else []
    sections.append(raw.get("budget"))
    delivery = raw.get("delivery")
    if isinstance(delivery, dict):
        sections.append(delivery.get("smtp"))
    engine = raw.get("engine")
    if isinstance(engine, dict):
        sections += [engine.get("bigquery"), engine.get("duckdb")]
    for section in sections:
        for key in ("credentials_file", "access_token_file", "path", "plan", "costs",
                    "temp_directory", "ca_file"):
            if isinstance(section, dict) and isinstance(section.get(key), str):
                section[key] = beside(folder, section[key])


def load_config(path: Path) -> Config:
    """Read and validate ``path``; raise :class:`ConfigError` naming the file and field."""
    text = read_text(path, "configuration file", ConfigError)
    try:
        raw = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ConfigError(f"{path}{line}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    _resolve_relative_files(raw, path.parent)
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise _refusal(path, text, [_problem(e) for e in exc.errors(include_url=False)]) from None
    found = problems(config)
    if found:
        raise _refusal(path, text, list(found))
    return config
