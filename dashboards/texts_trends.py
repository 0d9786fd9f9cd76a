"""The nl / fr / en texts of the trends page (dashboards/trends.py).

Shared texts live in dashboards/i18n.py; the period switch's in dashboards/texts_periods.py.
"""

TEXTS: dict[str, dict[str, str]] = {
    "tr_title": {"nl": "Trends", "fr": "Tendances", "en": "Trends"},
    "tr_daily": {
        "nl": "Per dag, laatste {weeks} weken",
        "fr": "Par jour, {weeks} dernières semaines",
        "en": "Daily, last {weeks} weeks",
    },
    "tr_weekly": {
        "nl": "Volledige historiek",
        "fr": "Tout l'historique",
        "en": "Whole history",
    },
    "tr_data_until": {
        "nl": "Gegevens tot en met {day}",
        "fr": "Données jusqu'au {day} inclus",
        "en": "Data up to and including {day}",
    },
    "tr_holidays_of": {
        "nl": "Feestdagen: {country}",
        "fr": "Jours fériés\u00a0: {country}",
        "en": "Public holidays: {country}",
    },
    "tr_legend_holiday": {
        "nl": "Wettelijke feestdag",
        "fr": "Jour férié légal",
        "en": "Public holiday",
    },
    "tr_holidays_in_period": {
        "nl": "Feestdagen in deze periode",
        "fr": "Jours fériés de la période",
        "en": "Public holidays in this period",
    },
    "tr_holidays_all": {
        "nl": "Alle feestdagen in de historiek ({count})",
        "fr": "Tous les jours fériés de l'historique ({count})",
        "en": "All public holidays in the history ({count})",
    },
    "tr_no_holidays": {
        "nl": "Geen feestdagen in deze periode.",
        "fr": "Aucun jour férié dans cette période.",
        "en": "No public holidays in this period.",
    },
    "tr_no_data_hint": {
        "nl": "Er zijn nog geen KPI-waarden op totaalniveau; ze verschijnen na de eerste run.",
        "fr": "Aucune valeur de KPI au niveau total pour l'instant\u00a0; elles apparaissent "
        "après la première exécution.",
        "en": "There are no total-level KPI values yet; they appear after the first run.",
    },
    "tr_no_daily": {
        "nl": "Geen dagcijfers",
        "fr": "Pas de chiffres journaliers",
        "en": "No daily figures",
    },
    "tr_no_weekly": {
        "nl": "Geen weekcijfers",
        "fr": "Pas de chiffres hebdomadaires",
        "en": "No weekly figures",
    },
}
