"""The nl / fr / en texts of the CLV page (dashboards/clv.py).

Shared texts live in dashboards/i18n.py.
"""

TEXTS: dict[str, dict[str, str]] = {
    "clv_title": {"nl": "Klantwaarde (CLV)", "fr": "Valeur client (CLV)",
                  "en": "Customer lifetime value"},
    "clv_as_of": {
        "nl": "Bestellingen tot en met {day}",
        "fr": "Commandes jusqu'au {day} inclus",
        "en": "Orders up to and including {day}",
    },
    "clv_account": {
        "nl": "Account: {account}",
        "fr": "Compte\u202f: {account}",
        "en": "Account: {account}",
    },
    "clv_period": {
        "nl": "Klanten verworven {period}",
        "fr": "Clients acquis\u202f: {period}",
        "en": "Customers acquired {period}",
    },
    "clv_label_value": {"nl": "{label}: {value}", "fr": "{label}\u202f: {value}",
                        "en": "{label}: {value}"},
    "clv_list_separator": {"nl": "; ", "fr": "\u202f; ", "en": "; "},
    "clv_no_orders": {"nl": "Geen bestellingen", "fr": "Aucune commande", "en": "No orders"},
    "clv_no_orders_hint": {
        "nl": "Er zijn nog geen bestellingen om klantwaarde uit te berekenen. Stel een bron in "
        "onder 'sources: orders:' in het configuratiebestand (zie README).",
        "fr": "Aucune commande ne permet encore de calculer la valeur client. Configurez une "
        "source sous «\u202fsources: orders:\u202f» dans le fichier de configuration (voir le "
        "README).",
        "en": "There are no orders to compute customer value from yet. Configure a source "
        "under 'sources: orders:' in the configuration file (see the README).",
    },
    "clv_customers": {"nl": "Klanten", "fr": "Clients", "en": "Customers"},
    "clv_customers_line": {"nl": "verworven sinds {day}", "fr": "acquis depuis le {day}",
                           "en": "acquired since {day}"},
    "clv_mean_line": {
        "nl": "waarvan {future} verwachte toekomstige waarde",
        "fr": "dont {future} de valeur future attendue",
        "en": "of which {future} expected future value",
    },
    "clv_alive": {"nl": "Nog actief", "fr": "Encore actifs", "en": "Still active"},
    "clv_alive_line": {
        "nl": "gemiddelde kans dat een klant nog koopt (P(alive))",
        "fr": "probabilité moyenne qu'un client achète encore (P(alive))",
        "en": "mean chance that a customer still buys (P(alive))",
    },
    "clv_alive_missing": {
        "nl": "geen model: zie hieronder",
        "fr": "pas de modèle\u202f: voir plus bas",
        "en": "no model: see below",
    },
    "clv_repeat": {"nl": "Terugkerende klanten", "fr": "Clients récurrents",
                   "en": "Repeat customers"},
    "clv_repeat_line": {
        "nl": "{share} van de klanten bestelde meer dan eens",
        "fr": "{share} des clients ont commandé plus d'une fois",
        "en": "{share} of customers ordered more than once",
    },
    "clv_by_channel": {
        "nl": "CLV:CAC per acquisitiekanaal, {basis}",
        "fr": "CLV:CAC par canal d'acquisition, {basis}",
        "en": "CLV:CAC by acquisition channel, {basis}",
    },
    "clv_basis_revenue": {
        "nl": "op omzet (geen marge ingesteld)",
        "fr": "sur le chiffre d'affaires (aucune marge configurée)",
        "en": "on revenue (no margin set)",
    },
    "clv_basis_margin": {
        "nl": "bij {margin} brutomarge",
        "fr": "avec une marge brute de {margin}",
        "en": "at {margin} gross margin",
    },
    "clv_mean_revenue": {"nl": "Gemiddelde CLV op omzet", "fr": "CLV moyenne sur le CA",
                         "en": "Mean CLV on revenue"},
    "clv_mean_margin": {"nl": "Gemiddelde CLV bij {margin} marge",
                        "fr": "CLV moyenne à {margin} de marge",
                        "en": "Mean CLV at {margin} margin"},
    "clv_no_margin": {
        "nl": "Geen brutomarge ingesteld: de CLV telt omzet, dus CLV:CAC zegt hoeveel omzet een "
        "klant per euro acquisitiekosten oplevert, niet hoeveel hij terugverdient. Vul het deel "
        "van de omzet dat u overhoudt in onder 'clv: gross_margin:' in de configuratie "
        "(bv. 0.35).",
        "fr": "Aucune marge brute configurée\u202f: la CLV compte le chiffre d'affaires, le "
        "CLV:CAC dit donc combien de chiffre d'affaires un client apporte par euro de coût "
        "d'acquisition, pas ce qu'il rapporte vraiment. Indiquez la part du chiffre d'affaires "
        "que vous gardez sous «\u202fclv: gross_margin:\u202f» dans la configuration "
        "(p.\u00a0ex. 0.35).",
        "en": "No gross margin set: CLV counts revenue, so CLV:CAC says how much revenue a "
        "customer brings per euro of acquisition cost, not how much they earn back. Add the "
        "share of revenue you keep under 'clv: gross_margin:' in the configuration "
        "(e.g. 0.35).",
    },
    "clv_margin_none": {
        "nl": "100%, want er is geen marge ingesteld",
        "fr": "100\u00a0%, faute de marge configurée",
        "en": "100%, as no margin is set",
    },
    "clv_chart_desc": {
        "nl": "Totale CLV ÷ mediakosten van het kanaal sinds {day}. Stippellijn: CLV = CAC "
        "(daaronder kost een klant meer dan hij oplevert).",
        "fr": "CLV totale ÷ coûts média du canal depuis le {day}. Pointillés\u202f: CLV = CAC "
        "(en dessous, un client coûte plus qu'il ne rapporte).",
        "en": "Total CLV ÷ the channel's media cost since {day}. Dotted line: CLV = CAC "
        "(below it a customer costs more than they bring).",
    },
    "clv_col_channel": {"nl": "Kanaal", "fr": "Canal", "en": "Channel"},
    "clv_col_campaign": {"nl": "Campagne", "fr": "Campagne", "en": "Campaign"},
    "clv_col_customers": {"nl": "Klanten", "fr": "Clients", "en": "Customers"},
    "clv_col_clv": {"nl": "CLV (gemiddeld)", "fr": "CLV (moyenne)", "en": "CLV (mean)"},
    "clv_col_cost": {"nl": "Mediakosten", "fr": "Coûts média", "en": "Media cost"},
    "clv_col_cac": {"nl": "CAC", "fr": "CAC", "en": "CAC"},
    "clv_col_ratio": {"nl": "CLV:CAC", "fr": "CLV:CAC", "en": "CLV:CAC"},
    "clv_no_cost_note": {
        "nl": "CAC en CLV:CAC '–': geen mediakosten geregistreerd (bv. organisch, direct, "
        "e-mail).",
        "fr": "CAC et CLV:CAC «\u202f–\u202f»\u202f: aucun coût média enregistré (p.\u00a0ex. "
        "organique, direct, e-mail).",
        "en": "CAC and CLV:CAC '–': no media cost recorded (e.g. organic, direct, e-mail).",
    },
    "clv_unassigned": {"nl": "(niet toegewezen)", "fr": "(non attribué)",
                       "en": "(unassigned)"},
    "clv_no_groups": {
        "nl": "Geen acquisitiegegevens",
        "fr": "Aucune donnée d'acquisition",
        "en": "No acquisition data",
    },
    "clv_by_campaign": {"nl": "CLV:CAC per campagne, {basis}",
                        "fr": "CLV:CAC par campagne, {basis}",
                        "en": "CLV:CAC by campaign, {basis}"},
    "clv_campaign_note": {
        "nl": "Campagnes met minstens {min} klanten, hoogste CLV:CAC eerst; campagnes zonder "
        "mediakosten onderaan. Kleinere campagnes niet getoond: {hidden}.",
        "fr": "Campagnes d'au moins {min} clients, meilleur CLV:CAC d'abord\u202f; campagnes "
        "sans coût média à la fin. Campagnes plus petites non affichées\u202f: {hidden}.",
        "en": "Campaigns with at least {min} customers, highest CLV:CAC first; campaigns "
        "without media cost last. Smaller campaigns not shown: {hidden}.",
    },
    "clv_no_campaigns": {
        "nl": "Geen campagne met minstens {min} klanten",
        "fr": "Aucune campagne d'au moins {min} clients",
        "en": "No campaign with at least {min} customers",
    },
    "clv_cohorts": {
        "nl": "Cumulatieve omzet per klant, per acquisitiemaand",
        "fr": "Chiffre d'affaires cumulé par client, par mois d'acquisition",
        "en": "Cumulative revenue per customer, by acquisition month",
    },
    "clv_cohorts_desc": {
        "nl": "Eén lijn per maand van de eerste bestelling; alleen afgelopen maanden.",
        "fr": "Une ligne par mois de première commande\u202f; mois terminés uniquement.",
        "en": "One line per month of first order; finished months only.",
    },
    "clv_months_since": {
        "nl": "Maanden sinds de eerste bestelling",
        "fr": "Mois depuis la première commande",
        "en": "Months since the first order",
    },
    "clv_cohort_hover": {
        "nl": "{cohort} · maand {month}: {value} per klant",
        "fr": "{cohort} · mois {month}\u202f: {value} par client",
        "en": "{cohort} · month {month}: {value} per customer",
    },
    "clv_no_cohorts": {
        "nl": "Nog geen afgelopen maand",
        "fr": "Pas encore de mois terminé",
        "en": "No finished month yet",
    },
    "clv_model": {"nl": "Het model per segment", "fr": "Le modèle par segment",
                  "en": "The model by segment"},
    "clv_fitted": {
        "nl": "Model berekend op {day} op basis van {count} klanten; het wordt elke week "
              "herberekend en krijgt elke nacht alle klanten opnieuw een score.",
        "fr": "Modèle ajusté le {day} sur {count} clients\u202f; il est réajusté chaque "
              "semaine, et chaque nuit il sert à réévaluer tous les clients.",
        "en": "Model fitted on {day} on {count} customers; it is fitted again every week and "
              "every customer is scored with it each night.",
    },
    "clv_col_segment": {"nl": "Segment", "fr": "Segment", "en": "Segment"},
    "clv_col_repeaters": {"nl": "Herhaalkopers", "fr": "Clients ayant racheté",
                          "en": "Repeat buyers"},
    "clv_col_order_value": {"nl": "Gem. bestelwaarde", "fr": "Panier moyen",
                            "en": "Mean order value"},
    "clv_col_spend_model": {"nl": "Bestedingsmodel", "fr": "Modèle de dépense",
                            "en": "Spend model"},
    "clv_segment_standard": {"nl": "Standaard", "fr": "Standard", "en": "Standard"},
    "clv_segment_high_value": {
        "nl": "Grote eerste bestelling",
        "fr": "Première commande importante",
        "en": "Large first order",
    },
    "clv_segment_all": {"nl": "Alle klanten", "fr": "Tous les clients", "en": "All customers"},
    "clv_spend_gamma_gamma": {"nl": "Gamma-Gamma", "fr": "Gamma-Gamma", "en": "Gamma-Gamma"},
    "clv_spend_own_mean_order_value": {
        "nl": "Eigen gemiddelde bestelwaarde van de klant",
        "fr": "Panier moyen du client",
        "en": "Own mean order value",
    },
    "clv_spend_none": {"nl": "Geen (alleen omzet tot nu)", "fr": "Aucun (CA à ce jour uniquement)",
                       "en": "None (revenue to date)"},
    "clv_col_model": {"nl": "Aankoopmodel", "fr": "Modèle d'achat", "en": "Buying model"},
    "clv_col_dropout": {"nl": "Uitvalkans", "fr": "Risque de décrochage", "en": "Dropout chance"},
    "clv_status_fitted": {"nl": "BG/NBD", "fr": "BG/NBD", "en": "BG/NBD"},
    "clv_status_constant_dropout": {
        "nl": "BG/NBD, één uitvalkans",
        "fr": "BG/NBD, un seul risque de décrochage",
        "en": "BG/NBD, one dropout chance",
    },
    "clv_status_no_repeat_buyers": {
        "nl": "Geen (nog geen herhaalaankopen)",
        "fr": "Aucun (pas encore de rachat)",
        "en": "None (no repeat purchases yet)",
    },
    "clv_status_not_fitted": {
        "nl": "Geen (niet te schatten)",
        "fr": "Aucun (non estimable)",
        "en": "None (could not be fitted)",
    },
    "clv_note_constant_dropout": {
        "nl": "{segment}: in de cijfers zien we (nog) geen verschil tussen klanten in hoe snel "
        "ze afhaken. We rekenen daarom met één uitvalkans voor iedereen: {dropout} na elke "
        "aankoop. Zo volgt de berekening elke nacht dezelfde regel.",
        "fr": "{segment}\u202f: les chiffres ne montrent pas (encore) de différence entre "
        "clients dans la vitesse à laquelle ils décrochent. Nous appliquons donc à tous le même "
        "risque de décrochage\u202f: {dropout} après chaque achat. Ainsi, le calcul suit "
        "chaque nuit la même règle.",
        "en": "{segment}: the figures don't (yet) show customers differing in how quickly they "
        "drop off, so everyone gets the same dropout chance: {dropout} after each purchase. "
        "That way the calculation follows the same rule every night.",
    },
    "clv_note_no_dropout": {
        "nl": "{segment}: tot nu toe lijkt geen enkele klant afgehaakt. We gaan ervan uit dat "
        "iedereen in zijn eigen ritme blijft kopen; zolang de geschiedenis kort is, kan de "
        "toekomstige waarde daardoor wat hoog uitvallen.",
        "fr": "{segment}\u202f: jusqu'ici, aucun client ne semble avoir décroché. Nous partons "
        "du principe que chacun continue d'acheter à son rythme\u202f; tant que l'historique "
        "est court, la valeur future peut donc être un peu optimiste.",
        "en": "{segment}: so far no customer seems to have dropped off, so we assume everyone "
        "keeps buying at their own pace. While the history is short, future value may come out "
        "a little high.",
    },
    "clv_note_no_repeat_buyers": {
        "nl": "{segment}: nog niemand bestelde een tweede keer, dus een koopritme valt nog niet "
        "te schatten. Deze klanten tellen voorlopig mee met hun omzet tot nu, zonder "
        "toekomstige waarde.",
        "fr": "{segment}\u202f: personne n'a encore commandé une deuxième fois, impossible donc "
        "d'estimer un rythme d'achat. Pour l'instant, ces clients comptent pour leur chiffre "
        "d'affaires à ce jour, sans valeur future.",
        "en": "{segment}: nobody has ordered a second time yet, so there is no buying rhythm to "
        "estimate. For now these customers count with their revenue to date, without future "
        "value.",
    },
    "clv_note_not_fitted": {
        "nl": "{segment}: het aankoopmodel kon niet geschat worden (te weinig klanten, of "
        "aankopen die te sterk op elkaar lijken). Deze klanten tellen mee met hun omzet tot nu, "
        "zonder toekomstige waarde.",
        "fr": "{segment}\u202f: le modèle d'achat n'a pas pu être estimé (trop peu de clients, "
        "ou des achats trop semblables). Ces clients comptent pour leur chiffre d'affaires à ce "
        "jour, sans valeur future.",
        "en": "{segment}: the buying model could not be fitted (too few customers, or purchases "
        "too much alike). These customers count with their revenue to date, without future "
        "value.",
    },
    "clv_note_own_mean_order_value": {
        "nl": "{segment}: het bestedingsmodel (Gamma-Gamma) kon niet geschat worden. Toekomstige "
        "aankopen rekenen we aan de eigen gemiddelde bestelwaarde van elke klant.",
        "fr": "{segment}\u202f: le modèle de dépense (Gamma-Gamma) n'a pas pu être estimé. Les "
        "achats futurs sont valorisés au panier moyen propre à chaque client.",
        "en": "{segment}: the spend model (Gamma-Gamma) could not be fitted. Future purchases "
        "are valued at each customer's own average order value.",
    },
    "clv_note_detail": {"nl": "Technisch: {message}", "fr": "Détail technique\u202f: {message}",
                        "en": "Technical detail: {message}"},
    "clv_without": {
        "nl": "Klanten zonder CLV: {count}.",
        "fr": "Clients sans CLV\u202f: {count}.",
        "en": "Customers without CLV: {count}.",
    },
    "clv_without_note": {
        "nl": "Ze tellen niet mee in de CLV-totalen per kanaal en campagne; hun "
        "acquisitiekosten wel.",
        "fr": "Ils sont exclus des totaux de CLV par canal et par campagne\u202f; leurs coûts "
        "d'acquisition, eux, y restent.",
        "en": "They are left out of the CLV totals by channel and campaign; their acquisition "
        "cost is not.",
    },
    "clv_reason_invalid_history": {
        "nl": "aankoopgeschiedenis onbruikbaar (bv. laatste aankoop na het einde van de "
        "periode): {count}",
        "fr": "historique d'achat inutilisable (p.\u00a0ex. dernier achat après la fin de la "
        "période)\u202f: {count}",
        "en": "purchase history unusable (e.g. a last purchase after the end of the period): "
        "{count}",
    },
    "clv_reason_not_computable": {
        "nl": "het model gaf geen bruikbaar cijfer: {count}",
        "fr": "le modèle n'a pas donné de chiffre exploitable\u202f: {count}",
        "en": "the model gave no usable figure: {count}",
    },
    "clv_revenue_only": {
        "nl": "Alleen omzet tot nu (geen aankoopmodel voor hun segment): {count}.",
        "fr": "Uniquement le chiffre d'affaires à ce jour (pas de modèle d'achat pour leur "
        "segment)\u202f: {count}.",
        "en": "Revenue to date only (no buying model for their segment): {count}.",
    },
    "clv_no_model": {
        "nl": "Geen modelparameters beschikbaar.",
        "fr": "Aucun paramètre de modèle disponible.",
        "en": "No model parameters available.",
    },
    "clv_method_title": {
        "nl": "Hoe de CLV berekend wordt",
        "fr": "Comment la CLV est calculée",
        "en": "How CLV is computed",
    },
    "clv_method": {
        "nl": "De aankoopgeschiedenis van elke klant wordt in weken geteld: het aantal weken "
        "met een "
        "herhaalaankoop, de week van de laatste aankoop en hoe lang de klant al klant is. "
        "Per segment schat BG/NBD hoe vaak klanten kopen en hoe groot de kans is dat ze nog "
        "actief zijn (P(alive)); tonen de cijfers geen verschil tussen klanten in hoe snel ze "
        "afhaken, dan geldt één uitvalkans voor iedereen (elke nacht volgens dezelfde regel). "
        "Gamma-Gamma schat hoeveel ze per aankoop besteden. CLV = "
        "omzet tot nu × brutomarge ({margin}) + de verwachte waarde van de aankopen in de "
        "komende {weeks} weken (ongeveer {months} maanden), verdisconteerd tegen {discount} "
        "per jaar. CAC = mediakosten van het kanaal of de campagne sinds {since} ÷ de klanten "
        "die ze verwierven; CLV:CAC = totale CLV ÷ totale kosten. Klanten verschijnen alleen "
        "in totalen.",
        "fr": "Pour chaque client, l'historique d'achat est compté en semaines\u202f: le "
        "nombre de semaines avec un nouvel achat, la semaine du dernier achat et l'ancienneté "
        "du client. Par segment, BG/NBD estime la fréquence d'achat et la probabilité que le "
        "client soit encore actif (P(alive))\u202f; si les chiffres ne montrent pas de "
        "différence entre clients dans la vitesse à laquelle ils décrochent, un seul risque "
        "de décrochage "
        "s'applique à tous (chaque nuit selon la même règle). Gamma-Gamma estime le montant "
        "dépensé par achat. CLV = chiffre d'affaires à ce jour × marge brute ({margin}) + la "
        "valeur attendue des achats des {weeks} prochaines semaines (environ {months} mois), "
        "actualisée à {discount} par an. CAC = coûts média du canal ou de la campagne depuis "
        "le {since} ÷ les clients acquis\u202f; CLV:CAC = CLV totale ÷ coût total. Les clients "
        "n'apparaissent qu'en agrégat.",
        "en": "Each customer's purchase history is counted in weeks: the number of weeks with "
        "a repeat purchase, the week of the last purchase and how long they have been a "
        "customer. Per segment, BG/NBD estimates how often customers buy and the chance they "
        "are still active (P(alive)); when the figures show no difference between customers in how "
        "quickly they drop off, one dropout chance applies to all (by the same rule every "
        "night). Gamma-Gamma estimates how much they spend per purchase. "
        "CLV = revenue to date × gross margin ({margin}) + the expected value of their "
        "purchases over the next {weeks} weeks (about {months} months), discounted at "
        "{discount} a year. CAC = the channel's or campaign's media cost since {since} ÷ the "
        "customers it acquired; CLV:CAC = total CLV ÷ total cost. Customers appear only in "
        "aggregate.",
    },
}
