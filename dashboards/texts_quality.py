"""The nl / fr / en texts of the data-quality page (dashboards/quality.py).

Shared texts live in dashboards/i18n.py.
"""

TEXTS: dict[str, dict[str, str]] = {
    "q_title": {"nl": "Datakwaliteit", "fr": "Qualité des données", "en": "Data quality"},
    "q_account": {"nl": "Account: {account}", "fr": "Compte\u00a0: {account}",
                  "en": "Account: {account}"},
    "q_as_of": {"nl": "Situatie op {day}", "fr": "Situation au {day}", "en": "Situation on {day}"},
    "q_times": {"nl": "Tijden in {zone}", "fr": "Heures en {zone}", "en": "Times in {zone}"},
    "q_last_success": {
        "nl": "Laatste geslaagde run: {when}",
        "fr": "Dernière exécution réussie\u00a0: {when}",
        "en": "Last successful run: {when}",
    },
    "q_this_run": {
        "nl": "Bijgewerkt door de run gestart op {when}",
        "fr": "Mis à jour par l'exécution lancée le {when}",
        "en": "Updated by the run started {when}",
    },
    "q_previous_success": {
        "nl": "Vorige geslaagde run: {when}",
        "fr": "Exécution réussie précédente\u00a0: {when}",
        "en": "Previous successful run: {when}",
    },
    "q_last_failure": {
        "nl": "Laatste run mislukt: {when}. De pagina's tonen de gegevens van de laatste "
        "geslaagde run.",
        "fr": "Dernière exécution en échec\u00a0: {when}. Les pages montrent les données de la "
        "dernière exécution réussie.",
        "en": "Last run failed: {when}. The pages show the data of the last successful run.",
    },
    "q_no_success": {
        "nl": "Nog geen geslaagde run",
        "fr": "Aucune exécution réussie",
        "en": "No successful run yet",
    },
    "q_no_runs": {
        "nl": "Nog geen run geregistreerd",
        "fr": "Aucune exécution enregistrée",
        "en": "No run recorded yet",
    },
    "q_sources": {"nl": "Bronnen", "fr": "Sources", "en": "Sources"},
    "q_last_pulled": {"nl": "Laatst opgehaald", "fr": "Dernière extraction", "en": "Last pulled"},
    "q_last_day": {
        "nl": "Laatste dag met gegevens",
        "fr": "Dernier jour de données",
        "en": "Last day of data",
    },
    "q_up_to_date": {"nl": "Bijgewerkt", "fr": "À jour", "en": "Up to date"},
    "q_behind": {"nl": "{days} achter", "fr": "{days} de retard", "en": "{days} behind"},
    "q_day_one": {"nl": "1 dag", "fr": "1 jour", "en": "1 day"},
    "q_day_many": {"nl": "{days} dagen", "fr": "{days} jours", "en": "{days} days"},
    "q_provisional_from": {
        "nl": "Voorlopig vanaf",
        "fr": "Provisoire depuis le",
        "en": "Provisional from",
    },
    "q_provisional_detail": {
        "nl": "{days} binnen het herzieningsvenster: de cijfers kunnen nog wijzigen.",
        "fr": "{days} dans la fenêtre de révision\u00a0: les chiffres peuvent encore changer.",
        "en": "{days} inside the restatement window: numbers may still change.",
    },
    "q_no_window": {
        "nl": "Geen voorlopige dagen",
        "fr": "Aucun jour provisoire",
        "en": "No provisional days",
    },
    "q_accounts": {"nl": "Accounts", "fr": "Comptes", "en": "Accounts"},
    "q_retries": {
        "nl": "Nieuwe pogingen bij de laatste extractie: {count}",
        "fr": "Nouvelles tentatives lors de la dernière extraction\u00a0: {count}",
        "en": "Retries in the last pull: {count}",
    },
    "q_flagged_days": {
        "nl": "{days} met een kwaliteitsvlag",
        "fr": "{days} avec un signalement de qualité",
        "en": "{days} with a quality flag",
    },
    "q_no_data": {"nl": "Nog geen gegevens", "fr": "Pas encore de données", "en": "No data yet"},
    "q_no_data_source": {
        "nl": "Er is nog niets uit deze bron opgehaald; de volgende nachtelijke run vult dit aan.",
        "fr": "Rien n'a encore été extrait de cette source\u202f; la prochaine exécution "
        "nocturne le fera.",
        "en": "Nothing has been pulled from this source yet; the next nightly run fills it in.",
    },
    "q_no_extracts": {
        "nl": "Er is nog niets opgehaald. Start de pipeline (zie README) en open deze pagina "
        "opnieuw.",
        "fr": "Rien n'a encore été extrait. Lancez le pipeline (voir le README) puis rouvrez "
        "cette page.",
        "en": "Nothing has been pulled yet. Run the pipeline (see the README) and open this "
        "page again.",
    },
    "q_calendar": {
        "nl": "Laatste {days} dagen per stroom",
        "fr": "{days} derniers jours par flux",
        "en": "Last {days} days per stream",
    },
    "q_calendar_desc": {
        "nl": "Eén vakje per dag; beweeg erover voor rijen, tijdstip en vlaggen.",
        "fr": "Une case par jour\u202f; survolez-la pour les lignes, l'heure et les "
        "signalements.",
        "en": "One cell per day; hover for rows, time pulled and flags.",
    },
    "q_status_missing": {"nl": "Niet opgehaald", "fr": "Non extrait", "en": "Not pulled"},
    "q_status_empty": {
        "nl": "Opgehaald, geen rijen",
        "fr": "Extrait, aucune ligne",
        "en": "Pulled, no rows",
    },
    "q_status_final": {
        "nl": "Opgehaald, definitief",
        "fr": "Extrait, définitif",
        "en": "Pulled, final",
    },
    "q_status_provisional": {
        "nl": "Opgehaald, voorlopig",
        "fr": "Extrait, provisoire",
        "en": "Pulled, provisional",
    },
    "q_status_flagged": {
        "nl": "Kwaliteitsvlag (drempels, steekproef of '(other)')",
        "fr": "Signalement (seuils, échantillonnage ou «\u202f(other)\u202f»)",
        "en": "Quality flag (thresholding, sampling or '(other)')",
    },
    "q_hover_rows": {
        "nl": "{rows} rijen, opgehaald {when}",
        "fr": "{rows} lignes, extraites le {when}",
        "en": "{rows} rows, pulled {when}",
    },
    "q_flags": {
        "nl": "GA4-kwaliteitsvlaggen",
        "fr": "Signalements de qualité GA4",
        "en": "GA4 quality flags",
    },
    "q_flag_subject_to_thresholding": {
        "nl": "Drempels (thresholding)",
        "fr": "Seuils (thresholding)",
        "en": "Thresholding",
    },
    "q_flag_sampled": {
        "nl": "Steekproef (sampling)",
        "fr": "Échantillonnage",
        "en": "Sampling",
    },
    "q_flag_data_loss_from_other_row": {
        "nl": "Rij '(other)'",
        "fr": "Ligne «\u202f(other)\u202f»",
        "en": "'(other)' row",
    },
    "q_flag_desc_subject_to_thresholding": {
        "nl": "GA4 liet rijen met kleine aantallen weg om gebruikers te beschermen "
        "(Google-signalen, demografie); totalen kunnen te laag zijn.",
        "fr": "GA4 a retiré des lignes à faibles effectifs pour protéger les utilisateurs "
        "(signaux Google, données démographiques)\u202f; les totaux peuvent être sous-estimés.",
        "en": "GA4 withheld rows with small counts to protect users (Google signals, "
        "demographics); totals may be too low.",
    },
    "q_flag_desc_sampled": {
        "nl": "GA4 berekende het rapport op een steekproef van de gebeurtenissen; de cijfers "
        "zijn schattingen.",
        "fr": "GA4 a calculé le rapport sur un échantillon d'événements\u202f; les chiffres "
        "sont des estimations.",
        "en": "GA4 computed the report from a sample of events; the numbers are estimates.",
    },
    "q_flag_desc_data_loss_from_other_row": {
        "nl": "Te veel unieke waarden: GA4 bundelde een deel in '(other)'; uitsplitsingen per "
        "bron of campagne zijn onvolledig.",
        "fr": "Trop de valeurs distinctes\u00a0: GA4 en a regroupé une partie dans "
        "«\u202f(other)\u202f»\u202f; les ventilations par source ou campagne sont "
        "incomplètes.",
        "en": "Too many distinct values: GA4 grouped some into '(other)'; breakdowns by "
        "source or campaign are incomplete.",
    },
    "q_col_flag": {"nl": "Vlag", "fr": "Signalement", "en": "Flag"},
    "q_col_meaning": {"nl": "Betekenis", "fr": "Signification", "en": "What it means"},
    "q_col_streams": {"nl": "Stromen", "fr": "Flux", "en": "Streams"},
    "q_col_days": {"nl": "Dagen", "fr": "Jours", "en": "Days"},
    "q_col_dates": {"nl": "Datums", "fr": "Dates", "en": "Dates"},
    "q_more_ranges": {"nl": "en nog {count}", "fr": "et {count} de plus", "en": "and {count} more"},
    "q_no_flags": {
        "nl": "Geen drempels, steekproeven of '(other)'-rijen gemeld.",
        "fr": "Aucun seuil, échantillonnage ni ligne «\u202f(other)\u202f» signalé.",
        "en": "No thresholding, sampling or '(other)' rows reported.",
    },
    "q_no_ga4": {"nl": "Geen GA4-gegevens", "fr": "Pas de données GA4", "en": "No GA4 data"},
    "q_checks": {"nl": "Assetcontroles", "fr": "Contrôles des assets", "en": "Asset checks"},
    "q_state_passed": {"nl": "Geslaagd", "fr": "Réussi", "en": "Passed"},
    "q_state_warning": {"nl": "Waarschuwing", "fr": "Avertissement", "en": "Warning"},
    "q_state_failed": {"nl": "Mislukt", "fr": "Échec", "en": "Failed"},
    "q_state_skipped": {"nl": "Niet uitgevoerd", "fr": "Non exécuté", "en": "Not run"},
    "q_count": {"nl": "{label}: {count}", "fr": "{label}\u00a0: {count}", "en": "{label}: {count}"},
    "q_col_status": {"nl": "Status", "fr": "Statut", "en": "Status"},
    "q_col_check": {"nl": "Controle", "fr": "Contrôle", "en": "Check"},
    "q_col_asset": {"nl": "Asset", "fr": "Asset", "en": "Asset"},
    "q_col_description": {"nl": "Beschrijving", "fr": "Description", "en": "Description"},
    "q_no_checks": {
        "nl": "Nog geen controleresultaten",
        "fr": "Pas encore de résultats de contrôle",
        "en": "No check results yet",
    },
    "q_no_checks_hint": {
        "nl": "Ze verschijnen na de eerste nachtelijke run.",
        "fr": "Ils apparaissent après la première exécution nocturne.",
        "en": "They appear after the first nightly run.",
    },
    # What the last run could not compute (rows left null with a reason) and its warnings.
    "q_skipped": {
        "nl": "Niet berekend bij de laatste run",
        "fr": "Non calculé lors de la dernière exécution",
        "en": "Not computed in the last run",
    },
    "q_skipped_none": {
        "nl": "Alle waarden zijn berekend.",
        "fr": "Toutes les valeurs ont été calculées.",
        "en": "Every value was computed.",
    },
    "q_skipped_hint": {
        "nl": "Deze waarden blijven leeg; de rest van de run en alle pagina's gaan gewoon door.",
        "fr": "Ces valeurs restent vides ; le reste de l'exécution et toutes les pages "
        "suivent leur cours.",
        "en": "These values are left empty; the rest of the run and every page went ahead.",
    },
    "q_col_what": {"nl": "Wat", "fr": "Quoi", "en": "What"},
    "q_col_why": {"nl": "Waarom", "fr": "Pourquoi", "en": "Why"},
    "q_unit_experiment_row": {
        "nl": "{count} testresultaten (variant × metriek)",
        "fr": "{count} résultats de test (variante × métrique)",
        "en": "{count} test results (arm × metric)",
    },
    "q_unit_customer": {"nl": "{count} klanten", "fr": "{count} clients",
                        "en": "{count} customers"},
    "q_unit_segment": {"nl": "{count} klantsegmenten", "fr": "{count} segments de clients",
                       "en": "{count} customer segments"},
    "q_why_empty_arm": {
        "nl": "een variant heeft nog geen bezoekers",
        "fr": "une variante n'a encore aucun visiteur",
        "en": "an arm has no visitors yet",
    },
    "q_why_too_small": {
        "nl": "een variant heeft maar één bezoeker",
        "fr": "une variante n'a qu'un seul visiteur",
        "en": "an arm has only one visitor",
    },
    "q_why_all_zero": {
        "nl": "nog geen conversies, in geen enkele variant",
        "fr": "encore aucune conversion, dans aucune variante",
        "en": "no conversions yet, in any arm",
    },
    "q_why_no_variance": {
        "nl": "alle bezoekers hebben dezelfde waarde: niets om te vergelijken",
        "fr": "tous les visiteurs ont la même valeur : rien à comparer",
        "en": "every visitor has the same value: nothing to compare",
    },
    "q_why_control_not_positive": {
        "nl": "het gemiddelde van de controlegroep is 0 of negatief: geen relatieve stijging, "
        "beslist op het absolute verschil",
        "fr": "la moyenne du groupe témoin est nulle ou négative : pas d'écart relatif, "
        "décision sur l'écart absolu",
        "en": "the control's mean is 0 or negative: no relative lift, decided on the absolute "
        "difference",
    },
    "q_why_zero_treatment": {
        "nl": "de variant heeft nog geen conversies, de controlegroep wel: geen relatieve "
        "stijging, beslist op de aantallen",
        "fr": "la variante n'a encore aucune conversion, le groupe témoin bien : pas "
        "d'écart relatif, décision sur les effectifs",
        "en": "the variant has no conversions yet while control has some: no relative lift, "
        "decided on the counts",
    },
    "q_why_not_finite": {
        "nl": "ontbrekende of ongeldige statistieken",
        "fr": "statistiques manquantes ou invalides",
        "en": "missing or invalid statistics",
    },
    "q_warnings": {
        "nl": "Waarschuwingen uit de berekeningen",
        "fr": "Avertissements des calculs",
        "en": "Warnings from the calculations",
    },
    "q_warnings_none": {
        "nl": "Geen waarschuwingen bij deze run.",
        "fr": "Aucun avertissement lors de cette exécution.",
        "en": "No warnings in this run.",
    },
    "q_warnings_hint": {
        "nl": "Numerieke waarschuwingen (overloop, een fit die vroegtijdig stopte) staan in het "
        "logboek van de run: make dev, dan Runs.",
        "fr": "Les avertissements numériques (dépassement, ajustement interrompu) sont gardés "
        "dans le journal de l'exécution : make dev, puis Runs.",
        "en": "Numerical warnings (an overflow, a fit that stopped early) are kept in the run's "
        "log: make dev, then Runs.",
    },
    "q_col_step": {"nl": "Stap", "fr": "Étape", "en": "Step"},
    "q_col_warning": {"nl": "Waarschuwing", "fr": "Avertissement", "en": "Warning"},
    "q_col_times": {"nl": "Aantal", "fr": "Nombre", "en": "Times"},
    "q_why_no_purchase_model": {
        "nl": "geen koopmodel voor hun segment: ze tellen mee aan hun omzet tot nu toe",
        "fr": "pas de modèle d'achat pour leur segment\u00a0: ils comptent pour leur chiffre "
        "d'affaires à ce jour",
        "en": "no purchase model for their segment: counted at their revenue to date",
    },
    "q_why_invalid_history": {
        "nl": "hun aankoopgeschiedenis klopt niet (datums of aantallen)",
        "fr": "leur historique d'achat n'est pas cohérent (dates ou nombres)",
        "en": "their purchase history does not add up (dates or counts)",
    },
    "q_why_not_computable": {
        "nl": "het model gaf geen bruikbare waarde: leeg gelaten",
        "fr": "le modèle n'a pas donné de valeur exploitable\u00a0: laissé vide",
        "en": "the model gave no usable value: left empty",
    },
    "q_why_no_repeat_buyers": {
        "nl": "nog niemand kocht twee keer: geen koopmodel, de CLV is de omzet tot nu toe",
        "fr": "personne n'a encore acheté deux fois\u00a0: pas de modèle d'achat, la CLV est "
        "le chiffre d'affaires à ce jour",
        "en": "nobody bought twice yet: no purchase model, the CLV is the revenue to date",
    },
    "q_why_not_fitted": {
        "nl": "het koopmodel kon niet geschat worden: de CLV is de omzet tot nu toe",
        "fr": "le modèle d'achat n'a pas pu être estimé\u00a0: la CLV est le chiffre "
        "d'affaires à ce jour",
        "en": "the purchase model could not be fitted: the CLV is the revenue to date",
    },
    "q_why_own_mean_order_value": {
        "nl": "het bestedingsmodel kon niet geschat worden: toekomstige aankopen tellen aan het "
        "eigen gemiddelde orderbedrag van elke klant",
        "fr": "le modèle de dépense n'a pas pu être estimé\u00a0: les achats futurs sont "
        "valorisés au panier moyen de chaque client",
        "en": "the spend model could not be fitted: future purchases are valued at each "
        "customer's own average order",
    },
}
