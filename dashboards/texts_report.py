"""The nl / fr / en texts of the weekly KPI report (dashboards/report.py).

The report also uses the budget page's status and action labels, the quality page's flag and
check labels and the shared dashboard texts (dashboards/i18n.py).
"""

TEXTS: dict[str, dict[str, str]] = {
    "r_title": {"nl": "Wekelijks KPI-rapport", "fr": "Rapport KPI hebdomadaire",
                "en": "Weekly KPI report"},
    "r_week": {"nl": "Week {week} · {range}", "fr": "Semaine {week} · {range}",
               "en": "Week {week} · {range}"},
    "r_data_to": {"nl": "Gegevens tot en met {day}", "fr": "Données jusqu'au {day} inclus",
                  "en": "Data up to and including {day}"},
    "r_provisional_week": {
        "nl": "Voorlopig: een deel van deze week kan de bron nog bijwerken.",
        "fr": "Provisoire\u00a0: la source peut encore corriger une partie de cette semaine.",
        "en": "Provisional: the source may still restate part of this week.",
    },
    "r_completeness": {
        "nl": "Conversies van deze week: ongeveer {share} binnen. Cijfers met ≈ zijn de "
              "verwachte eindstand (80 %-marge tussen haakjes); vorige weken zijn zo goed als "
              "definitief.",
        "fr": "Conversions de cette semaine : environ {share} déjà remontées. Les chiffres "
              "précédés de ≈ sont la valeur finale attendue (fourchette à 80 % entre "
              "parenthèses) ; les semaines précédentes sont quasi définitives.",
        "en": "This week's conversions: about {share} in so far. Figures marked ≈ are the "
              "expected final value (80 % range in brackets); earlier weeks are close to final.",
    },
    "r_completeness_same_age": {
        "nl": "Conversies van deze week: ongeveer {share} binnen. Elke week wordt vergeleken "
              "met de vorige op hetzelfde moment: toen die ook pas zo ver binnen was.",
        "fr": "Conversions de cette semaine : environ {share} déjà remontées. Chaque "
              "semaine est comparée à la précédente au même stade de remontée.",
        "en": "This week's conversions: about {share} in so far. Each week is compared with "
              "the previous one at the same stage, when as little of it had come in.",
    },
    "r_summary": {"nl": "In één minuut", "fr": "En une minute", "en": "In one minute"},
    "r_verdict_good": {
        "nl": "Op koers: {met} van de {total} doelen gehaald.",
        "fr": "Sur la bonne voie : {met} objectifs atteints sur {total}.",
        "en": "On track: {met} of {total} targets met.",
    },
    "r_verdict_mixed": {
        "nl": "Gemengde week: {met} van de {total} doelen gehaald, {missed} gemist.",
        "fr": "Semaine mitigée : {met} objectifs atteints sur {total}, {missed} manqués.",
        "en": "Mixed week: {met} of {total} targets met, {missed} missed.",
    },
    "r_verdict_bad": {
        "nl": "Niet op koers: {missed} van de {total} doelen gemist.",
        "fr": "Hors trajectoire : {missed} objectifs manqués sur {total}.",
        "en": "Off track: {missed} of {total} targets missed.",
    },
    "r_verdict_early": {
        "nl": "{early} van de {total} doelen: nog te vroeg om te oordelen.",
        "fr": "{early} objectifs sur {total} : trop tôt pour juger.",
        "en": "{early} of {total} targets: too early to judge.",
    },
    "r_verdict_none": {
        "nl": "Geen doelen ingesteld: zie de KPI's hieronder.",
        "fr": "Aucun objectif défini : voir les KPI ci-dessous.",
        "en": "No targets set: see the KPIs below.",
    },
    "r_top_actions": {"nl": "Wat nu te doen", "fr": "À faire maintenant",
                      "en": "What to do now"},
    "r_too_early": {"nl": "Nog te vroeg om te oordelen", "fr": "Trop tôt pour juger",
                    "en": "Too early to judge"},
    "r_too_early_target": {
        "nl": "{kpi}: verwacht {value} ({low} – {high}); het doel van {reference} valt binnen "
              "die marge.",
        "fr": "{kpi} : attendu à {value} ({low} – {high}) ; l'objectif de {reference} "
              "est dans cette fourchette.",
        "en": "{kpi}: expected at {value} ({low} – {high}); the target of {reference} is within "
              "that range.",
    },
    "r_too_early_change": {
        "nl": "{kpi}: verwacht {value} ({low} – {high}); vorige week ({reference}) valt binnen "
              "die marge.",
        "fr": "{kpi} : attendu à {value} ({low} – {high}) ; la semaine précédente "
              "({reference}) est dans cette fourchette.",
        "en": "{kpi}: expected at {value} ({low} – {high}); last week's {reference} is within "
              "that range.",
    },
    "r_too_early_mover": {
        "nl": "{name} ({level}): verwacht {value} conversies ({low} – {high}), vorige week "
              "{reference}.",
        "fr": "{name} ({level}) : {value} conversions attendues ({low} – {high}), "
              "{reference} la semaine précédente.",
        "en": "{name} ({level}): {value} conversions expected ({low} – {high}), {reference} "
              "last week.",
    },
    "r_expected": {"nl": "≈ {value} ({low} – {high})", "fr": "≈ {value} ({low} – {high})",
                   "en": "≈ {value} ({low} – {high})"},
    "r_seen_so_far": {"nl": "{seen} nu binnen", "fr": "{seen} remontés à ce jour",
                      "en": "{seen} in so far"},
    "r_recommendations_shown": {
        "nl": "{shown} van de {total} aanbevelingen; de rest staat op de budgetpagina.",
        "fr": "{shown} recommandations sur {total} ; les autres sont sur la page budget.",
        "en": "{shown} of {total} recommendations; the rest are on the budget page.",
    },
    "r_highlights": {"nl": "Wat goed ging", "fr": "Points forts", "en": "Highlights"},
    "r_lowlights": {"nl": "Aandachtspunten", "fr": "Points d'attention", "en": "Lowlights"},
    "r_nothing_good": {"nl": "Geen opvallende verbeteringen deze week.",
                       "fr": "Aucune amélioration marquante cette semaine.",
                       "en": "No notable improvement this week."},
    "r_nothing_bad": {"nl": "Geen opvallende verslechteringen deze week.",
                      "fr": "Aucune dégradation marquante cette semaine.",
                      "en": "No notable deterioration this week."},
    "r_total_target_good": {
        "nl": "{kpi} {value} haalde het doel van {target} ({vs}).",
        "fr": "{kpi} {value}\u00a0: objectif de {target} atteint ({vs}).",
        "en": "{kpi} at {value} beat the target of {target} ({vs}).",
    },
    "r_total_target_bad": {
        "nl": "{kpi} {value} miste het doel van {target} ({vs}).",
        "fr": "{kpi} {value}\u00a0: objectif de {target} manqué ({vs}).",
        "en": "{kpi} at {value} missed the target of {target} ({vs}).",
    },
    "r_total_up": {
        "nl": "{kpi} steeg naar {value} ({change} t.o.v. vorige week).",
        "fr": "{kpi} en hausse à {value} ({change} vs semaine précédente).",
        "en": "{kpi} rose to {value} ({change} vs the previous week).",
    },
    "r_total_down": {
        "nl": "{kpi} daalde naar {value} ({change} t.o.v. vorige week).",
        "fr": "{kpi} en baisse à {value} ({change} vs semaine précédente).",
        "en": "{kpi} fell to {value} ({change} vs the previous week).",
    },
    "r_mover_up": {
        "nl": "{name} ({level}): {delta} conversies meer dan vorige week, {value} in totaal "
              "({change}).",
        "fr": "{name} ({level})\u00a0: {delta} conversions de plus que la semaine précédente, "
              "{value} au total ({change}).",
        "en": "{name} ({level}): {delta} more conversions than the previous week, {value} in "
              "all ({change}).",
    },
    "r_mover_down": {
        "nl": "{name} ({level}): {delta} conversies minder dan vorige week, {value} in totaal "
              "({change}).",
        "fr": "{name} ({level})\u00a0: {delta} conversions de moins que la semaine précédente, "
              "{value} au total ({change}).",
        "en": "{name} ({level}): {delta} fewer conversions than the previous week, {value} in "
              "all ({change}).",
    },
    "r_campaign_target_good": {
        "nl": "{name}: {kpi} {value} tegenover een doel van {target}, bij {cost} kosten.",
        "fr": "{name}\u00a0: {kpi} {value} pour un objectif de {target}, pour {cost} de coût.",
        "en": "{name}: {kpi} {value} against a target of {target}, on {cost} of cost.",
    },
    "r_campaign_target_bad": {
        "nl": "{name}: {kpi} {value} tegenover een doel van {target}, bij {cost} kosten.",
        "fr": "{name}\u00a0: {kpi} {value} pour un objectif de {target}, pour {cost} de coût.",
        "en": "{name}: {kpi} {value} against a target of {target}, on {cost} of cost.",
    },
    "r_level_channel": {"nl": "kanaal", "fr": "canal", "en": "channel"},
    "r_level_campaign": {"nl": "campagne", "fr": "campagne", "en": "campaign"},
    "r_kpis": {"nl": "Kerncijfers", "fr": "Chiffres clés", "en": "Key figures"},
    "r_col_kpi": {"nl": "KPI", "fr": "KPI", "en": "KPI"},
    "r_col_week": {"nl": "Deze week", "fr": "Cette semaine", "en": "This week"},
    "r_col_target": {"nl": "Doel", "fr": "Objectif", "en": "Target"},
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
        "nl": "Geen aanbevelingen: geen campagne wijkt met voldoende zekerheid af van haar doel.",
        "fr": "Aucune recommandation\u00a0: aucune campagne ne s'écarte de son objectif avec "
              "assez de certitude.",
        "en": "No recommendations: no campaign is far enough from its target with enough "
              "certainty.",
    },
    "r_recommendations_as_of": {
        "nl": "Op basis van de gegevens tot {day}.",
        "fr": "Sur la base des données jusqu'au {day}.",
        "en": "Based on data up to {day}.",
    },
    "r_experiments": {"nl": "Experimenten", "fr": "Expériences", "en": "Experiments"},
    "r_no_experiments": {"nl": "Geen experimenten ingesteld.",
                         "fr": "Aucune expérience configurée.",
                         "en": "No experiments configured."},
    "r_exp_running": {"nl": "Loopt", "fr": "En cours", "en": "Running"},
    "r_exp_ended": {"nl": "Afgelopen", "fr": "Terminée", "en": "Ended"},
    "r_exp_not_started": {"nl": "Nog niet gestart", "fr": "Pas commencée",
                          "en": "Not started"},
    "r_exp_days": {"nl": "dag {days}", "fr": "jour {days}", "en": "day {days}"},
    "r_pacing": {"nl": "Budget en pacing", "fr": "Budget et rythme", "en": "Budget pacing"},
    "r_no_plan": {"nl": "Geen budgetplan ingesteld.", "fr": "Aucun plan budgétaire configuré.",
                  "en": "No budget plan configured."},
    "r_col_line": {"nl": "Planregel", "fr": "Ligne du plan", "en": "Plan line"},
    "r_col_budget": {"nl": "Mediabudget", "fr": "Budget média", "en": "Media budget"},
    "r_col_spent": {"nl": "Besteed", "fr": "Dépensé", "en": "Spent"},
    "r_col_pacing": {"nl": "Pacing", "fr": "Rythme", "en": "Pacing"},
    "r_col_projected": {"nl": "Verwacht einde periode", "fr": "Projection fin de période",
                        "en": "Projected at period end"},
    "r_col_status": {"nl": "Status", "fr": "Statut", "en": "Status"},
    "r_pacing_period": {"nl": "Periode {period}, dag {day} van {days}.",
                        "fr": "Période {period}, jour {day} sur {days}.",
                        "en": "Period {period}, day {day} of {days}."},
    "r_quality": {"nl": "Datakwaliteit", "fr": "Qualité des données", "en": "Data quality"},
    "r_q_final": {"nl": "{source}: definitief", "fr": "{source}\u00a0: définitif",
                  "en": "{source}: final"},
    "r_q_provisional": {
        "nl": "{source}: {days} van deze week voorlopig",
        "fr": "{source}\u00a0: {days} de cette semaine provisoires",
        "en": "{source}: {days} of this week provisional",
    },
    "r_q_flagged": {"nl": "{source}: {flag} op {days}", "fr": "{source}\u00a0: {flag} sur {days}",
                    "en": "{source}: {flag} on {days}"},
    "r_q_missing": {"nl": "{source}: {days} ontbreken", "fr": "{source}\u00a0: {days} manquants",
                    "en": "{source}: {days} missing"},
    "r_q_checks_ok": {"nl": "Alle {count} controles geslaagd",
                      "fr": "Les {count} contrôles sont réussis",
                      "en": "All {count} checks passed"},
    "r_q_checks_bad": {"nl": "Controles: {names}", "fr": "Contrôles\u00a0: {names}",
                       "en": "Checks: {names}"},
    "r_q_run_ok": {"nl": "Laatste nachtelijke run geslaagd: {when}",
                   "fr": "Dernière exécution nocturne réussie\u00a0: {when}",
                   "en": "Last nightly run succeeded: {when}"},
    "r_q_run_failed": {"nl": "Laatste nachtelijke run mislukt: {when}",
                       "fr": "Dernière exécution nocturne en échec\u00a0: {when}",
                       "en": "Last nightly run failed: {when}"},
    "r_q_no_runs": {"nl": "Nog geen nachtelijke run geregistreerd",
                    "fr": "Aucune exécution nocturne enregistrée",
                    "en": "No nightly run recorded yet"},
    "r_definitions": {"nl": "Definities", "fr": "Définitions", "en": "Definitions"},
    "r_def_lead": {"nl": "Lead", "fr": "Lead", "en": "Lead"},
    "r_def_purchase": {"nl": "Aankoop", "fr": "Achat", "en": "Purchase"},
    "r_def_conversion": {"nl": "Conversie", "fr": "Conversion", "en": "Conversion"},
    "r_def_conversion_text": {"nl": "een lead of een aankoop", "fr": "un lead ou un achat",
                              "en": "a lead or a purchase"},
    "r_def_counted": {
        "nl": "Google Ads-conversieacties {ads}; GA4-kerngebeurtenissen {ga4}",
        "fr": "actions de conversion Google Ads {ads}\u00a0; événements clés GA4 {ga4}",
        "en": "Google Ads conversion actions {ads}; GA4 key events {ga4}",
    },
    "r_def_none": {"nl": "geen", "fr": "aucun", "en": "none"},
    "r_def_attribution": {"nl": "Attributie", "fr": "Attribution", "en": "Attribution"},
    "r_attribution_ads": {
        "nl": "Google Ads-campagnes tellen de conversieacties van Google Ads (op klikdatum, "
              "volgens het attributiemodel van het account); andere kanalen tellen de "
              "GA4-kerngebeurtenissen van hun sessies.",
        "fr": "Les campagnes Google Ads comptent les actions de conversion de Google Ads (à la "
              "date du clic, selon le modèle d'attribution du compte)\u00a0; les autres canaux "
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
        "fr": "Comparaisons\u00a0: semaine ISO précédente et même semaine ISO un an plus "
              "tôt\u00a0; les KPI sont calculés à partir de sommes (jamais de moyennes de ratios).",
        "en": "Comparisons: the previous ISO week and the same ISO week a year earlier; KPIs "
              "are computed from sums (never averages of ratios).",
    },
    "r_dashboards": {
        "nl": "Details in de dashboards: {pages}.",
        "fr": "Détails dans les tableaux de bord\u00a0: {pages}.",
        "en": "Details in the dashboards: {pages}.",
    },
    "r_generated": {"nl": "Aangemaakt {when}", "fr": "Généré le {when}",
                    "en": "Generated {when}"},
}
