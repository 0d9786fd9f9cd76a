"""The nl / fr / en texts of the budget page (dashboards/budget.py).

Shared texts live in dashboards/i18n.py.
"""

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
        "fr": "Période en cours\u202f: {period}",
        "en": "Current period: {period}",
    },
    "bud_day_of": {"nl": "dag {day} van {days}", "fr": "jour {day} sur {days}",
                   "en": "day {day} of {days}"},
    "bud_header_period": {
        "nl": "Budgetperiode {period}",
        "fr": "Période budgétaire\u202f: {period}",
        "en": "Budget period {period}",
    },
    "bud_account": {
        "nl": "Account: {account}",
        "fr": "Compte\u202f: {account}",
        "en": "Account: {account}",
    },
    "bud_label_value": {"nl": "{label}: {value}", "fr": "{label}\u202f: {value}",
                        "en": "{label}: {value}"},
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
    "bud_col_projected": {"nl": "Verwachte media-uitgaven", "fr": "Dépense média estimée",
                          "en": "Projected media spend"},
    "bud_col_total_cost": {
        "nl": "Verwachte totale kost",
        "fr": "Coût total estimé",
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
    "bud_status_not_started": {"nl": "Nog niet gestart", "fr": "Pas encore commencé",
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
        "fr": "Dépensé ÷ prévu à ce jour. Zone verte {on_low}–{on_high}\u202f: dans les "
        "temps\u202f; pointillés à {watch_low} et {watch_high}\u202f: au-delà, à examiner.",
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
    "bud_curves_fitted": {
        "nl": "De responscurven zijn berekend op {day} en worden elke week herberekend.",
        "fr": "Les courbes de réponse ont été ajustées le {day} et sont réajustées chaque "
        "semaine.",
        "en": "The response curves were fitted on {day} and are refitted every week.",
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
    "bud_action_scale": {"nl": "Budget verhogen", "fr": "Augmenter le budget",
                         "en": "Scale up"},
    "bud_action_reallocate": {"nl": "Budget verschuiven", "fr": "Réaffecter le budget",
                              "en": "Reallocate budget"},
    "bud_key_kpi": {
        "nl": "{kpi}: {value} (doel {target})",
        "fr": "{kpi}\u202f: {value} (objectif {target})",
        "en": "{kpi}: {value} (target {target})",
    },
    "bud_key_cost": {
        "nl": "Kosten: {cost} in {days} dagen",
        "fr": "Coût\u202f: {cost} en {days} jours",
        "en": "Cost: {cost} in {days} days",
    },
    "bud_key_extra": {
        "nl": "Budget: +{amount} per dag",
        "fr": "Budget\u202f: +{amount} par jour",
        "en": "Budget: +{amount} a day",
    },
    "bud_left_out_one": {
        "nl": "1 kleinere actie weggelaten: het verwachte effect is te klein om er werk van "
        "te maken.",
        "fr": "1 action mineure écartée\u202f: son effet attendu est trop faible pour s'y "
        "attarder.",
        "en": "1 smaller action left out: too little expected effect to act on.",
    },
    "bud_left_out_many": {
        "nl": "{count} kleinere acties weggelaten: het verwachte effect is te klein om er werk "
        "van te maken.",
        "fr": "{count} actions mineures écartées\u202f: leur effet attendu est trop faible pour "
        "s'y attarder.",
        "en": "{count} smaller actions left out: too little expected effect to act on.",
    },
    "bud_key_move": {
        "nl": "Verschuiving: {amount} per dag",
        "fr": "Transfert\u202f: {amount} par jour",
        "en": "Moved: {amount} a day",
    },
    "bud_key_gain": {
        "nl": "{measure}: +{gain} per dag",
        "fr": "{measure}\u202f: +{gain} par jour",
        "en": "{measure}: +{gain} a day",
    },
    "bud_key_limited": {
        "nl": "Beperkt door het dagbudget",
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
        "nl": "Alles per dag. Uitgaven per dag: het gemiddelde van het kanaal over de laatste "
        "twee weken met volledige conversies; de rest volgt uit de responscurve van het kanaal "
        "(afnemende meeropbrengst).",
        "fr": "Tout est par jour. Dépense par jour\u202f: la moyenne du canal sur les deux "
        "dernières semaines dont les conversions sont complètes\u202f; le reste découle de la "
        "courbe de réponse du canal (rendements décroissants).",
        "en": "Everything per day. Spend a day: the channel's average over the last two weeks "
        "with complete conversions; the rest follows from the channel's response curve "
        "(diminishing returns).",
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
    "bud_col_return": {"nl": "Opbrengst extra uitgaven", "fr": "Rendement du budget en plus",
                       "en": "Return on extra spend"},
    "bud_col_fit": {"nl": "Fit (r²)", "fr": "Qualité de la courbe (r²)", "en": "Fit (r²)"},
    "bud_marginal_roas": {"nl": "ROAS {value}", "fr": "ROAS {value}", "en": "ROAS {value}"},
    "bud_marginal_cost": {
        "nl": "{value} per extra {unit}",
        "fr": "{value} par {unit} supplémentaire",
        "en": "{value} per extra {unit}",
    },
    "bud_unit_conversions": {"nl": "conversie", "fr": "conversion", "en": "conversion"},
    "bud_unit_leads": {"nl": "lead", "fr": "lead", "en": "lead"},
    "bud_unit_purchases": {"nl": "aankoop", "fr": "achat", "en": "purchase"},
    "bud_unit_clicks": {"nl": "klik", "fr": "clic", "en": "click"},
    "bud_fit_good": {"nl": "Betrouwbare curve", "fr": "Courbe fiable", "en": "Reliable curve"},
    "bud_fit_rough": {"nl": "Ruwe indicatie", "fr": "Simple indication",
                      "en": "Rough guide"},
    "bud_fit_weak": {"nl": "Niet betrouwbaar", "fr": "Peu fiable", "en": "Do not rely on it"},
    "bud_fit_note": {
        "nl": "r² is het deel van de schommelingen in het resultaat dat de curve verklaart "
        "(0 tot 1). Vanaf {good}: bruikbaar; tussen {weak} en {good}: alleen een ruwe "
        "indicatie; onder {weak} verklaart de curve bijna niets: lees die scenario's als een "
        "gok, niet als een voorspelling (de aanbevelingen gebruiken zulke curven niet). "
        "Uitgaven buiten wat de gegevens ooit zagen, zijn extrapolaties.",
        "fr": "Le r² est la part des variations du résultat que la courbe explique (de 0 à 1). "
        "À partir de {good}\u202f: utilisable\u202f; entre {weak} et {good}\u202f: simple "
        "indication\u202f; sous {weak}, la courbe n'explique presque rien\u202f: prenez ces "
        "scénarios pour une hypothèse, pas pour une prévision (les recommandations "
        "n'utilisent pas de telles courbes). Les dépenses jamais observées sont des "
        "extrapolations.",
        "en": "r² is the share of the ups and downs in the outcome that the curve explains "
        "(0 to 1). From {good}: usable; between {weak} and {good}: a rough guide only; below "
        "{weak} the curve explains almost nothing: read those scenarios as a guess, not a "
        "forecast (recommendations do not use such curves). Spend levels the data never saw "
        "are extrapolations.",
    },
}
