"""Mailchimp (Marketing API 3.0, through the official ``mailchimp-marketing`` client) as the
e-mail source."""
