"""The dashboards' own texts in Dutch, French and English (KPI names live in kpi.registry).

One dict per key, one entry per language. Templates use ``str.format`` fields.

>>> t("no_data", "fr")
'Aucune donnée'
>>> t("week_n", "nl").format(week=47)
'Week 47'
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "nl": "Campagne-overzicht",
        "fr": "Aperçu des campagnes",
        "en": "Campaign overview",
    },
    "week_n": {"nl": "Week {week}", "fr": "Semaine {week}", "en": "Week {week}"},
    "key_figures": {"nl": "Kerncijfers", "fr": "Chiffres clés", "en": "Key figures"},
    "vs_previous_week": {
        "nl": "t.o.v. vorige week",
        "fr": "vs semaine précédente",
        "en": "vs previous week",
    },
    "no_previous": {
        "nl": "geen vorige week",
        "fr": "pas de semaine précédente",
        "en": "no previous week",
    },
    "target": {"nl": "Doel", "fr": "Objectif", "en": "Target"},
    "vs_target": {"nl": "t.o.v. doel", "fr": "vs objectif", "en": "vs target"},
    "better": {"nl": "beter", "fr": "meilleur", "en": "better"},
    "worse": {"nl": "slechter", "fr": "moins bon", "en": "worse"},
    "provisional": {"nl": "Voorlopig", "fr": "Provisoire", "en": "Provisional"},
    "incomplete": {"nl": "Onvolledige week", "fr": "Semaine incomplète", "en": "Incomplete week"},
    "no_data": {"nl": "Geen gegevens", "fr": "Aucune donnée", "en": "No data"},
    "no_data_hint": {
        "nl": "Er is nog geen volledige week met gegevens voor dit overzicht.",
        "fr": "Aucune semaine complète de données n'est encore disponible pour cet aperçu.",
        "en": "There is no complete week of data for this overview yet.",
    },
    "trends": {"nl": "Wekelijkse trends", "fr": "Tendances hebdomadaires", "en": "Weekly trends"},
    "channels": {"nl": "Kanalen", "fr": "Canaux", "en": "Channels"},
    "channel": {"nl": "Kanaal", "fr": "Canal", "en": "Channel"},
    "total": {"nl": "Totaal", "fr": "Total", "en": "Total"},
    "legend_actual": {"nl": "Definitief", "fr": "Définitif", "en": "Final"},
    "legend_provisional": {
        "nl": "Voorlopig of onvolledig",
        "fr": "Provisoire ou incomplet",
        "en": "Provisional or incomplete",
    },
    "legend_target": {"nl": "Doel", "fr": "Objectif", "en": "Target"},
    "account": {"nl": "Account", "fr": "Compte", "en": "Account"},
    "currency_note": {
        "nl": "Bedragen in {currency}",
        "fr": "Montants en {currency}",
        "en": "Amounts in {currency}",
    },
    "generated": {"nl": "Aangemaakt {when}", "fr": "Généré le {when}", "en": "Generated {when}"},
    "provisional_note": {
        "nl": "Voorlopig: de periode bevat dagen die de bronnen nog kunnen bijwerken.",
        "fr": "Provisoire\u00a0: la période contient des jours que les sources peuvent "
        "encore corriger.",
        "en": "Provisional: the period contains days that sources may still restate.",
    },
    "offline_note": {
        "nl": "Zelfstandig bestand: werkt offline en maakt geen netwerkverbindingen.",
        "fr": "Fichier autonome\u00a0: fonctionne hors ligne, sans aucune connexion réseau.",
        "en": "Self-contained file: works offline and makes no network requests.",
    },
}


def t(key: str, lang: str) -> str:
    """The text ``key`` in ``lang``; KeyError naming both when it is missing."""
    try:
        return TEXTS[key][lang]
    except KeyError:
        raise KeyError(f"no dashboard text {key!r} in language {lang!r}") from None
