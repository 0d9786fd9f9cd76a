"""The lead-to-revenue model: CRM contacts matched to campaigns, facts by lead date, cohorts."""
