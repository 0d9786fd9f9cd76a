"""The nl / fr / en texts of the weekly KPI report (dashboards/report.py).

Written as a Belgian project manager reads them: French with a narrow no-break space before
``: ; ! ?`` and inside « », numbers and dates from Babel (so "80%" in nl and en, "80 %" in
fr, as the figures beside them). The report also uses the budget page's status and action
labels, the quality page's flag and check labels and the shared dashboard texts
(dashboards/i18n.py).
"""

TEXTS: dict[str, dict[str, str]] = {
    "r_title": {"nl": "Wekelijks KPI-rapport", "fr": "Rapport KPI hebdomadaire",
                "en": "Weekly KPI report"},
    "r_week": {"nl": "Week {week} · {range}", "fr": "Semaine {week} · {range}",
               "en": "Week {week} · {range}"},
    "r_data_to": {"nl": "Gegevens tot en met {day}", "fr": "Données jusqu'au {day} inclus",
                  "en": "Data up to and including {day}"},
    # follows the "Provisional" label: it must not say "provisional" again
    "r_provisional_week": {
        "nl": "Een bron kan een deel van deze week nog bijwerken.",
        "fr": "Une source peut encore corriger une partie de cette semaine.",
        "en": "A source may still restate part of this week.",
    },
    "r_completeness": {
        "nl": "Conversies van deze week: ongeveer {share} binnen. Cijfers met ≈ zijn de "
              "verwachte eindstand, met hun 80%-marge; de vorige weken zijn zo goed als "
              "definitief.",
        "fr": "Conversions de la semaine\u202f: environ {share} déjà enregistrées. Les chiffres "
              "précédés de ≈ sont les valeurs finales attendues, avec leur fourchette à "
              "80\u00a0%\u202f; les semaines précédentes sont quasi définitives.",
        "en": "This week's conversions: about {share} in so far. Figures marked ≈ are the "
              "expected final values, with their 80% range; earlier weeks are close to final.",
    },
    "r_completeness_same_age": {
        "nl": "Conversies van deze week: ongeveer {share} binnen. Elke week wordt vergeleken "
              "met de vorige op hetzelfde moment, toen daarvan even weinig binnen was.",
        "fr": "Conversions de la semaine\u202f: environ {share} déjà enregistrées. Chaque "
              "semaine est comparée à la précédente au même stade, quand elle était aussi peu "
              "complète.",
        "en": "This week's conversions: about {share} in so far. Each week is compared with "
              "the previous one at the same stage, when as little of it had come in.",
    },
    "r_summary": {"nl": "In één minuut", "fr": "En une minute", "en": "In one minute"},
    # "KPI … dans l'objectif / hors objectif": no agreement to get wrong whatever the counts
    "r_verdict_good": {
        "nl": "Op koers: {met} van de {total} doelstellingen gehaald.",
        "fr": "Sur la bonne voie\u202f: {met} KPI sur {total} dans l'objectif.",
        "en": "On track: {met} of {total} targets met.",
    },
    "r_verdict_mixed": {
        "nl": "Gemengde week: {met} van de {total} doelstellingen gehaald, {missed} niet.",
        "fr": "Semaine mitigée\u202f: {met} KPI sur {total} dans l'objectif, {missed} hors "
              "objectif.",
        "en": "Mixed week: {met} of {total} targets met, {missed} missed.",
    },
    "r_verdict_bad": {
        "nl": "Niet op koers: {missed} van de {total} doelstellingen niet gehaald.",
        "fr": "Hors trajectoire\u202f: {missed} KPI sur {total} hors objectif.",
        "en": "Off track: {missed} of {total} targets missed.",
    },
    "r_verdict_early": {
        "nl": "{early} van de {total} doelstellingen: nog te vroeg om te oordelen.",
        "fr": "{early} KPI sur {total}\u202f: trop tôt pour juger.",
        "en": "{early} of {total} targets: too early to judge.",
    },
    "r_verdict_none": {
        "nl": "Geen doelstellingen ingesteld: zie de kerncijfers hieronder.",
        "fr": "Aucun objectif défini\u202f: voir les chiffres clés ci-dessous.",
        "en": "No targets set: see the key figures below.",
    },
    "r_top_actions": {"nl": "Wat nu te doen", "fr": "À faire cette semaine",
                      "en": "What to do now"},
    "r_too_early": {"nl": "Nog te vroeg om te oordelen", "fr": "Trop tôt pour juger",
                    "en": "Too early to judge"},
    "r_too_early_target": {
        "nl": "{kpi}: verwacht rond {value} ({low} – {high}); de doelstelling van {reference} "
              "valt binnen die marge.",
        "fr": "{kpi}\u202f: valeur attendue autour de {value} ({low} – {high})\u202f; "
              "l'objectif de {reference} est dans cette fourchette.",
        "en": "{kpi}: expected at {value} ({low} – {high}); the target of {reference} is within "
              "that range.",
    },
    "r_too_early_campaign_target": {
        "nl": "{name}: {kpi} verwacht rond {value} ({low} – {high}); de doelstelling van "
              "{reference} valt binnen die marge.",
        "fr": "{name}\u202f: {kpi}, valeur attendue autour de {value} ({low} – {high})\u202f; "
              "l'objectif de {reference} est dans cette fourchette.",
        "en": "{name}: {kpi} expected at {value} ({low} – {high}); the target of {reference} "
              "is within that range.",
    },
    "r_too_early_change": {
        "nl": "{kpi}: verwacht rond {value} ({low} – {high}); vorige week ({reference}) valt "
              "binnen die marge.",
        "fr": "{kpi}\u202f: valeur attendue autour de {value} ({low} – {high})\u202f; la semaine "
              "précédente ({reference}) est dans cette fourchette.",
        "en": "{kpi}: expected at {value} ({low} – {high}); last week's {reference} is within "
              "that range.",
    },
    "r_too_early_mover": {
        "nl": "{name} ({level}): verwacht rond {value} conversies ({low} – {high}), vorige week "
              "{reference}.",
        "fr": "{name} ({level})\u202f: environ {value} conversions attendues ({low} – {high}), "
              "contre {reference} la semaine précédente.",
        "en": "{name} ({level}): {value} conversions expected ({low} – {high}), against "
              "{reference} last week.",
    },
    "r_expected": {"nl": "≈ {value} ({low} – {high})", "fr": "≈ {value} ({low} – {high})",
                   "en": "≈ {value} ({low} – {high})"},
    "r_seen_so_far": {"nl": "{seen} tot nu toe", "fr": "{seen} à ce jour",
                      "en": "{seen} in so far"},
    "r_recommendations_shown": {
        "nl": "{shown} van de {total} aanbevelingen; de rest staat op de budgetpagina.",
        "fr": "{shown} recommandations sur {total}\u202f; les autres se trouvent sur la page "
              "Budget.",
        "en": "{shown} of {total} recommendations; the rest are on the budget page.",
    },
    "r_highlights": {"nl": "Wat goed ging", "fr": "Points forts", "en": "Highlights"},
    "r_lowlights": {"nl": "Aandachtspunten", "fr": "Points d'attention", "en": "Lowlights"},
    "r_nothing_good": {"nl": "Geen opvallende verbeteringen deze week.",
                       "fr": "Aucune amélioration notable cette semaine.",
                       "en": "No notable improvement this week."},
    "r_nothing_bad": {"nl": "Geen opvallende verslechteringen deze week.",
                      "fr": "Aucune dégradation notable cette semaine.",
                      "en": "No notable deterioration this week."},
    "r_total_target_good": {
        "nl": "{kpi} {value}: doelstelling van {target} gehaald ({vs}).",
        "fr": "{kpi} à {value}\u202f: objectif de {target} atteint ({vs}).",
        "en": "{kpi} at {value} beat the target of {target} ({vs}).",
    },
    "r_total_target_bad": {
        "nl": "{kpi} {value}: doelstelling van {target} niet gehaald ({vs}).",
        "fr": "{kpi} à {value}\u202f: objectif de {target} non atteint ({vs}).",
        "en": "{kpi} at {value} missed the target of {target} ({vs}).",
    },
    "r_total_up": {
        "nl": "{kpi} omhoog naar {value}, {change} t.o.v. vorige week.",
        "fr": "{kpi} en hausse à {value}, {change} par rapport à la semaine précédente.",
        "en": "{kpi} rose to {value}, {change} on the previous week.",
    },
    "r_total_down": {
        "nl": "{kpi} omlaag naar {value}, {change} t.o.v. vorige week.",
        "fr": "{kpi} en baisse à {value}, {change} par rapport à la semaine précédente.",
        "en": "{kpi} fell to {value}, {change} on the previous week.",
    },
    "r_mover_up": {
        "nl": "{name} ({level}): {delta} conversies meer dan vorige week, {value} in totaal "
              "({change}).",
        "fr": "{name} ({level})\u202f: {delta} conversions de plus que la semaine précédente, "
              "{value} au total ({change}).",
        "en": "{name} ({level}): {delta} more conversions than the previous week, {value} in "
              "all ({change}).",
    },
    "r_mover_down": {
        "nl": "{name} ({level}): {delta} conversies minder dan vorige week, {value} in totaal "
              "({change}).",
        "fr": "{name} ({level})\u202f: {delta} conversions de moins que la semaine précédente, "
              "{value} au total ({change}).",
        "en": "{name} ({level}): {delta} fewer conversions than the previous week, {value} in "
              "all ({change}).",
    },
    "r_campaign_target_good": {
        "nl": "{name}: {kpi} {value} tegenover een doelstelling van {target} ({cost} "
              "uitgegeven).",
        "fr": "{name}\u202f: {kpi} à {value} face à un objectif de {target}, pour une dépense "
              "de {cost}.",
        "en": "{name}: {kpi} at {value} against a target of {target}, with {cost} spent.",
    },
    "r_campaign_target_bad": {
        "nl": "{name}: {kpi} {value} tegenover een doelstelling van {target} ({cost} "
              "uitgegeven).",
        "fr": "{name}\u202f: {kpi} à {value} face à un objectif de {target}, pour une dépense "
              "de {cost}.",
        "en": "{name}: {kpi} at {value} against a target of {target}, with {cost} spent.",
    },
    "r_level_channel": {"nl": "kanaal", "fr": "canal", "en": "channel"},
    "r_level_campaign": {"nl": "campagne", "fr": "campagne", "en": "campaign"},
    "r_kpis": {"nl": "Kerncijfers", "fr": "Chiffres clés", "en": "Key figures"},
    "r_col_kpi": {"nl": "KPI", "fr": "KPI", "en": "KPI"},
    "r_col_week": {"nl": "Deze week", "fr": "Cette semaine", "en": "This week"},
    "r_col_target": {"nl": "Doelstelling", "fr": "Objectif", "en": "Target"},
    "r_col_previous": {"nl": "Vorige week", "fr": "Semaine préc.", "en": "Previous week"},
    "r_col_last_year": {"nl": "Zelfde week vorig jaar", "fr": "Même semaine l'an dernier",
                        "en": "Same week last year"},
    "r_channels": {"nl": "Kanalen", "fr": "Canaux", "en": "Channels"},
    "r_col_change_conv": {"nl": "Conversies t.o.v. vorige week",
                          "fr": "Conversions vs sem. préc.",
                          "en": "Conversions vs previous week"},
    "r_recommendations": {"nl": "Aanbevelingen", "fr": "Recommandations",
                          "en": "Recommendations"},
    "r_no_recommendations": {
        "nl": "Geen aanbevelingen: geen enkele campagne wijkt met voldoende zekerheid af van "
              "haar doelstelling.",
        "fr": "Aucune recommandation\u202f: aucune campagne ne s'écarte assez nettement de son "
              "objectif.",
        "en": "No recommendations: no campaign is far enough from its target with enough "
              "certainty.",
    },
    "r_recommendations_as_of": {
        "nl": "Op basis van de gegevens tot en met {day}.",
        "fr": "Sur la base des données jusqu'au {day} inclus.",
        "en": "Based on data up to and including {day}.",
    },
    "r_experiments": {"nl": "Experimenten", "fr": "Expériences", "en": "Experiments"},
    "r_no_experiments": {"nl": "Geen experimenten ingesteld.",
                         "fr": "Aucune expérience configurée.",
                         "en": "No experiments configured."},
    "r_exp_running": {"nl": "Loopt", "fr": "En cours", "en": "Running"},
    "r_exp_ended": {"nl": "Afgelopen", "fr": "Terminée", "en": "Ended"},
    "r_exp_days": {"nl": "dag {days}", "fr": "jour {days}", "en": "day {days}"},
    "r_pacing": {"nl": "Budget en pacing", "fr": "Budget et rythme de dépense",
                 "en": "Budget pacing"},
    "r_no_plan": {"nl": "Geen budgetplan ingesteld.", "fr": "Aucun plan budgétaire configuré.",
                  "en": "No budget plan configured."},
    "r_col_line": {"nl": "Planregel", "fr": "Ligne du plan", "en": "Plan line"},
    "r_col_budget": {"nl": "Mediabudget", "fr": "Budget média", "en": "Media budget"},
    "r_col_spent": {"nl": "Besteed", "fr": "Dépensé", "en": "Spent"},
    "r_col_pacing": {"nl": "Pacing", "fr": "Rythme", "en": "Pacing"},
    "r_col_projected": {"nl": "Verwacht op einde periode", "fr": "Projection en fin de période",
                        "en": "Projected at period end"},
    "r_col_status": {"nl": "Status", "fr": "Statut", "en": "Status"},
    "r_pacing_period": {"nl": "Periode {period}, dag {day} van {days}.",
                        "fr": "Période {period}, jour {day} sur {days}.",
                        "en": "Period {period}, day {day} of {days}."},
    "r_quality": {"nl": "Datakwaliteit", "fr": "Qualité des données", "en": "Data quality"},
    "r_q_final": {"nl": "{source}: definitief", "fr": "{source}\u202f: définitif",
                  "en": "{source}: final"},
    # {days} is "1 day" or "n days": the sentences need no agreement with it
    "r_q_provisional": {
        "nl": "{source}: {days} van deze week voorlopig",
        "fr": "{source}\u202f: données provisoires sur {days} de cette semaine",
        "en": "{source}: {days} of this week provisional",
    },
    "r_q_flagged": {"nl": "{source}: {flag} op {days}", "fr": "{source}\u202f: {flag} sur {days}",
                    "en": "{source}: {flag} on {days}"},
    "r_q_missing": {"nl": "{source}: {days} zonder gegevens",
                    "fr": "{source}\u202f: {days} sans données",
                    "en": "{source}: {days} missing"},
    "r_q_checks_ok": {"nl": "Controles geslaagd ({count} van {count})",
                      "fr": "Contrôles réussis ({count} sur {count})",
                      "en": "Checks passed ({count} of {count})"},
    "r_q_checks_bad": {"nl": "Controles: {names}", "fr": "Contrôles\u202f: {names}",
                       "en": "Checks: {names}"},
    "r_q_run_ok": {"nl": "Laatste nachtelijke update geslaagd: {when}",
                   "fr": "Dernière mise à jour nocturne réussie\u202f: {when}",
                   "en": "Last nightly run succeeded: {when}"},
    "r_q_run_failed": {"nl": "Laatste nachtelijke update mislukt: {when}",
                       "fr": "Échec de la dernière mise à jour nocturne\u202f: {when}",
                       "en": "Last nightly run failed: {when}"},
    "r_q_no_runs": {"nl": "Nog geen nachtelijke update geregistreerd",
                    "fr": "Aucune mise à jour nocturne enregistrée pour l'instant",
                    "en": "No nightly run recorded yet"},
    "r_definitions": {"nl": "Definities", "fr": "Définitions", "en": "Definitions"},
    "r_def_lead": {"nl": "Lead", "fr": "Lead", "en": "Lead"},
    "r_def_purchase": {"nl": "Aankoop", "fr": "Achat", "en": "Purchase"},
    "r_def_conversion": {"nl": "Conversie", "fr": "Conversion", "en": "Conversion"},
    "r_def_conversion_text": {"nl": "Een lead of een aankoop.", "fr": "Un lead ou un achat.",
                              "en": "A lead or a purchase."},
    "r_def_counted": {
        "nl": "Google Ads-conversieacties {ads}; GA4-kerngebeurtenissen {ga4}.",
        "fr": "Actions de conversion Google Ads {ads}\u202f; événements clés GA4 {ga4}.",
        "en": "Google Ads conversion actions {ads}; GA4 key events {ga4}.",
    },
    "r_def_quoted": {"nl": "“{name}”", "fr": "«\u202f{name}\u202f»", "en": "“{name}”"},
    "r_def_none": {"nl": "(geen)", "fr": "(néant)", "en": "(none)"},
    "r_def_attribution": {"nl": "Attributie", "fr": "Attribution", "en": "Attribution"},
    "r_attribution_ads": {
        "nl": "Google Ads-campagnes tellen de conversieacties van Google Ads (op klikdatum, "
              "volgens het attributiemodel van het account); andere kanalen tellen de "
              "GA4-kerngebeurtenissen van hun sessies.",
        "fr": "Les campagnes Google Ads comptent les actions de conversion de Google Ads (à la "
              "date du clic, selon le modèle d'attribution du compte)\u202f; les autres canaux "
              "comptent les événements clés GA4 de leurs sessions.",
        "en": "Google Ads campaigns count Google Ads conversion actions (by click date, under "
              "the account's attribution model); other channels count the GA4 key events of "
              "their sessions.",
    },
    "r_attribution_ga4": {
        "nl": "Alle kanalen tellen de GA4-kerngebeurtenissen van hun sessies (sessiebron, "
              "datum van de gebeurtenis).",
        "fr": "Tous les canaux comptent les événements clés GA4 de leurs sessions (source de "
              "session, date de l'événement).",
        "en": "Every channel counts the GA4 key events of its sessions (session source, date "
              "of the event).",
    },
    "r_def_previous": {
        "nl": "Vergelijkingen: vorige ISO-week en dezelfde ISO-week een jaar eerder; KPI's "
              "zijn berekend uit sommen (nooit gemiddelden van ratio's).",
        "fr": "Comparaisons\u202f: semaine ISO précédente et même semaine ISO un an plus "
              "tôt\u202f; les KPI sont calculés à partir de sommes (jamais de moyennes de "
              "ratios).",
        "en": "Comparisons: the previous ISO week and the same ISO week a year earlier; KPIs "
              "are computed from sums (never averages of ratios).",
    },
    "r_dashboards": {
        "nl": "Meer details in de dashboards: {pages}.",
        "fr": "Le détail se trouve dans les tableaux de bord\u202f: {pages}.",
        "en": "Details in the dashboards: {pages}.",
    },
    "r_generated": {"nl": "Aangemaakt op {when}", "fr": "Généré le {when}",
                    "en": "Generated {when}"},
}
