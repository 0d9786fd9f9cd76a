"""Every KPI and additive measure declared once: the warehouse, the dashboards and the report all
read these declarations.

A KPI is a ratio of two additive measures, computed from sums at the grain asked for (the CPA
of a week is the week's cost over the week's purchases, never a mean of daily CPAs). A zero
denominator gives no value (null), never infinity.

Paid efficiency is paid cost over paid conversions (DESIGN principle 11): the judged CPA, CPL
and ROAS (the KPIs targets apply to) count only the leads, purchases and revenue of paid
campaigns, the ones whose cost the model imports. Their blended twins (``cpa_blended``, ...)
divide the same cost by every conversion, organic included, and are labelled as such; they
are stored at account and channel level only (per campaign they equal the paid figure or have
no cost).

>>> KPIS["cpa"].numerator, KPIS["cpa"].denominator
('cost', 'paid_purchases')
>>> KPIS["cpa_blended"].denominator, KPIS["cpa_blended"].blended_of, BLENDED["cpa"]
('purchases', 'cpa', 'cpa_blended')
>>> KPIS["cpm"].compute(12.0, 4000)
3.0
>>> KPIS["ctr"].compute(5, 0) is None
True
>>> KPIS["roas"].is_better(5.0, 4.0), KPIS["cpl"].is_better(5.0, 4.0)
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["nl", "fr", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "fr", "en")
Unit = Literal["count", "currency", "percent", "multiple"]
Direction = Literal["higher", "lower"]
ACCOUNT_LEVELS: tuple[str, ...] = ("total", "channel")  # roll-up levels of account-wide metrics


@dataclass(frozen=True)
class Labels:
    nl: str
    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        return getattr(self, lang) if lang in LANGUAGES else self.en


@dataclass(frozen=True)
class Measure:
    """An additive column of the unified model: summing it over any rows is meaningful.

    ``direction`` is None where more is neither better nor worse (cost: spend follows plan).
    ``paid_of`` names the measure this one keeps for paid campaigns only; ``levels`` the roll-up
    levels ``kpi_values`` keeps it at (None: every level)."""

    id: str
    unit: Unit
    label: Labels
    description: Labels
    direction: Direction | None = "higher"
    paid_of: str | None = None
    levels: tuple[str, ...] | None = None

    def is_better(self, value: float, reference: float) -> bool:
        """Whether ``value`` beats ``reference``; only meaningful when ``direction`` is set."""
        return value > reference if self.direction == "higher" else value < reference


@dataclass(frozen=True)
class Kpi:
    """value = numerator / denominator * scale, computed from sums.

    ``blended_of`` names the judged (paid) KPI this one is the blended twin of; ``levels`` the
    roll-up levels ``kpi_values`` keeps it at (None: every level)."""

    id: str
    numerator: str
    denominator: str
    unit: Unit
    direction: Direction
    label: Labels
    description: Labels
    scale: float = 1.0
    blended_of: str | None = None
    levels: tuple[str, ...] | None = None

    def compute(self, numerator: float | None, denominator: float | None) -> float | None:
        """The KPI from two sums; None when the denominator is zero or missing."""
        if numerator is None or denominator is None or denominator == 0:
            return None
        return numerator / denominator * self.scale

    def is_better(self, value: float, reference: float) -> bool:
        """Whether ``value`` beats ``reference`` in this KPI's direction."""
        return value > reference if self.direction == "higher" else value < reference


def _m(id: str, unit: Unit, nl: str, fr: str, en: str, dnl: str, dfr: str, den: str,
       direction: Direction | None = "higher") -> Measure:
    return Measure(id, unit, Labels(nl, fr, en), Labels(dnl, dfr, den), direction)


MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        _m("impressions", "count", "Vertoningen", "Impressions", "Impressions",
           "Aantal keer dat een advertentie werd getoond.",
           "Nombre d'affichages d'une annonce.",
           "Times an ad was shown."),
        _m("clicks", "count", "Klikken", "Clics", "Clicks",
           "Klikken op advertenties.", "Clics sur les annonces.", "Clicks on ads."),
        _m("cost", "currency", "Kosten", "Coût", "Cost",
           "Mediakosten in de rapportagevaluta.",
           "Coût média dans la devise de reporting.",
           "Media cost in the reporting currency.", None),
        _m("sessions", "count", "Sessies", "Sessions", "Sessions",
           "GA4-sessies.", "Sessions GA4.", "GA4 sessions."),
        _m("engaged_sessions", "count", "Betrokken sessies", "Sessions avec engagement",
           "Engaged sessions",
           "Sessies > 10 s, met een key event of met 2+ paginaweergaven.",
           "Sessions > 10 s, avec un événement clé ou 2+ pages vues.",
           "Sessions over 10 s, with a key event, or with 2+ page views."),
        _m("leads", "count", "Leads", "Leads", "Leads",
           "Conversies die de configuratie als lead telt.",
           "Conversions que la configuration compte comme lead.",
           "Conversions the configuration counts as a lead."),
        _m("purchases", "count", "Aankopen", "Achats", "Purchases",
           "Conversies die de configuratie als aankoop telt.",
           "Conversions que la configuration compte comme achat.",
           "Conversions the configuration counts as a purchase."),
        _m("conversions", "count", "Conversies", "Conversions", "Conversions",
           "Leads plus aankopen.", "Leads plus achats.", "Leads plus purchases."),
        _m("revenue", "currency", "Omzet", "Chiffre d'affaires", "Revenue",
           "Waarde van de aankopen in de rapportagevaluta.",
           "Valeur des achats dans la devise de reporting.",
           "Value of purchases in the reporting currency."),
        *(Measure(f"paid_{m}", unit, label, desc, paid_of=m, levels=ACCOUNT_LEVELS)
          for m, unit, label, desc in (
              ("leads", "count", Labels("Leads via betaalde campagnes", "Leads payants",
                                        "Paid leads"),
               Labels("Leads van campagnes waarvan we de kosten kennen (Google Ads).",
                      "Leads des campagnes dont le coût est connu (Google Ads).",
                      "Leads from campaigns whose cost is known (Google Ads).")),
              ("purchases", "count", Labels("Aankopen via betaalde campagnes", "Achats payants",
                                            "Paid purchases"),
               Labels("Aankopen van campagnes waarvan we de kosten kennen (Google Ads).",
                      "Achats des campagnes dont le coût est connu (Google Ads).",
                      "Purchases from campaigns whose cost is known (Google Ads).")),
              ("conversions", "count", Labels("Conversies via betaalde campagnes",
                                              "Conversions payantes", "Paid conversions"),
               Labels("Leads plus aankopen van betaalde campagnes.",
                      "Leads plus achats des campagnes payantes.",
                      "Leads plus purchases from paid campaigns.")),
              ("revenue", "currency", Labels("Omzet via betaalde campagnes",
                                             "Chiffre d'affaires payant", "Paid revenue"),
               Labels("Waarde van de aankopen van betaalde campagnes.",
                      "Valeur des achats des campagnes payantes.",
                      "Value of purchases from paid campaigns.")),
          )),
    )
}


def _k(id: str, num: str, den: str, unit: Unit, direction: Direction, nl: str, fr: str, en: str,
       dnl: str, dfr: str, den_: str, scale: float = 1.0, blended_of: str | None = None) -> Kpi:
    return Kpi(id, num, den, unit, direction, Labels(nl, fr, en), Labels(dnl, dfr, den_), scale,
               blended_of, ACCOUNT_LEVELS if blended_of else None)


KPIS: dict[str, Kpi] = {
    k.id: k
    for k in (
        _k("conversion_rate", "conversions", "sessions", "percent", "higher",
           "Conversieratio", "Taux de conversion", "Conversion rate",
           "Conversies ÷ sessies.", "Conversions ÷ sessions.", "Conversions ÷ sessions."),
        _k("cpl", "cost", "paid_leads", "currency", "lower",
           "Kosten per lead (CPL)", "Coût par lead (CPL)", "Cost per lead (CPL)",
           "Mediakosten ÷ leads via betaalde campagnes.",
           "Coût média ÷ leads des campagnes payantes.",
           "Media cost ÷ leads from paid campaigns."),
        _k("cpa", "cost", "paid_purchases", "currency", "lower",
           "Kosten per aankoop (CPA)", "Coût par acquisition (CPA)", "Cost per acquisition (CPA)",
           "Mediakosten ÷ aankopen via betaalde campagnes.",
           "Coût média ÷ achats des campagnes payantes.",
           "Media cost ÷ purchases from paid campaigns."),
        _k("roas", "paid_revenue", "cost", "multiple", "higher",
           "ROAS", "ROAS", "ROAS",
           "Omzet via betaalde campagnes ÷ mediakosten.",
           "Chiffre d'affaires des campagnes payantes ÷ coût média.",
           "Revenue from paid campaigns ÷ media cost."),
        _k("cpl_blended", "cost", "leads", "currency", "lower",
           "Blended CPL (alle leads)", "CPL global (tous les leads)", "Blended CPL (all leads)",
           "Mediakosten ÷ alle leads, ook organisch: geen prestatie van de campagnes.",
           "Coût média ÷ tous les leads, organiques compris\u00a0: pas une performance des "
           "campagnes.",
           "Media cost ÷ all leads, organic included: not the campaigns' own efficiency.",
           blended_of="cpl"),
        _k("cpa_blended", "cost", "purchases", "currency", "lower",
           "Blended CPA (alle aankopen)", "CPA global (tous les achats)",
           "Blended CPA (all purchases)",
           "Mediakosten ÷ alle aankopen, ook organisch: geen prestatie van de campagnes.",
           "Coût média ÷ tous les achats, organiques compris\u00a0: pas une performance des "
           "campagnes.",
           "Media cost ÷ all purchases, organic included: not the campaigns' own efficiency.",
           blended_of="cpa"),
        _k("roas_blended", "revenue", "cost", "multiple", "higher",
           "Blended ROAS (MER)", "ROAS global (MER)", "Blended ROAS (MER)",
           "Alle omzet ÷ mediakosten (marketing efficiency ratio), ook organische omzet.",
           "Tout le chiffre d'affaires ÷ coût média (MER), organique compris.",
           "All revenue ÷ media cost (marketing efficiency ratio), organic included.",
           blended_of="roas"),
        _k("ctr", "clicks", "impressions", "percent", "higher",
           "Klikratio (CTR)", "Taux de clics (CTR)", "Click-through rate (CTR)",
           "Klikken ÷ vertoningen.", "Clics ÷ impressions.", "Clicks ÷ impressions."),
        _k("cpc", "cost", "clicks", "currency", "lower",
           "Kosten per klik (CPC)", "Coût par clic (CPC)", "Cost per click (CPC)",
           "Kosten ÷ klikken.", "Coût ÷ clics.", "Cost ÷ clicks."),
        _k("cpm", "cost", "impressions", "currency", "lower",
           "Kosten per 1.000 vertoningen (CPM)", "Coût pour 1 000 impressions (CPM)",
           "Cost per 1,000 impressions (CPM)",
           "Kosten ÷ vertoningen × 1.000.", "Coût ÷ impressions × 1 000.",
           "Cost ÷ impressions × 1,000.", 1000.0),
        _k("aov", "revenue", "purchases", "currency", "higher",
           "Gemiddelde bestelwaarde (AOV)", "Panier moyen (AOV)", "Average order value (AOV)",
           "Omzet ÷ aankopen.", "Chiffre d'affaires ÷ achats.", "Revenue ÷ purchases."),
        _k("engagement_rate", "engaged_sessions", "sessions", "percent", "higher",
           "Engagementratio", "Taux d'engagement", "Engagement rate",
           "Betrokken sessies ÷ sessies (GA4).", "Sessions avec engagement ÷ sessions (GA4).",
           "Engaged sessions ÷ sessions (GA4)."),
    )
}


BLENDED: dict[str, str] = {k.blended_of: k.id for k in KPIS.values() if k.blended_of}
"""Judged (paid) KPI id -> its blended twin's id."""


def _check_registry() -> None:
    for kpi in KPIS.values():
        for part in (kpi.numerator, kpi.denominator):
            if part not in MEASURES:
                raise ValueError(f"KPI {kpi.id!r} uses {part!r}, which is not a declared measure")
        if kpi.blended_of is not None and kpi.blended_of not in KPIS:
            raise ValueError(f"KPI {kpi.id!r} is the blended twin of unknown {kpi.blended_of!r}")
    for measure in MEASURES.values():
        if measure.paid_of is not None and measure.paid_of not in MEASURES:
            raise ValueError(f"measure {measure.id!r} keeps unknown {measure.paid_of!r}")


_check_registry()
