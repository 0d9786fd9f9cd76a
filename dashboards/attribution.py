"""Which count of conversions the KPIs use, in one short sentence for every page's header and
the report: the configuration's ``conversions.attribution`` and, when Meta Ads is connected,
its attribution windows (``sources.meta_ads.attribution_windows``).

- ``ads``: each ad platform counts its own conversions (Google Ads its conversion actions,
  Meta within its windows); the other channels count GA4 key events.
- ``ga4``: GA4 counts every conversion, for every channel (last click).

>>> ads = Attribution("ads", meta_windows=("7d_click", "1d_view"))
>>> print(attribution_line(ads, "en"))  # doctest: +NORMALIZE_WHITESPACE
Attribution: each ad platform counts its own conversions — Google Ads through its conversion
actions, Meta up to 7 days after a click or 1 day after a view; the other channels count GA4
key events.
>>> attribution_sentence(Attribution("ga4"), "nl")
'GA4 telt elke conversie (laatste klik), voor alle kanalen'
>>> windows_words(("28d_click",), "fr")
'28 jours après un clic'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kpi.language.translate import N_, translator

_t = translator("common")

Choice = Literal["ads", "ga4"]
WINDOW_KEYS = {  # Meta's windows (pipelines/meta_ads_config.py) in words
    "1d_click": N_("att_1d_click"), "7d_click": N_("att_7d_click"),
    "28d_click": N_("att_28d_click"), "1d_view": N_("att_1d_view"), "1d_ev": N_("att_1d_ev")}


@dataclass(frozen=True)
class Attribution:
    """The attribution choice and Meta's windows (empty: Meta Ads is not connected)."""

    choice: Choice = "ads"
    meta_windows: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.choice not in ("ads", "ga4"):
            raise ValueError(f"attribution: expected ads or ga4, got {self.choice!r}")
        unknown = [w for w in self.meta_windows if w not in WINDOW_KEYS]
        if unknown:
            raise ValueError(f"attribution windows: unknown {unknown}; expected some of "
                             f"{', '.join(WINDOW_KEYS)}")


def windows_words(windows: tuple[str, ...], lang: str) -> str:
    """Meta's windows in words, click window first: "7 days after a click or 1 day after a
    view"."""
    ordered = sorted(windows, key=lambda w: not w.endswith("_click"))
    words = [_t(WINDOW_KEYS[w], lang) for w in ordered]
    return words[0] if len(words) == 1 else _t("att_or", lang).format(
        first=", ".join(words[:-1]), last=words[-1])


def attribution_sentence(attribution: Attribution, lang: str) -> str:
    """The sentence (no label, no full stop) saying which conversions the KPIs count."""
    if attribution.choice == "ga4":
        return _t("att_ga4", lang)
    platforms = [_t("att_google_ads", lang)]
    if attribution.meta_windows:
        platforms.append(_t("att_meta", lang).format(
            windows=windows_words(attribution.meta_windows, lang)))
    return _t("att_ads", lang).format(platforms=", ".join(platforms))


def attribution_line(attribution: Attribution | None, lang: str) -> str:
    """"Attribution: <sentence>." for a page header or the report ("" without a choice)."""
    if attribution is None:
        return ""
    return _t("att_line", lang).format(text=attribution_sentence(attribution, lang))
