"""Sources of raw streams: the offline demo now; GA4 and Google Ads connectors next."""
