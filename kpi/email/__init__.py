"""E-mail campaign KPIs: engagement rates per send, month and language, and what GA4 saw of
each send (utm_medium=email joined on the send's utm_campaign). Pure pandas on small tables."""
