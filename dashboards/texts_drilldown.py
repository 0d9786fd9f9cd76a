"""The nl / fr / en texts of the drill-down page (dashboards/drilldown.py).

Shared texts live in dashboards/i18n.py; KPI and measure names in kpi.registry.
"""

TEXTS: dict[str, dict[str, str]] = {
    "dd_title": {"nl": "Drill-down: kanalen en campagnes", "fr": "Détail par canal et campagne",
                 "en": "Drill-down: channels and campaigns"},
    "dd_account": {"nl": "Account: {account}", "fr": "Compte\u202f: {account}",
                   "en": "Account: {account}"},
    "dd_label": {"nl": "{label}:", "fr": "{label}\u202f:", "en": "{label}:"},
    "dd_period": {"nl": "Periode", "fr": "Période", "en": "Period"},
    "dd_period_1w": {"nl": "Laatste volledige week", "fr": "Dernière semaine complète",
                     "en": "Latest complete week"},
    "dd_period_4w": {"nl": "Laatste 4 weken", "fr": "4 dernières semaines",
                     "en": "Last 4 weeks"},
    "dd_period_13w": {"nl": "Laatste 13 weken", "fr": "13 dernières semaines",
                      "en": "Last 13 weeks"},
    "dd_period_mtd": {
        "nl": "{month} tot nu (hele weken)",
        "fr": "{month} à ce jour (semaines entières)",
        "en": "{month} to date (whole weeks)",
    },
    "dd_weeks": {"nl": "Weken {first}–{last}", "fr": "Semaines {first} à {last}",
                 "en": "Weeks {first}–{last}"},
    "dd_vs": {"nl": "t.o.v. {period}", "fr": "vs {period}", "en": "vs {period}"},
    "dd_no_previous": {
        "nl": "geen vergelijkbare vorige periode",
        "fr": "pas de période précédente comparable",
        "en": "no comparable previous period",
    },
    "dd_channel": {"nl": "Kanaal", "fr": "Canal", "en": "Channel"},
    "dd_all_channels": {"nl": "Alle kanalen", "fr": "Tous les canaux", "en": "All channels"},
    "dd_search": {"nl": "Zoeken", "fr": "Rechercher", "en": "Search"},
    "dd_search_hint": {
        "nl": "Campagne of advertentiegroep",
        "fr": "Campagne ou groupe d'annonces",
        "en": "Campaign or ad group",
    },
    "dd_off_target": {"nl": "Alleen naast doel", "fr": "Hors objectif seulement",
                      "en": "Only off target"},
    "dd_colour_by": {"nl": "Kleur en focus-KPI", "fr": "Couleur et KPI suivi",
                     "en": "Colour and focus KPI"},
    "dd_map_title": {"nl": "Waar gaat het budget naartoe?", "fr": "Où va le budget\u202f?",
                     "en": "Where does the budget go?"},
    "dd_map_desc": {
        "nl": "Oppervlakte = kosten. Kleur = hoeveel beter of slechter dan het eigen doel: "
        "standaard op de hoofd-KPI van elke campagne (CPL voor leadcampagnes, ROAS of CPA "
        "voor webshopcampagnes, zoals bij de budgetadviezen), of op de KPI die je kiest "
        "(zonder doel t.o.v. de hele account). Klik op een vlak om in te zoomen; kanalen "
        "zonder kosten staan alleen in de tabel.",
        "fr": "Surface = coût. Couleur = l'écart par rapport à son propre objectif\u202f: par "
        "défaut sur le KPI principal de chaque campagne (CPL pour les campagnes de leads, ROAS "
        "ou CPA pour l'e-shop, comme pour les conseils budgétaires), ou sur le KPI choisi "
        "(faute d'objectif, par rapport au compte entier). Cliquez sur une zone pour "
        "zoomer\u202f; les canaux sans coût n'apparaissent que dans le tableau.",
        "en": "Area = cost. Colour = how much better or worse than its own target: by default "
        "on each campaign's goal KPI (CPL for lead campaigns, ROAS or CPA for shop campaigns, "
        "as in the budget recommendations), or on the KPI you choose (against the whole "
        "account where there is no target). Click a tile to zoom in; channels without cost "
        "appear only in the table.",
    },
    "dd_worse": {"nl": "slechter", "fr": "moins bon", "en": "worse"},
    "dd_better": {"nl": "beter", "fr": "meilleur", "en": "better"},
    "dd_no_value": {"nl": "geen kosten, doel of waarde", "fr": "pas de coût, d'objectif ou "
                    "de valeur", "en": "no cost, target or value"},
    "dd_focus_goal": {"nl": "Hoofd-KPI van elke campagne", "fr": "KPI principal de chaque "
                      "campagne", "en": "Each campaign's goal KPI"},
    "dd_goal_col": {"nl": "Hoofd-KPI", "fr": "KPI principal", "en": "Goal KPI"},
    "dd_goal_vs_previous": {"nl": "Hoofd-KPI t.o.v. vorige", "fr": "KPI principal vs "
                            "précédente", "en": "Goal KPI vs previous"},
    "dd_goal_vs_target": {"nl": "Hoofd-KPI t.o.v. doel", "fr": "KPI principal vs objectif",
                          "en": "Goal KPI vs target"},
    "dd_goal_hover": {
        "nl": "Hoofd-KPI {kpi}: {change} t.o.v. doel {target}",
        "fr": "KPI principal {kpi}\u202f: {change} vs objectif {target}",
        "en": "Goal KPI {kpi}: {change} vs target {target}",
    },
    "dd_goal_no_target": {
        "nl": "Hoofd-KPI {kpi}: geen doel ingesteld",
        "fr": "KPI principal {kpi}\u202f: pas d'objectif défini",
        "en": "Goal KPI {kpi}: no target set",
    },
    "dd_goal_unpriced": {
        "nl": "Hoofd-KPI {kpi}: wel kosten, nog geen conversies",
        "fr": "KPI principal {kpi}\u202f: des coûts, mais encore aucune conversion",
        "en": "Goal KPI {kpi}: cost but no conversions yet",
    },
    "dd_goal_no_cost": {
        "nl": "Geen hoofd-KPI: geen kosten in deze periode",
        "fr": "Pas de KPI principal\u202f: aucun coût sur cette période",
        "en": "No goal KPI: no cost in this period",
    },
    "dd_goal_mixed": {
        "nl": "Campagnes met verschillende hoofd-KPI's: kleur per campagne",
        "fr": "Campagnes aux KPI principaux différents\u202f: couleur par campagne",
        "en": "Campaigns with different goal KPIs: coloured per campaign",
    },
    "dd_total_selection": {"nl": "Totaal van de selectie", "fr": "Total de la sélection",
                           "en": "Total of the selection"},
    "dd_selection": {
        "nl": "Cijfers voor de selectie: {what}",
        "fr": "Chiffres de la sélection\u202f: {what}",
        "en": "Figures for the selection: {what}",
    },
    "dd_quote": {"nl": "‘{q}’", "fr": "«\u202f{q}\u202f»", "en": "‘{q}’"},
    "dd_vs_target": {"nl": "{change} t.o.v. doel {target}", "fr": "{change} vs objectif {target}",
                     "en": "{change} vs target {target}"},
    "dd_vs_account": {
        "nl": "{change} t.o.v. account ({value})",
        "fr": "{change} vs compte ({value})",
        "en": "{change} vs account ({value})",
    },
    "dd_share": {"nl": "{share} van {parent}", "fr": "{share} de {parent}",
                 "en": "{share} of {parent}"},
    "dd_table_title": {
        "nl": "Kanalen, campagnes en advertentiegroepen",
        "fr": "Canaux, campagnes et groupes d'annonces",
        "en": "Channels, campaigns and ad groups",
    },
    "dd_table_desc": {
        "nl": "Klik op een kanaal of campagne om het open te klappen. Gesorteerd op kosten.",
        "fr": "Cliquez sur un canal ou une campagne pour le déplier. Trié par coût.",
        "en": "Click a channel or campaign to expand it. Sorted by cost.",
    },
    "dd_others_campaign": {"nl": "Overige campagnes ({count})",
                           "fr": "Autres campagnes ({count})",
                           "en": "Other campaigns ({count})"},
    "dd_others_ad_group": {"nl": "Overige advertentiegroepen ({count})",
                           "fr": "Autres groupes d'annonces ({count})",
                           "en": "Other ad groups ({count})"},
    "dd_goal_others": {
        "nl": "Meerdere campagnes samen: geen eigen hoofd-KPI",
        "fr": "Plusieurs campagnes ensemble\u202f: pas de KPI principal propre",
        "en": "Several campaigns together: no goal KPI of their own",
    },
    "dd_capped": {
        "nl": "Per kanaal staan hier de {campaigns} campagnes met de hoogste kosten en per "
        "campagne de {ad_groups} grootste advertentiegroepen; de rest is per kanaal of campagne "
        "opgeteld in één rij ‘Overige …’.",
        "fr": "Par canal, les {campaigns} campagnes au coût le plus élevé et, par campagne, les "
        "{ad_groups} plus grands groupes d'annonces\u202f; le reste est additionné en une ligne "
        "«\u202fAutres…\u202f» par canal ou campagne.",
        "en": "Each channel shows its {campaigns} campaigns with the highest cost and each "
        "campaign its {ad_groups} largest ad groups; the rest is summed in one ‘Other …’ row "
        "per channel or campaign.",
    },
    "dd_csv": {
        "nl": "Volledige tabel (alle campagnes en advertentiegroepen, elke periode):",
        "fr": "Tableau complet (toutes les campagnes et tous les groupes d'annonces, chaque "
        "période)\u202f:",
        "en": "Full table (every campaign and ad group, every period):",
    },
    "dd_col_name": {
        "nl": "Kanaal / campagne / advertentiegroep",
        "fr": "Canal / campagne / groupe d'annonces",
        "en": "Channel / campaign / ad group",
    },
    "dd_col_change": {"nl": "{kpi} t.o.v. vorige", "fr": "{kpi} vs précédente",
                      "en": "{kpi} vs previous"},
    "dd_col_target": {"nl": "{kpi} t.o.v. doel", "fr": "{kpi} vs objectif",
                      "en": "{kpi} vs target"},
    "dd_short_conversion_rate": {"nl": "Conv.-ratio", "fr": "Taux de conv.",
                                 "en": "Conv. rate"},
    "dd_total_all": {"nl": "Totaal, alle kanalen", "fr": "Total, tous les canaux",
                     "en": "Total, all channels"},
    "dd_no_match": {
        "nl": "Geen enkele rij voldoet aan de filters.",
        "fr": "Aucune ligne ne correspond aux filtres.",
        "en": "No row matches the filters.",
    },
    "dd_no_data_hint": {
        "nl": "Er is nog geen volledige week met gegevens.",
        "fr": "Aucune semaine complète de données n'est encore disponible.",
        "en": "There is no complete week of data yet.",
    },
    "dd_no_campaigns": {"nl": "Geen campagnegegevens", "fr": "Aucune donnée de campagne",
                        "en": "No campaign data"},
    "dd_no_campaigns_hint": {
        "nl": "kpi_values bevat geen rijen op campagneniveau; de roll-up moet de niveaus "
        "'campaign' en 'ad_group' bevatten.",
        "fr": "kpi_values ne contient aucune ligne au niveau campagne\u202f; le cumul doit "
        "inclure les niveaux «\u202fcampaign\u202f» et «\u202fad_group\u202f».",
        "en": "kpi_values has no campaign-level rows; the roll-up must include the 'campaign' "
        "and 'ad_group' levels.",
    },
    "dd_method": {
        "nl": "Periodes zijn hele ISO-weken (maandag–zondag); een week hoort bij de maand van "
        "haar donderdag. KPI's over meerdere weken zijn som van de tellers ÷ som van de "
        "noemers, nooit een gemiddelde van weekcijfers.",
        "fr": "Les périodes sont des semaines ISO entières (lundi–dimanche)\u202f; une semaine "
        "appartient au mois de son jeudi. Sur plusieurs semaines, un KPI vaut la somme des "
        "numérateurs ÷ la somme des dénominateurs, jamais une moyenne de valeurs "
        "hebdomadaires.",
        "en": "Periods are whole ISO weeks (Monday–Sunday); a week belongs to the month of its "
        "Thursday. Multi-week KPIs are the sum of numerators ÷ the sum of denominators, never "
        "an average of weekly values.",
    },
}
