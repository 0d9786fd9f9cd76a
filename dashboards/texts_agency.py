"""The nl / fr / en texts of the agency overview (dashboards/agency.py).

Shared texts live in dashboards/i18n.py; the pacing statuses in dashboards/texts_budget.py.
"""

TEXTS: dict[str, dict[str, str]] = {
    "ag_title": {"nl": "Bureau-overzicht", "fr": "Vue d'ensemble de l'agence",
                 "en": "Agency overview"},
    "ag_clients": {"nl": "{n} klanten", "fr": "{n} clients", "en": "{n} clients"},
    "ag_failed_count": {"nl": "{n} mislukt", "fr": "{n} en échec", "en": "{n} failed"},
    "ag_risk_count": {"nl": "{n} met open risico's", "fr": "{n} avec des risques ouverts",
                      "en": "{n} with open risks"},
    "ag_col_client": {"nl": "Klant", "fr": "Client", "en": "Client"},
    "ag_col_night": {"nl": "Laatste nacht", "fr": "Dernière nuit", "en": "Last night"},
    "ag_col_week": {"nl": "Week", "fr": "Semaine", "en": "Week"},
    "ag_col_targets": {"nl": "Doelen", "fr": "Objectifs", "en": "Targets"},
    "ag_col_pacing": {"nl": "Budgetpacing", "fr": "Rythme du budget", "en": "Budget pacing"},
    "ag_col_risks": {"nl": "Open risico's", "fr": "Risques ouverts", "en": "Open risks"},
    "ag_night_ok": {"nl": "Gelukt", "fr": "Réussie", "en": "Succeeded"},
    "ag_night_failed": {"nl": "Mislukt", "fr": "En échec", "en": "Failed"},
    "ag_night_not_run": {"nl": "Niet gedraaid", "fr": "Pas exécutée", "en": "Not run"},
    "ag_last_good": {
        "nl": "Cijfers van de laatste geslaagde run",
        "fr": "Chiffres de la dernière exécution réussie",
        "en": "Figures from the last good run",
    },
    "ag_no_data": {"nl": "Nog geen gegevens", "fr": "Pas encore de données",
                   "en": "No data yet"},
    "ag_met": {"nl": "{met} van {n} gehaald", "fr": "{met} sur {n} atteints",
               "en": "{met} of {n} met"},
    "ag_no_targets": {"nl": "geen doelen ingesteld", "fr": "aucun objectif défini",
                      "en": "no targets set"},
    "ag_vs_target": {"nl": "{kpi} {value} (doel {target})",
                     "fr": "{kpi} {value} (objectif {target})",
                     "en": "{kpi} {value} (target {target})"},
    "ag_no_plan": {"nl": "geen budgetplan", "fr": "pas de plan budgétaire",
                   "en": "no budget plan"},
    "ag_no_line": {"nl": "geen planregel voor {day}", "fr": "aucune ligne du plan pour le {day}",
                   "en": "no plan line for {day}"},
    "ag_spent": {"nl": "{spent} van {expected} verwacht",
                 "fr": "{spent} sur {expected} prévus",
                 "en": "{spent} of {expected} expected"},
    "ag_labelled": {"nl": "{label}: {value}", "fr": "{label}\u00a0: {value}",
                    "en": "{label}: {value}"},
    "ag_line_pacing": {"nl": "{line}: {pacing}", "fr": "{line}\u00a0: {pacing}",
                       "en": "{line}: {pacing}"},
    "ag_none": {"nl": "geen", "fr": "aucun", "en": "none"},
    "ag_failed_check": {"nl": "Blokkerende controle", "fr": "Contrôle bloquant",
                        "en": "Blocking check"},
    "ag_warning": {"nl": "Waarschuwing", "fr": "Avertissement", "en": "Warning"},
    "ag_nav_clients": {"nl": "Klanten", "fr": "Clients", "en": "Clients"},
    "ag_own_page": {"nl": "Overzicht van de klant", "fr": "Aperçu du client",
                    "en": "The client's overview"},
    "ag_money_note": {
        "nl": "Bedragen in de eigen munt van elke klant; nooit over klanten heen opgeteld.",
        "fr": "Montants dans la devise de chaque client\u202f; jamais additionnés entre "
              "clients.",
        "en": "Amounts in each client's own currency; never summed across clients.",
    },
    "ag_week_note": {
        "nl": "Kerncijfers van de laatste volledige week van elke klant tegenover het doel; "
              "cijfers met ≈ zijn de verwachte eindstand.",
        "fr": "Chiffres clés de la dernière semaine complète de chaque client par rapport à "
              "l'objectif\u202f; les chiffres précédés de ≈ sont la valeur finale attendue.",
        "en": "Key figures of each client's last complete week against target; figures marked "
              "≈ are the expected final values.",
    },
}
