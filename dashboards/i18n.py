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
    "paid_note": {
        "nl": "CPA, CPL en ROAS: mediakosten tegenover de leads, aankopen en omzet van betaalde "
        "campagnes (daaraan worden de doelen getoetst). Blended cijfers delen door alle "
        "conversies, ook organische.",
        "fr": "CPA, CPL et ROAS\u00a0: coût média rapporté aux leads, achats et chiffre "
        "d'affaires des campagnes payantes (ce sont eux qu'on compare aux objectifs). Les "
        "chiffres globaux divisent par toutes les conversions, organiques comprises.",
        "en": "CPA, CPL and ROAS: media cost against the leads, purchases and revenue of paid "
        "campaigns (the figures judged against targets). Blended figures divide by every "
        "conversion, organic included.",
    },
    "offline_note": {
        "nl": "Werkt offline en maakt geen netwerkverbindingen (plotly.js staat in dezelfde "
        "map).",
        "fr": "Fonctionne hors ligne, sans aucune connexion réseau (plotly.js est dans le même "
        "dossier).",
        "en": "Works offline and makes no network requests (plotly.js sits in the same folder).",
    },
    "exp_title": {"nl": "Experimenten", "fr": "Expériences", "en": "Experiments"},
    "exp_account": {"nl": "Account: {account}", "fr": "Compte\u202f: {account}",
                    "en": "Account: {account}"},
    "exp_as_of": {
        "nl": "Gegevens tot en met {day}",
        "fr": "Données jusqu'au {day} inclus",
        "en": "Data up to and including {day}",
    },
    "exp_none": {
        "nl": "Geen experimenten ingesteld",
        "fr": "Aucune expérience configurée",
        "en": "No experiments configured",
    },
    "exp_none_hint": {
        "nl": "Voeg ze toe onder 'experiments:' in het configuratiebestand (zie README).",
        "fr": "Ajoutez-les sous «\u202fexperiments:\u202f» dans le fichier de configuration "
        "(voir le README).",
        "en": "Add them under 'experiments:' in the configuration file (see the README).",
    },
    "exp_running": {"nl": "Loopt", "fr": "En cours", "en": "Running"},
    "exp_ended": {"nl": "Afgelopen", "fr": "Terminée", "en": "Ended"},
    "exp_scheduled": {"nl": "Gepland", "fr": "Planifiée", "en": "Scheduled"},
    "exp_scheduled_list": {
        "nl": "Nog niet gestart",
        "fr": "Pas encore commencées",
        "en": "Not started yet",
    },
    "exp_dates": {
        "nl": "{start} – {end} · dag {day} van {days}",
        "fr": "{start} – {end} · jour {day} sur {days}",
        "en": "{start} – {end} · day {day} of {days}",
    },
    "exp_starts": {"nl": "start op {day}", "fr": "début le {day}", "en": "starts {day}"},
    "exp_conventions": {
        "nl": "{design}; alfa {alpha}, {sides}, Welch-t, relatieve lift t.o.v. {control}; "
        "vergelijkingen: {tests}, correctie: {correction} (ook op de intervallen).",
        "fr": "{design}\u202f; alpha {alpha}, {sides}, t de Welch, hausse relative par "
        "rapport à {control}\u202f; comparaisons\u202f: {tests}, correction\u202f: {correction} "
        "(intervalles compris).",
        "en": "{design}; alpha {alpha}, {sides}, Welch t, relative lift vs {control}; "
        "comparisons: {tests}, correction: {correction} (intervals included).",
    },
    "exp_fixed": {"nl": "Vaste looptijd", "fr": "Horizon fixe", "en": "Fixed horizon"},
    "exp_sequential": {
        "nl": "Sequentieel (altijd geldige betrouwbaarheidsreeksen, dagelijks bekijken mag)",
        "fr": "Séquentiel (séquences de confiance toujours valides, consultation quotidienne "
        "permise)",
        "en": "Sequential (always-valid confidence sequences: safe to look every day)",
    },
    "exp_two_sided": {"nl": "tweezijdig", "fr": "bilatéral", "en": "two-sided"},
    "exp_one_sided": {"nl": "eenzijdig", "fr": "unilatéral", "en": "one-sided"},
    "exp_holm": {"nl": "Holm", "fr": "Holm", "en": "Holm"},
    "exp_bh": {
        "nl": "Benjamini-Hochberg",
        "fr": "Benjamini-Hochberg",
        "en": "Benjamini-Hochberg",
    },
    "exp_no_correction": {"nl": "geen", "fr": "aucune", "en": "none"},
    "exp_srm_title": {
        "nl": "Scheve verdeling over de varianten",
        "fr": "Déséquilibre de répartition",
        "en": "Sample-ratio mismatch",
    },
    "exp_srm_detail": {
        "nl": "Gepland was {planned}, binnengekomen is {observed} (p {p}): zo'n verschil is "
        "geen toeval, dus de cijfers hieronder zijn niet betrouwbaar. Zoek eerst de oorzaak "
        "(toewijzing, tracking, bots) voor je iets beslist.",
        "fr": "Répartition prévue\u202f: {planned}\u202f; obtenue\u202f: {observed} "
        "(p {p}). Un tel écart n'est pas dû au hasard\u202f: les chiffres ci-dessous ne sont "
        "pas fiables. Trouvez d'abord la cause (affectation, suivi, robots) avant de décider "
        "quoi que ce soit.",
        "en": "Planned split {planned}, observed {observed} (p {p}): a gap this size is not "
        "chance, so the numbers below cannot be trusted. Find the cause (assignment, "
        "tracking, bots) before deciding anything.",
    },
    "exp_forest": {
        "nl": "Relatieve lift t.o.v. controle, met gecorrigeerd {level}-BI",
        "fr": "Hausse relative par rapport au témoin, avec IC à {level} corrigé",
        "en": "Relative lift vs control, with adjusted {level} CI",
    },
    "exp_forest_sequential": {
        "nl": "Relatieve lift t.o.v. controle, met gecorrigeerde {level}-betrouwbaarheidsreeks "
        "(p altijd geldig)",
        "fr": "Hausse relative par rapport au témoin, avec séquence de confiance à {level} "
        "corrigée "
        "(p toujours valide)",
        "en": "Relative lift vs control, with adjusted {level} confidence sequence "
        "(always-valid p)",
    },
    "exp_history": {
        "nl": "{metric}: lift per dag, zoals elke ochtend gezien",
        "fr": "{metric}\u202f: hausse jour par jour, telle qu'elle se présentait chaque matin",
        "en": "{metric}: lift day by day, as seen each morning",
    },
    "exp_history_fixed": {
        "nl": "Vaste looptijd: beslis op de einddatum. Wie stopt op de eerste dag dat het "
        "interval 0 uitsluit, krijgt te veel valse winnaars.",
        "fr": "Horizon fixe\u202f: décidez à la date de fin. S'arrêter au premier jour où "
        "l'intervalle exclut 0 multiplie les faux gagnants.",
        "en": "Fixed horizon: decide on the end date. Stopping on the first day the interval "
        "excludes 0 produces too many false winners.",
    },
    "exp_history_sequential": {
        "nl": "Sequentieel: de reeks is altijd geldig; je mag stoppen op elke dag dat ze 0 "
        "uitsluit.",
        "fr": "Séquentiel\u202f: la séquence est toujours valide\u202f; vous pouvez vous "
        "arrêter n'importe quel jour où elle exclut 0.",
        "en": "Sequential: the sequence is always valid; you may stop on any day it excludes "
        "0.",
    },
    "exp_col_metric": {"nl": "Metriek", "fr": "Métrique", "en": "Metric"},
    "exp_col_arm": {"nl": "Variant", "fr": "Variante", "en": "Arm"},
    "exp_col_units": {"nl": "Eenheden", "fr": "Unités", "en": "Units"},
    "exp_col_mean": {"nl": "Gemiddelde", "fr": "Moyenne", "en": "Mean"},
    "exp_col_lift": {"nl": "Lift", "fr": "Hausse", "en": "Lift"},
    "exp_col_ci": {"nl": "Gecorr. BI", "fr": "IC corrigé", "en": "Adjusted CI"},
    "exp_col_p": {"nl": "p", "fr": "p", "en": "p"},
    "exp_col_p_adj": {"nl": "p (gecorr.)", "fr": "p (corrigée)", "en": "p (adjusted)"},
    "exp_col_win": {
        "nl": "Kans om te winnen",
        "fr": "Probabilité de gagner",
        "en": "Chance to win",
    },
    "exp_col_decision": {"nl": "Besluit", "fr": "Décision", "en": "Decision"},
    "exp_effects": {
        "nl": "Hoofdeffecten en interactie (absoluut)",
        "fr": "Effets principaux et interaction (absolus)",
        "en": "Main effects and interaction (absolute)",
    },
    "exp_effects_note": {
        "nl": "Een hoofdeffect is het verschil dat die ene wijziging van de variant maakt, "
        "gemiddeld over de andere factoren; een interactie is wat de combinatie daarbovenop "
        "toevoegt. Percentages in procentpunt, bedragen per eenheid.",
        "fr": "Un effet principal est l'écart que produit ce seul changement de la variante, "
        "en moyenne sur les autres facteurs\u202f; une interaction est ce que la combinaison "
        "ajoute en plus. Taux en points de pourcentage (pt), montants par unité.",
        "en": "A main effect is what the variant's one change does, averaged over the other "
        "factors; an interaction is what the combination adds on top. Rates in "
        "percentage points (pp), amounts per unit.",
    },
    "exp_cuped": {
        "nl": "CUPED-variantiereductie toegepast op {metrics}.",
        "fr": "Réduction de variance CUPED appliquée à {metrics}.",
        "en": "CUPED variance reduction applied to {metrics}.",
    },
    "decision_wins": {"nl": "wint", "fr": "gagne", "en": "wins"},
    "decision_loses": {"nl": "verliest", "fr": "perd", "en": "loses"},
    "decision_no_difference": {"nl": "geen verschil", "fr": "pas de différence",
                               "en": "no difference"},
    "decision_keep_running": {"nl": "laten lopen", "fr": "laisser tourner",
                              "en": "keep running"},
    "decision_srm": {"nl": "onbetrouwbaar (SRM)", "fr": "non fiable (SRM)",
                     "en": "not trustworthy (SRM)"},
    "decision_error": {"nl": "geen resultaat", "fr": "pas de résultat", "en": "no result"},
    "decision_control": {"nl": "controle", "fr": "témoin", "en": "control"},
    "nav_overview": {"nl": "Overzicht", "fr": "Aperçu", "en": "Overview"},
    "nav_trends": {"nl": "Trends", "fr": "Tendances", "en": "Trends"},
    "nav_drilldown": {"nl": "Detail per campagne", "fr": "Détail par campagne",
                      "en": "Campaign detail"},
    "nav_budget": {"nl": "Budget", "fr": "Budget", "en": "Budget"},
    "nav_clv": {"nl": "Klantwaarde", "fr": "Valeur client", "en": "Customer value"},
    "nav_experiments": {"nl": "A/B-tests", "fr": "Tests A/B", "en": "A/B tests"},
    "nav_quality": {"nl": "Datakwaliteit", "fr": "Qualité des données", "en": "Data quality"},
    "nav_report": {"nl": "Weekrapport", "fr": "Rapport hebdo", "en": "Weekly report"},
    "site_nav": {"nl": "Pagina's", "fr": "Pages", "en": "Pages"},
    "site_language": {"nl": "Taal", "fr": "Langue", "en": "Language"},
    "site_fresh": {"nl": "Gegevens van {when}", "fr": "Données du {when}",
                   "en": "Data as of {when}"},
    "site_csv": {"nl": "Deze tabel downloaden als CSV (Excel)",
                 "fr": "Télécharger ce tableau en CSV (Excel)",
                 "en": "Download this table as CSV (Excel)"},
}


def N_(key: str) -> str:  # gettext's name for "a message id, translated later"
    """Mark a text key that is chosen at run time (``t(key, lang)`` with a variable) so that
    the catalog tools find it: ``DECISIONS = {"wins": N_("decision_wins")}``.

    >>> N_("no_data")
    'no_data'
    """
    return key


def t(key: str, lang: str) -> str:
    """The text ``key`` in ``lang``; KeyError naming both when it is missing."""
    try:
        return TEXTS[key][lang]
    except KeyError:
        raise KeyError(f"no dashboard text {key!r} in language {lang!r}") from None


def translator(own: dict[str, dict[str, str]]):
    """``t`` for a page with its own texts: ``own`` first, then the shared ones.

    >>> translator({"x": {"en": "X"}})("x", "en"), translator({})("no_data", "en")
    ('X', 'No data')
    """

    def lookup(key: str, lang: str) -> str:
        if key in own:
            try:
                return own[key][lang]
            except KeyError:
                raise KeyError(f"no dashboard text {key!r} in language {lang!r}") from None
        return t(key, lang)

    return lookup
