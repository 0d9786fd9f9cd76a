"""The budget page: pacing of the current plan period, the recommendations in words, and the
what-if scenarios of the response curves.

Reads three tables (see :mod:`kpi.pacing`, :mod:`kpi.recommend` and ``assets/budget.py``):
``budget_pacing`` (one row per plan line as of the last day of data), ``recommendations`` (pause /
scale / reallocate with a sentence per language in ``text_<lang>``) and ``budget_scenarios``
(channel × measure × ±change from the channel's curve, with its r²). Any of them may be empty
(or have the one-column shape of a table with nothing to say yet): the page then says so.
Campaign and channel names are user input: escaped for HTML and for Plotly labels.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal, format_percent, get_plus_sign_symbol

from dashboards.formatting import (
    MISSING,
    as_number,
    axis_affixes,
    format_date,
    format_range,
    format_value,
    locale_for,
)
from dashboards.i18n import t, translator
from dashboards.page import GRID, MUTED, chart_layout, esc, plot_div, render_page, write_page
from kpi.pacing import ON_TRACK, WATCH, status_of
from kpi.registry import KPIS, MEASURES

MAX_LABEL = 40  # characters of a plan line name on the chart axis (hover shows it all)
ACTIONS = ("pause", "scale", "reallocate")
STATUS_CLASS = {"on_track": "good", "watch": "warn", "investigate": "bad", "not_started": "flat"}
STATUS_COLOUR = {"on_track": "#047857", "watch": "#d48806", "investigate": "#b42318",
                 "not_started": "#98a2b3"}
WARN_STYLE = ' style="color:var(--warn);background:var(--warn-bg)"'
FIT_GOOD, FIT_WEAK = 0.6, 0.3  # r² from which a curve is reliable / below which it is a guess
MEASURE_ORDER = ("conversions", "leads", "purchases", "clicks", "revenue")
SUMMED = ("media_budget", "spend_to_date", "expected_to_date", "projected_spend",
          "total_budget", "projected_total_cost")

TEXTS: dict[str, dict[str, str]] = {
    "bud_title": {"nl": "Budget en pacing", "fr": "Budget et rythme de dépense",
                  "en": "Budget and pacing"},
    "bud_as_of": {
        "nl": "Uitgaven tot en met {day}",
        "fr": "Dépenses jusqu'au {day} inclus",
        "en": "Spend up to and including {day}",
    },
    "bud_pacing": {
        "nl": "Lopende periode: {period}",
        "fr": "Période en cours\u00a0: {period}",
        "en": "Current period: {period}",
    },
    "bud_day_of": {"nl": "dag {day} van {days}", "fr": "jour {day} sur {days}",
                   "en": "day {day} of {days}"},
    "bud_no_plan": {
        "nl": "Geen budgetplan ingesteld",
        "fr": "Aucun plan budgétaire configuré",
        "en": "No budget plan configured",
    },
    "bud_no_plan_hint": {
        "nl": "Geef een planbestand op onder 'budget: plan:' in het configuratiebestand "
        "(zie README).",
        "fr": "Indiquez un fichier de plan sous «\u202fbudget: plan:\u202f» dans le fichier de "
        "configuration (voir le README).",
        "en": "Name a plan file under 'budget: plan:' in the configuration file "
        "(see the README).",
    },
    "bud_no_line": {
        "nl": "Geen planregel voor {day}",
        "fr": "Aucune ligne du plan pour le {day}",
        "en": "No plan line covers {day}",
    },
    "bud_no_line_hint": {
        "nl": "Het plan loopt van {start} tot {end}.",
        "fr": "Le plan couvre la période du {start} au {end}.",
        "en": "The plan runs from {start} to {end}.",
    },
    "bud_whole_account": {"nl": "Hele account", "fr": "Tout le compte",
                          "en": "Whole account"},
    "bud_col_line": {"nl": "Planregel", "fr": "Ligne du plan", "en": "Plan line"},
    "bud_col_budget": {"nl": "Mediabudget", "fr": "Budget média", "en": "Media budget"},
    "bud_col_spent": {"nl": "Besteed tot nu", "fr": "Dépensé à ce jour", "en": "Spent to date"},
    "bud_col_expected": {"nl": "Verwacht tot nu", "fr": "Prévu à ce jour",
                         "en": "Expected to date"},
    "bud_col_pacing": {"nl": "Pacing", "fr": "Rythme", "en": "Pacing"},
    "bud_col_projected": {"nl": "Verwachte media-uitgaven", "fr": "Dépense média projetée",
                          "en": "Projected media spend"},
    "bud_col_total_cost": {
        "nl": "Verwachte totale kost",
        "fr": "Coût total projeté",
        "en": "Projected total cost",
    },
    "bud_of_budget": {"nl": "{share} van het budget", "fr": "{share} du budget",
                      "en": "{share} of budget"},
    "bud_expected_line": {"nl": "verwacht {amount}", "fr": "prévu {amount}",
                          "en": "expected {amount}"},
    "bud_budget_line": {"nl": "budget {amount}", "fr": "budget {amount}",
                        "en": "budget {amount}"},
    "bud_total_line": {
        "nl": "media + productie + bureau; budget {amount}",
        "fr": "média + production + agence\u202f; budget {amount}",
        "en": "media + production + agency; budget {amount}",
    },
    "bud_status_on_track": {"nl": "Op schema", "fr": "Dans les temps", "en": "On track"},
    "bud_status_watch": {"nl": "Opvolgen", "fr": "À surveiller", "en": "Watch"},
    "bud_status_investigate": {"nl": "Onderzoeken", "fr": "À examiner", "en": "Investigate"},
    "bud_status_not_started": {"nl": "Nog niet gestart", "fr": "Pas commencé",
                               "en": "Not started"},
    "bud_under": {"nl": "onderbesteding", "fr": "sous-consommation", "en": "underspend"},
    "bud_over": {"nl": "overbesteding", "fr": "surconsommation", "en": "overspend"},
    "bud_unplanned": {"nl": "uitgaven zonder plan", "fr": "dépenses non prévues",
                      "en": "unplanned spend"},
    "bud_chart": {"nl": "Pacing per planregel", "fr": "Rythme par ligne du plan",
                  "en": "Pacing per plan line"},
    "bud_chart_desc": {
        "nl": "Besteed ÷ verwacht tot nu. Groene zone {on_low}–{on_high}: op schema; "
        "stippellijnen op {watch_low} en {watch_high}: daarbuiten onderzoeken.",
        "fr": "Dépensé ÷ prévu à ce jour. Zone verte {on_low}–{on_high}\u00a0: dans les "
        "temps\u202f; pointillés à {watch_low} et {watch_high}\u00a0: au-delà, à examiner.",
        "en": "Spent ÷ expected to date. Green band {on_low}–{on_high}: on track; dotted "
        "lines at {watch_low} and {watch_high}: beyond them, investigate.",
    },
    "bud_method": {
        "nl": "Verwacht tot nu volgt het geplande dagprofiel. Projectie = besteed tot nu + de "
        "rest van het plan × de verhouding werkelijk/gepland van de laatste 7 dagen. Totale "
        "kost = media + productiekosten + bureaukosten.",
        "fr": "Le prévu à ce jour suit le profil journalier du plan. Projection = dépensé à ce "
        "jour + le reste du plan × le rapport réel/prévu des 7 derniers jours. Coût total = "
        "média + frais de production + honoraires d'agence.",
        "en": "Expected to date follows the plan's daily profile. Projection = spent to date "
        "+ the rest of the plan × the actual-to-plan ratio of the last 7 days. Total cost = "
        "media + production costs + agency fees.",
    },
    "bud_recs": {"nl": "Aanbevelingen", "fr": "Recommandations", "en": "Recommendations"},
    "bud_recs_as_of": {
        "nl": "Beoordeeld op gegevens tot en met {day}; recentere dagen tellen niet mee "
        "omdat er nog conversies binnenkomen.",
        "fr": "Évaluées sur les données jusqu'au {day} inclus\u202f; les jours plus récents "
        "sont exclus, car des conversions arrivent encore.",
        "en": "Judged on data up to and including {day}; more recent days are left out while "
        "conversions are still arriving.",
    },
    "bud_no_recs": {"nl": "Geen aanbevelingen", "fr": "Aucune recommandation",
                    "en": "No recommendations"},
    "bud_no_recs_hint": {
        "nl": "Geen enkele campagne wijkt met voldoende zekerheid van haar doel af, of er "
        "zijn geen doelen ingesteld ('targets:' in de configuratie).",
        "fr": "Aucune campagne ne s'écarte de son objectif avec assez de certitude, ou aucun "
        "objectif n'est configuré («\u202ftargets:\u202f» dans la configuration).",
        "en": "No campaign is clearly off or ahead of its target with enough confidence, or "
        "no targets are configured ('targets:' in the configuration).",
    },
    "bud_action_pause": {"nl": "Pauzeren", "fr": "Mettre en pause", "en": "Pause"},
    "bud_action_scale": {"nl": "Opschalen", "fr": "Augmenter", "en": "Scale up"},
    "bud_action_reallocate": {"nl": "Budget verschuiven", "fr": "Réallouer le budget",
                              "en": "Reallocate budget"},
    "bud_key_kpi": {
        "nl": "{kpi}: {value} (doel {target})",
        "fr": "{kpi}\u00a0: {value} (objectif {target})",
        "en": "{kpi}: {value} (target {target})",
    },
    "bud_key_cost": {
        "nl": "Kosten: {cost} in {days} dagen",
        "fr": "Coût\u00a0: {cost} en {days} jours",
        "en": "Cost: {cost} in {days} days",
    },
    "bud_key_extra": {
        "nl": "Budget: +{amount} per dag",
        "fr": "Budget\u00a0: +{amount} par jour",
        "en": "Budget: +{amount} a day",
    },
    "bud_key_move": {
        "nl": "Verschuiving: {amount} per dag",
        "fr": "Transfert\u00a0: {amount} par jour",
        "en": "Moved: {amount} a day",
    },
    "bud_key_gain": {
        "nl": "{measure}: +{gain} per dag",
        "fr": "{measure}\u00a0: +{gain} par jour",
        "en": "{measure}: +{gain} a day",
    },
    "bud_key_limited": {
        "nl": "Beperkt door dagbudget",
        "fr": "Limitée par le budget quotidien",
        "en": "Limited by its daily budget",
    },
    "bud_scenarios": {
        "nl": "Wat als een kanaal {change} meer of minder besteedt?",
        "fr": "Et si un canal dépensait {change} de plus ou de moins\u202f?",
        "en": "What if a channel spends {change} more or less?",
    },
    "bud_scenarios_plain": {"nl": "Wat-als-scenario's", "fr": "Scénarios",
                            "en": "What-if scenarios"},
    "bud_pacing_plain": {"nl": "Pacing", "fr": "Rythme de dépense", "en": "Pacing"},
    "bud_scenarios_desc": {
        "nl": "Per dag, volgens de responscurve van het kanaal (afnemende meeropbrengst).",
        "fr": "Par jour, selon la courbe de réponse du canal (rendements décroissants).",
        "en": "Per day, from the channel's response curve (diminishing returns).",
    },
    "bud_no_scenarios": {
        "nl": "Nog geen responscurven",
        "fr": "Pas encore de courbes de réponse",
        "en": "No response curves yet",
    },
    "bud_no_scenarios_hint": {
        "nl": "De uitgavenhistoriek is te kort of te weinig gevarieerd om een curve te schatten.",
        "fr": "L'historique des dépenses est trop court ou trop peu varié pour estimer une "
        "courbe.",
        "en": "The spend history is too short or too uniform to fit a curve.",
    },
    "bud_col_outcome": {"nl": "Resultaat", "fr": "Résultat", "en": "Outcome"},
    "bud_col_spend_day": {"nl": "Uitgaven per dag", "fr": "Dépense par jour",
                          "en": "Spend a day"},
    "bud_col_response_day": {"nl": "Verwacht per dag", "fr": "Attendu par jour",
                             "en": "Expected a day"},
    "bud_col_at": {"nl": "Bij {change}", "fr": "À {change}", "en": "At {change}"},
    "bud_col_return": {"nl": "Opbrengst extra uitgaven", "fr": "Rendement du surplus",
                       "en": "Return on extra spend"},
    "bud_col_fit": {"nl": "Fit (r²)", "fr": "Ajustement (r²)", "en": "Fit (r²)"},
    "bud_marginal_roas": {"nl": "ROAS {value}", "fr": "ROAS {value}", "en": "ROAS {value}"},
    "bud_marginal_cost": {
        "nl": "{value} per extra {unit}",
        "fr": "{value} par {unit} en plus",
        "en": "{value} per extra {unit}",
    },
    "bud_unit_conversions": {"nl": "conversie", "fr": "conversion", "en": "conversion"},
    "bud_unit_leads": {"nl": "lead", "fr": "lead", "en": "lead"},
    "bud_unit_purchases": {"nl": "aankoop", "fr": "achat", "en": "purchase"},
    "bud_unit_clicks": {"nl": "klik", "fr": "clic", "en": "click"},
    "bud_fit_good": {"nl": "Betrouwbare curve", "fr": "Courbe fiable", "en": "Reliable curve"},
    "bud_fit_rough": {"nl": "Ruwe indicatie", "fr": "Indication grossière",
                      "en": "Rough guide"},
    "bud_fit_weak": {"nl": "Niet op vertrouwen", "fr": "Peu fiable", "en": "Do not rely on it"},
    "bud_fit_note": {
        "nl": "r² is het deel van de schommelingen in het resultaat dat de curve verklaart "
        "(0 tot 1). Vanaf {good}: bruikbaar; tussen {weak} en {good}: alleen een ruwe "
        "indicatie; onder {weak} verklaart de curve bijna niets: lees die scenario's als een "
        "gok, niet als een voorspelling (de aanbevelingen gebruiken zulke curven niet). "
        "Uitgaven buiten wat de gegevens ooit zagen, zijn extrapolaties.",
        "fr": "Le r² est la part des variations du résultat que la courbe explique (de 0 à 1). "
        "À partir de {good}\u00a0: utilisable\u202f; entre {weak} et {good}\u00a0: simple "
        "indication\u202f; sous {weak}, la courbe n'explique presque rien\u00a0: lisez ces "
        "scénarios comme une supposition, pas comme une prévision (les recommandations "
        "n'utilisent pas de telles courbes). Les dépenses jamais observées sont des "
        "extrapolations.",
        "en": "r² is the share of the ups and downs in the outcome that the curve explains "
        "(0 to 1). From {good}: usable; between {weak} and {good}: a rough guide only; below "
        "{weak} the curve explains almost nothing: read those scenarios as a guess, not a "
        "forecast (recommendations do not use such curves). Spend levels the data never saw "
        "are extrapolations.",
    },
}


_t = translator(TEXTS)  # this page's texts first, then the shared ones


# --- small formatting helpers ------------------------------------------------------------------

def _day(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _money(value: object, lang: str, currency: str) -> str:
    return format_value(value, "currency", lang, currency)


def _pct(value: object, lang: str) -> str:
    """A share with one decimal (98,0 %), ``–`` when missing or infinite."""
    return format_value(value, "percent", lang)


def _round_pct(value: float, lang: str) -> str:
    """A share without decimals (95 %), for thresholds."""
    return format_percent(value, locale=locale_for(lang))


def _signed(value: object, unit: str, lang: str, currency: str) -> str:
    """A change with an explicit + (the locale's minus comes from Babel)."""
    number = as_number(value)
    text = format_value(number, unit, lang, currency)
    return get_plus_sign_symbol(locale_for(lang)) + text if number and number > 0 else text


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _pill(text: str, kind: str) -> str:
    style = WARN_STYLE if kind == "warn" else ""
    return f'<span class="pill {esc(kind)}"{style}>{esc(text)}</span>'


def _empty(title: str, hint: str) -> str:
    return (f'<div class="card"><div class="empty"><strong>{esc(title)}</strong>'
            f"<span>{esc(hint)}</span></div></div>")


def _table(heads: list[str], rows: list[list[str]], foot: list[str] | None = None,
           left: int = 1) -> str:
    """An HTML table; ``heads`` are plain text, cells already-escaped HTML; the first
    ``left`` columns are text (left-aligned), the others numbers."""
    def cells(tag: str, values: list[str]) -> str:
        text = ' style="text-align:left"'
        return "".join(f"<{tag}{text if 0 < i < left else ''}>{v}</{tag}>"
                       for i, v in enumerate(values))

    head = cells("th", [esc(h) for h in heads])
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    tail = f"<tfoot><tr>{cells('td', foot)}</tr></tfoot>" if foot else ""
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody>{tail}</table></div>")


def _currency(frame: pd.DataFrame, default: str) -> str:
    if "currency" not in frame.columns:
        return default
    found = sorted({str(c) for c in frame["currency"].dropna().unique()})
    if len(found) > 1:
        raise ValueError(f"budget_pacing mixes currencies {found}; pacing is computed in one "
                         "reporting currency")
    return found[0] if found else default


# --- pacing ------------------------------------------------------------------------------------

def current_lines(pacing: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The plan lines whose period contains ``as_of`` (empty for an empty table)."""
    if pacing.empty or "period_start" not in pacing.columns:
        return pacing.iloc[:0]
    start = pd.to_datetime(pacing["period_start"]).dt.date
    end = pd.to_datetime(pacing["period_end"]).dt.date
    return pacing[(start <= as_of) & (end >= as_of)]


def _line_label(row: Mapping[str, Any], lang: str, names: Mapping[str, str]) -> str:
    if row["level"] == "account" or not row.get("name"):
        return _t("bud_whole_account", lang)
    name = str(row["name"])
    return names.get(name, name) if row["level"] == "campaign" else name


def _status_pill(status: str, direction: object, pacing: float | None, lang: str) -> str:
    text = _t(f"bud_status_{status}", lang) if status in STATUS_CLASS else str(status)
    if pacing is not None and math.isinf(pacing):
        text += " · " + _t("bud_unplanned", lang)
    elif direction in ("under", "over"):
        text += " · " + _t(f"bud_{direction}", lang)
    return _pill(text, STATUS_CLASS.get(status, "flat"))


def _tile(label: str, value: str, lines: list[str]) -> str:
    body = "".join(f'<div class="line">{line}</div>' for line in lines)
    return (f'<div class="card tile"><div class="label">{esc(label)}</div>'
            f'<div class="value">{esc(value)}</div>{body}</div>')


def _totals(lines: pd.DataFrame) -> dict[str, float] | None:
    """The lines summed, when they do not overlap: one account line, or lines of one level
    and one period (each channel or campaign once)."""
    if len(lines) == 1:
        return {k: float(lines.iloc[0][k]) for k in SUMMED}
    same = lines["level"].nunique() == 1 and lines["level"].iloc[0] != "account"
    periods = lines[["period_start", "period_end"]].drop_duplicates()
    if not same or len(periods) != 1 or lines["name"].duplicated().any():
        return None
    return {k: float(pd.to_numeric(lines[k], errors="coerce").fillna(0).sum()) for k in SUMMED}


def _tiles(sums: dict[str, float], lang: str, currency: str) -> str:
    pacing = sums["spend_to_date"] / sums["expected_to_date"] if sums["expected_to_date"] else None
    status, direction = status_of(pacing)
    projected = sums["projected_spend"] / sums["media_budget"] if sums["media_budget"] else None
    tiles = [
        _tile(_t("bud_col_budget", lang), _money(sums["media_budget"], lang, currency), []),
        _tile(_t("bud_col_spent", lang), _money(sums["spend_to_date"], lang, currency),
              [esc(_t("bud_expected_line", lang).format(
                  amount=_money(sums["expected_to_date"], lang, currency)))]),
        _tile(_t("bud_col_pacing", lang), _pct(pacing, lang),
              [_status_pill(status, direction, pacing, lang)]),
        _tile(_t("bud_col_projected", lang), _money(sums["projected_spend"], lang, currency),
              [esc(_t("bud_of_budget", lang).format(share=_pct(projected, lang)))]),
        _tile(_t("bud_col_total_cost", lang), _money(sums["projected_total_cost"], lang,
                                                     currency),
              [esc(_t("bud_total_line", lang).format(
                  amount=_money(sums["total_budget"], lang, currency)))]),
    ]
    return f'<div class="grid tiles">{"".join(tiles)}</div>'


def _pacing_figure(lines: pd.DataFrame, labels: list[str], lang: str,
                   currency: str) -> go.Figure | None:
    """Horizontal bars of pacing per line, the on-track band shaded, the watch limits dotted."""
    rows = [(label, row) for label, (_, row) in zip(labels, lines.iterrows(), strict=True)
            if as_number(row["pacing"]) is not None]
    if not rows:
        return None
    rows = rows[::-1]  # plotly draws the first category at the bottom
    y = [f"{i}" for i in range(len(rows))]  # positions; names go in ticktext (may repeat)
    x = [float(row["pacing"]) * 100 for _, row in rows]
    colours = [STATUS_COLOUR.get(str(row["status"]), MUTED) for _, row in rows]
    text = [esc(_pct(row["pacing"], lang)) for _, row in rows]
    hover = [f"{esc(label)}<br><b>{esc(_pct(row['pacing'], lang))}</b><br>"
             f"{esc(_t('bud_col_spent', lang))}: "
             f"{esc(_money(row['spend_to_date'], lang, currency))}<br>"
             f"{esc(_t('bud_col_expected', lang))}: "
             f"{esc(_money(row['expected_to_date'], lang, currency))}"
             for label, row in rows]
    fig = go.Figure(go.Bar(x=x, y=y, orientation="h", marker={"color": colours}, text=text,
                           textposition="outside", cliponaxis=False, hovertext=hover,
                           hoverinfo="text", name=""))
    top = max(130.0, max(x) * 1.12)
    band = {"type": "rect", "xref": "x", "yref": "paper", "x0": ON_TRACK[0] * 100,
            "x1": ON_TRACK[1] * 100, "y0": 0, "y1": 1, "fillcolor": "rgba(4,120,87,.12)",
            "line": {"width": 0}, "layer": "below"}
    marks = [{"type": "line", "xref": "x", "yref": "paper", "x0": v * 100, "x1": v * 100,
              "y0": 0, "y1": 1, "line": {"color": "#98a2b3", "width": 1.25, "dash": "dot"}}
             for v in WATCH]
    plan = {"type": "line", "xref": "x", "yref": "paper", "x0": 100, "x1": 100, "y0": 0,
            "y1": 1, "line": {"color": "#047857", "width": 1}}
    prefix, suffix = axis_affixes("percent", lang)
    base = chart_layout(lang, height=70 + 36 * len(rows), bargap=0.35,
                        shapes=[band, *marks, plan])
    fig.update_layout(base, xaxis={**base["xaxis"], "range": [0, top], "showgrid": True,
                                   "gridcolor": GRID, "tickprefix": prefix, "ticksuffix": suffix,
                                   "exponentformat": "none"},
                      yaxis={**base["yaxis"], "type": "category", "tickvals": y,
                             "ticktext": [esc(_short(label)) for label, _ in rows],
                             "tickfont": {"size": 12}})
    return fig


def _pacing_table(lines: pd.DataFrame, labels: list[str], sums: dict[str, float] | None,
                  lang: str, currency: str) -> str:
    """One row per line: budget, spend and expected to date, pacing with its status, the
    projected media spend (share of budget) and total cost (against the total budget)."""
    mixed = len(lines[["period_start", "period_end"]].drop_duplicates()) > 1

    def sub(text: str) -> str:
        return f'<div class="meta">{esc(text)}</div>'

    def cells(values: Mapping[str, Any], pacing: float | None, status: str,
              direction: object) -> list[str]:
        media = as_number(values["media_budget"])
        projected = as_number(values["projected_spend"])
        share = projected / media if projected is not None and media else None
        return [
            esc(_money(values["media_budget"], lang, currency)),
            esc(_money(values["spend_to_date"], lang, currency)),
            esc(_money(values["expected_to_date"], lang, currency)),
            esc(_pct(pacing, lang)) + f"<div>{_status_pill(status, direction, pacing, lang)}"
            "</div>",
            esc(_money(projected, lang, currency))
            + sub(_t("bud_of_budget", lang).format(share=_pct(share, lang))),
            esc(_money(values["projected_total_cost"], lang, currency))
            + sub(_t("bud_budget_line", lang).format(
                amount=_money(values["total_budget"], lang, currency))),
        ]

    rows = []
    for label, (_, r) in zip(labels, lines.iterrows(), strict=True):
        pacing = as_number(r["pacing"])
        if pacing is None and r["pacing"] is not None and not pd.isna(r["pacing"]):
            pacing = float(r["pacing"])  # infinite: spend where the plan expects none
        name = esc(label)
        if mixed:
            name += sub(format_range(_day(r["period_start"]), _day(r["period_end"]), lang))
        rows.append([name, *cells(r.to_dict(), pacing, str(r["status"]), r.get("direction"))])
    foot = None
    if sums is not None and len(lines) > 1:
        pacing = (sums["spend_to_date"] / sums["expected_to_date"] if sums["expected_to_date"]
                  else None)
        foot = [esc(t("total", lang)), *cells(sums, pacing, *status_of(pacing))]
    heads = [_t(k, lang) for k in ("bud_col_line", "bud_col_budget", "bud_col_spent",
                                   "bud_col_expected", "bud_col_pacing", "bud_col_projected",
                                   "bud_col_total_cost")]
    return _table(heads, rows, foot)


def _pacing_section(pacing: pd.DataFrame, as_of: dt.date, lang: str, currency: str,
                    names: Mapping[str, str], figures: dict[str, go.Figure]) -> str:
    head = f'<h2>{esc(_t("bud_pacing_plain", lang))}</h2>'
    if pacing.empty or "period_start" not in pacing.columns:
        return head + _empty(_t("bud_no_plan", lang), _t("bud_no_plan_hint", lang))
    lines = current_lines(pacing, as_of)
    if lines.empty:
        first = min(pd.to_datetime(pacing["period_start"])).date()
        last = max(pd.to_datetime(pacing["period_end"])).date()
        return head + _empty(_t("bud_no_line", lang).format(day=format_date(as_of, lang)),
                      _t("bud_no_line_hint", lang).format(start=format_date(first, lang),
                                                          end=format_date(last, lang)))
    order = {"account": 0, "channel": 1, "campaign": 2}
    lines = lines.assign(_order=lines["level"].map(order).fillna(3),
                         _budget=-pd.to_numeric(lines["media_budget"], errors="coerce"))
    lines = lines.sort_values(["_order", "_budget"], kind="stable").drop(
        columns=["_order", "_budget"])
    labels = [_line_label(r, lang, names) for _, r in lines.iterrows()]
    periods = lines[["period_start", "period_end"]].drop_duplicates()
    first = lines.iloc[0]
    start, end = _day(first["period_start"]), _day(first["period_end"])
    head = _t("bud_pacing", lang).format(period=format_range(start, end, lang))
    meta = ""
    if len(periods) == 1:
        meta = _t("bud_day_of", lang).format(day=int(first["days_elapsed"]),
                                             days=int(first["days_in_period"]))
    parts = [f'<h2>{esc(head)}</h2>']
    if meta:
        parts.append(f'<div class="meta" style="margin:-8px 0 12px">{esc(meta)}</div>')
    sums = _totals(lines)
    if sums is not None:
        parts.append(_tiles(sums, lang, currency))
    fig = _pacing_figure(lines, labels, lang, currency)
    card = []
    if fig is not None:
        figures["pacing"] = fig
        bands = {"on_low": ON_TRACK[0], "on_high": ON_TRACK[1], "watch_low": WATCH[0],
                 "watch_high": WATCH[1]}
        desc = _t("bud_chart_desc", lang).format(
            **{k: _round_pct(v, lang) for k, v in bands.items()})
        card.append(f'<h3>{esc(_t("bud_chart", lang))}</h3><p class="desc meta">{esc(desc)}'
                    f'</p>{plot_div("pacing", height=int(fig.layout.height))}')
    card.append(_pacing_table(lines, labels, sums, lang, currency))
    card.append(f'<p class="meta">{esc(_t("bud_method", lang))}</p>')
    parts.append('<div class="card" style="margin-top:12px">' + "".join(card) + "</div>")
    return "".join(parts)


# --- recommendations ---------------------------------------------------------------------------

def _quantity(value: object, measure: object, lang: str, currency: str) -> str:
    unit = MEASURES[measure].unit if measure in MEASURES else "count"
    return format_value(value, unit, lang, currency)


def _measure_label(measure: object, lang: str) -> str:
    return MEASURES[measure].label(lang) if measure in MEASURES else str(measure)


def _key_numbers(r: Mapping[str, Any], lang: str, currency: str) -> list[str]:
    """The numbers behind one recommendation, as short plain-text chips."""
    chips = []
    kpi = r.get("kpi")
    if isinstance(kpi, str) and kpi in KPIS and as_number(r.get("value")) is not None:
        unit = KPIS[kpi].unit
        chips.append(_t("bud_key_kpi", lang).format(
            kpi=kpi.upper(), value=format_value(r.get("value"), unit, lang, currency),
            target=format_value(r.get("target"), unit, lang, currency)))
    action = r.get("action")
    if action == "pause" and as_number(r.get("cost")) is not None:
        chips.append(_t("bud_key_cost", lang).format(
            cost=_money(r.get("cost"), lang, currency),
            days=format_value(r.get("days"), "count", lang)))
    amount = as_number(r.get("amount"))
    if amount is not None and action in ("scale", "reallocate"):
        key = "bud_key_extra" if action == "scale" else "bud_key_move"
        chips.append(_t(key, lang).format(amount=_money(amount, lang, currency)))
    if as_number(r.get("expected_gain")) is not None:
        chips.append(_t("bud_key_gain", lang).format(
            measure=_measure_label(r.get("measure"), lang),
            gain=_quantity(r.get("expected_gain"), r.get("measure"), lang, currency)))
    limited = r.get("budget_limited")
    if action == "scale" and limited is not None and not pd.isna(limited) and bool(limited):
        chips.append(_t("bud_key_limited", lang))
    return chips


def _sentence(r: Mapping[str, Any], lang: str) -> str:
    for column in (f"text_{lang}", "text_en"):
        text = r.get(column)
        if isinstance(text, str) and text.strip():
            return text
    return str(r.get("campaign_name") or r.get("item") or "")


def _recommendations_section(recs: pd.DataFrame, lang: str, currency: str) -> str:
    head = f'<h2>{esc(_t("bud_recs", lang))}</h2>'
    if recs.empty or "action" not in recs.columns:
        return head + _empty(_t("bud_no_recs", lang), _t("bud_no_recs_hint", lang))
    parts = [head]
    judged = _day(recs["as_of"].dropna().max()) if "as_of" in recs.columns else None
    if judged is not None:
        text = _t("bud_recs_as_of", lang).format(day=format_date(judged, lang))
        parts.append(f'<div class="meta" style="margin:-8px 0 12px">{esc(text)}</div>')
    groups = []
    known = [a for a in ACTIONS if (recs["action"] == a).any()]
    others = [a for a in dict.fromkeys(recs["action"].dropna()) if a not in ACTIONS]
    for action in (*known, *others):
        mine = recs[recs["action"] == action]
        title = (_t(f"bud_action_{action}", lang) if action in ACTIONS else str(action))
        items = []
        for _, row in mine.iterrows():
            r = row.to_dict()
            chips = "".join(_pill(c, "flat") for c in _key_numbers(r, lang, currency))
            channel = r.get("channel")
            where = (f'<span class="meta">{esc(channel)}</span> '
                     if isinstance(channel, str) and channel else "")
            items.append(f'<li style="margin:0 0 10px">{esc(_sentence(r, lang))}'
                         f'<div style="margin-top:3px">{where}{chips}</div></li>')
        groups.append(f'<div class="card rec-{esc(action)}"><h3>{esc(title)} '
                      f'<span class="pill flat">{len(mine)}</span></h3>'
                      f'<ul style="margin:10px 0 0;padding-left:20px">{"".join(items)}</ul>'
                      "</div>")
    parts.append(f'<div class="grid">{"".join(groups)}</div>')
    return "".join(parts)


# --- scenarios ---------------------------------------------------------------------------------

def _fit_pill(r_squared: float | None, lang: str) -> str:
    if r_squared is None:
        return ""
    if r_squared >= FIT_GOOD:
        return _pill(_t("bud_fit_good", lang), "good")
    if r_squared >= FIT_WEAK:
        return _pill(_t("bud_fit_rough", lang), "warn")
    return _pill(_t("bud_fit_weak", lang), "bad")


def _return(up: Mapping[str, Any], measure: str, lang: str, currency: str) -> str:
    """What the extra spend of the up scenario buys: its ROAS, or the cost of one more unit."""
    ratio = as_number(up.get("incremental_return"))
    if ratio is None:
        return MISSING
    if measure in MEASURES and MEASURES[measure].unit == "currency":
        return _t("bud_marginal_roas", lang).format(value=format_value(ratio, "multiple", lang))
    if ratio <= 0:
        return MISSING
    unit = (_t(f"bud_unit_{measure}", lang) if f"bud_unit_{measure}" in TEXTS
            else _measure_label(measure, lang).lower())
    return _t("bud_marginal_cost", lang).format(value=_money(1 / ratio, lang, currency),
                                                unit=unit)


def scenario_change(scenarios: pd.DataFrame) -> float | None:
    """The relative spend change of the scenarios (0.2 for ±20 %), None without any."""
    if scenarios.empty or "spend" not in scenarios.columns:
        return None
    spend = pd.to_numeric(scenarios["spend"], errors="coerce")
    new = pd.to_numeric(scenarios["new_spend"], errors="coerce")
    change = ((new - spend).abs() / spend.where(spend > 0)).dropna()
    return float(change.median()) if len(change) else None


def _scenarios_section(scenarios: pd.DataFrame, lang: str, currency: str) -> str:
    change = scenario_change(scenarios)
    loc = locale_for(lang)
    if change is None:
        return (f'<h2>{esc(_t("bud_scenarios_plain", lang))}</h2>'
                + _empty(_t("bud_no_scenarios", lang), _t("bud_no_scenarios_hint", lang)))
    share = format_percent(change, locale=loc)
    down = format_percent(-change, locale=loc)
    up = get_plus_sign_symbol(loc) + share
    frame = scenarios.assign(_up=pd.to_numeric(scenarios["new_spend"], errors="coerce")
                             > pd.to_numeric(scenarios["spend"], errors="coerce"))
    spend = frame.groupby("channel", sort=False)["spend"].max().sort_values(ascending=False)
    rank = {m: i for i, m in enumerate(MEASURE_ORDER)}
    rows = []
    for channel in spend.index:
        mine = frame[frame["channel"] == channel]
        measures = sorted(dict.fromkeys(mine["measure"]), key=lambda m: (rank.get(m, 99), m))
        for measure in measures:
            pair = mine[mine["measure"] == measure]
            ups, downs = pair[pair["_up"]], pair[~pair["_up"]]
            first = pair.iloc[0].to_dict()
            unit = MEASURES[measure].unit if measure in MEASURES else "count"
            r2 = as_number(first.get("r_squared"))

            def delta(rows: pd.DataFrame, unit: str = unit) -> str:
                if rows.empty:
                    return MISSING
                return esc(_signed(rows.iloc[0]["change"], unit, lang, currency))

            rows.append([
                esc(channel), esc(_measure_label(measure, lang)),
                esc(_money(first["spend"], lang, currency)),
                esc(format_value(first["response"], unit, lang, currency)),
                delta(downs), delta(ups),
                esc(_return(ups.iloc[0].to_dict(), measure, lang, currency)) if len(ups)
                else MISSING,
                (esc(format_decimal(r2, "0.00", locale=loc)) if r2 is not None else MISSING)
                + f"<div>{_fit_pill(r2, lang)}</div>",
            ])
    heads = [t("channel", lang), _t("bud_col_outcome", lang), _t("bud_col_spend_day", lang),
             _t("bud_col_response_day", lang), _t("bud_col_at", lang).format(change=down),
             _t("bud_col_at", lang).format(change=up), _t("bud_col_return", lang),
             _t("bud_col_fit", lang)]
    note = _t("bud_fit_note", lang).format(good=format_decimal(FIT_GOOD, "0.0", locale=loc),
                                           weak=format_decimal(FIT_WEAK, "0.0", locale=loc))
    title = _t("bud_scenarios", lang).format(change=share)
    return (f"<h2>{esc(title)}</h2>"
            f'<div class="card"><p class="meta" style="margin:0 0 8px">'
            f'{esc(_t("bud_scenarios_desc", lang))}</p>{_table(heads, rows, left=2)}'
            f'<p class="meta">{esc(note)}</p></div>')


# --- the page ----------------------------------------------------------------------------------

def render_budget(pacing: pd.DataFrame, recommendations: pd.DataFrame,
                  scenarios: pd.DataFrame, *, lang: str = "en", account: str = "",
                  as_of: dt.date, currency: str = "EUR",
                  campaign_names: Mapping[str, str] | None = None) -> str:
    """The budget page as one self-contained HTML string.

    ``pacing``, ``recommendations`` and ``scenarios`` are the ``budget_pacing``,
    ``recommendations`` and ``budget_scenarios`` tables; ``as_of`` picks the plan lines whose
    period contains it; ``campaign_names`` (campaign key -> name) labels campaign-level lines.
    Money is in ``currency`` unless the pacing table says otherwise.
    """
    locale_for(lang)  # fail early on an unsupported language
    currency = _currency(pacing, currency)
    names = dict(campaign_names or {})
    figures: dict[str, go.Figure] = {}
    meta = [f"{_t('account', lang)}: {account}"] if account else []
    meta.append(_t("bud_as_of", lang).format(day=format_date(as_of, lang)))
    meta.append(_t("currency_note", lang).format(currency=currency))
    parts = [f'<header class="page"><div><h1>{esc(_t("bud_title", lang))}</h1>'
             f'<div class="meta">{esc(" · ".join(meta))}</div></div></header>',
             _pacing_section(pacing, as_of, lang, currency, names, figures),
             _recommendations_section(recommendations, lang, currency),
             _scenarios_section(scenarios, lang, currency),
             f'<footer><span>{esc(_t("offline_note", lang))}</span></footer>']
    title = f"{_t('bud_title', lang)}{' · ' + account if account else ''}"
    return render_page(lang=lang, title=title, body="\n".join(parts), figures=figures)


def write_budget(path: str | Path, pacing: pd.DataFrame, recommendations: pd.DataFrame,
                 scenarios: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_budget`), then swap the file in atomically (a failure
    keeps the previous page)."""
    return write_page(path, render_budget(pacing, recommendations, scenarios, **kw))
