"""The nl / fr / en texts of the period and comparison switch (overview and trends pages).

Shared texts live in dashboards/i18n.py.
"""

TEXTS: dict[str, dict[str, str]] = {
    "per_period": {"nl": "Periode", "fr": "Période", "en": "Period"},
    "per_compare": {"nl": "Vergelijk met", "fr": "Comparer avec", "en": "Compare with"},
    "per_week": {"nl": "Week", "fr": "Semaine", "en": "Week"},
    "per_4weeks": {"nl": "4 weken", "fr": "4 semaines", "en": "4 weeks"},
    "per_month": {"nl": "Maand", "fr": "Mois", "en": "Month"},
    "per_quarter": {"nl": "Kwartaal", "fr": "Trimestre", "en": "Quarter"},
    "vs_previous": {"nl": "Vorige periode", "fr": "Période précédente", "en": "Previous period"},
    "vs_year": {"nl": "Zelfde periode vorig jaar", "fr": "Même période l'an dernier",
                "en": "Same period last year"},
    "per_weeks_n": {"nl": "Weken {first}–{last}", "fr": "Semaines {first} à {last}",
                    "en": "Weeks {first}–{last}"},
    "legend_last_year": {"nl": "Vorig jaar", "fr": "L'an dernier", "en": "Last year"},
}
