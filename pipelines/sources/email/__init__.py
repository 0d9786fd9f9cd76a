"""E-mail campaigns (newsletters): one row per campaign send, from Mailchimp or the demo."""
