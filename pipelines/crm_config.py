"""The ``sources.crm`` section of the configuration: which CRM to read (HubSpot for now), where
its token is, how far back each run re-reads, and what the funnel's steps and a won or lost
deal are in this portal.

>>> section = CrmSource(kind="hubspot")
>>> section.access_token_env, section.reread_days, section.page_size
('HUBSPOT_ACCESS_TOKEN', 30, 100)
>>> section.stages.mql, section.pipelines[0].won_stages
('marketingqualifiedlead', ('closedwon',))

The private app's token is never part of the configuration: only the name of the environment
variable (default ``HUBSPOT_ACCESS_TOKEN``) or of the file that holds it. A configuration that
would count wrongly is refused:

>>> CrmSource(stages={"mql": "lead"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for CrmSource
...lead is the stage of both lead and mql...
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

StageName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]  # internal values, not labels
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
FUNNEL = ("lead", "mql", "sql", "opportunity", "customer")
# Contact and deal properties that identify a person: never requested, whatever is configured.
PERSONAL_PROPERTIES = frozenset({
    "email", "hs_additional_emails", "work_email", "firstname", "lastname", "salutation",
    "phone", "mobilephone", "fax", "hs_whatsapp_phone_number", "address", "city", "zip",
    "state", "country", "hs_ip_timezone", "ip_city", "ip_state", "ip_country", "jobtitle",
    "date_of_birth", "hs_linkedin_url", "twitterhandle", "linkedinbio", "dealname",
    "description", "hubspot_owner_id", "hs_email_domain"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LifecycleStages(_Strict):
    """The lifecycle stage (its internal value) that marks each step of the funnel; HubSpot's
    defaults. The date a contact reached it is ``hs_lifecyclestage_<stage>_date``."""

    lead: StageName = "lead"
    mql: StageName = "marketingqualifiedlead"
    sql: StageName = "salesqualifiedlead"
    opportunity: StageName = "opportunity"
    customer: StageName = "customer"

    @model_validator(mode="after")
    def _distinct(self) -> LifecycleStages:
        seen: dict[str, str] = {}
        for step in FUNNEL:
            stage = getattr(self, step)
            if stage in seen:
                raise ValueError(f"{stage} is the stage of both {seen[stage]} and {step}: each "
                                 "step of the funnel needs its own lifecycle stage")
            seen[stage] = step
        return self

    def by_step(self) -> dict[str, str]:
        """Funnel step -> lifecycle stage, in funnel order."""
        return {step: getattr(self, step) for step in FUNNEL}


class DealPipeline(_Strict):
    """One deal pipeline (its internal ID) and which of its stages are won and lost."""

    id: StageName = "default"
    won_stages: tuple[StageName, ...] = ("closedwon",)
    lost_stages: tuple[StageName, ...] = ("closedlost",)

    @model_validator(mode="after")
    def _outcomes(self) -> DealPipeline:
        both = set(self.won_stages) & set(self.lost_stages)
        if both:
            raise ValueError(f"pipeline {self.id}: {sorted(both)} listed as both won and lost")
        if not self.won_stages:
            raise ValueError(f"pipeline {self.id}: won_stages is empty, so no deal would ever "
                             "count as won")
        return self


class CrmSource(_Strict):
    """The CRM: none, the demo's, or a HubSpot portal through a private app's token."""

    kind: Literal["none", "demo", "hubspot", "file"] = "none"
    # kind file: the folder holding the export (contacts, deals, contact_deals and optionally
    # archived, each .csv or .parquet; see pipelines/sources/crm/file.py), beside the config
    path: Path | None = None
    # The private app's access token: in this environment variable, or in this file (the file
    # wins when both are set). Never written in this configuration.
    access_token_env: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = (
        "HUBSPOT_ACCESS_TOKEN")
    access_token_file: Path | None = None
    host: str | None = None  # default https://api.hubapi.com; a local test server
    reread_days: int = Field(30, ge=1, le=365)  # each run re-reads what changed since then
    page_size: int = Field(100, ge=1, le=200)  # the search API returns at most 200 a page
    stages: LifecycleStages = LifecycleStages()
    pipelines: tuple[DealPipeline, ...] = (DealPipeline(),)
    # A custom contact property holding the UTM campaign, if the portal has one (HubSpot has no
    # default one); null where it is missing.
    utm_campaign_property: StageName | None = "utm_campaign"
    # The portal's company currency: the currency of a deal whose deal_currency_code is empty
    # (single-currency portals). Unset, such a deal with an amount stops the pull.
    portal_currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CrmSource:
        problems = []
        ids = [p.id for p in self.pipelines]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            problems.append(f"pipelines: {doubled} listed more than once")
        if not self.pipelines:
            problems.append("pipelines: list at least one deal pipeline (HubSpot's is "
                            "'default')")
        host = (self.host or "").split("://")[-1].split("/")[0].rsplit(":", 1)[0]
        if (self.host or "").startswith("http://") and host not in LOCAL_HOSTS:
            problems.append("host: plain http is only allowed for a local test server")
        if self.host and not self.host.startswith(("http://", "https://")):
            problems.append("host: give a URL such as https://api.hubapi.com")
        if (self.utm_campaign_property or "").lower() in PERSONAL_PROPERTIES:
            problems.append(f"utm_campaign_property: {self.utm_campaign_property} holds "
                            "personal data and is never read")
        if self.kind == "file" and self.path is None:
            problems.append("path: name the folder holding the CRM export (contacts.csv, "
                            "deals.csv, contact_deals.csv)")
        if problems:
            raise ValueError("; ".join(problems))
        return self
