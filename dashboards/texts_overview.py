"""The nl / fr / en texts of the overview page (dashboards/overview.py) beyond the shared ones
in dashboards/i18n.py (the page's older texts live there)."""

TEXTS: dict[str, dict[str, str]] = {
    "ov_vs_previous_4weeks": {"nl": "t.o.v. de 4 weken ervoor",
                              "fr": "vs les 4 semaines précédentes",
                              "en": "vs the 4 weeks before"},
    "ov_vs_previous_month": {"nl": "t.o.v. vorige maand", "fr": "vs mois précédent",
                             "en": "vs previous month"},
    "ov_vs_previous_quarter": {"nl": "t.o.v. vorig kwartaal", "fr": "vs trimestre précédent",
                               "en": "vs previous quarter"},
    "ov_vs_year_week": {"nl": "t.o.v. dezelfde week vorig jaar",
                        "fr": "vs même semaine l'an dernier",
                        "en": "vs the same week last year"},
    "ov_vs_year_4weeks": {"nl": "t.o.v. dezelfde weken vorig jaar",
                          "fr": "vs mêmes semaines l'an dernier",
                          "en": "vs the same weeks last year"},
    "ov_vs_year_month": {"nl": "t.o.v. dezelfde maand vorig jaar",
                         "fr": "vs même mois l'an dernier",
                         "en": "vs the same month last year"},
    "ov_vs_year_quarter": {"nl": "t.o.v. hetzelfde kwartaal vorig jaar",
                           "fr": "vs même trimestre l'an dernier",
                           "en": "vs the same quarter last year"},
    "ov_no_previous_period": {"nl": "geen vorige periode", "fr": "pas de période précédente",
                              "en": "no previous period"},
    "ov_no_last_year": {"nl": "geen cijfers vorig jaar", "fr": "pas de chiffres l'an dernier",
                        "en": "no figures last year"},
    "ov_year_missing": {
        "nl": "Voor {period} een jaar eerder zijn er geen gegevens: er valt niets te vergelijken "
              "(–).",
        "fr": "Aucune donnée pour {period} un an plus tôt, donc rien à comparer (–).",
        "en": "There is no data for {period} a year earlier, so nothing to compare with (–).",
    },
    "ov_no_period": {
        "nl": "Nog geen volledige periode van deze lengte.",
        "fr": "Pas encore de période complète de cette durée.",
        "en": "No complete period of this length yet.",
    },
}
