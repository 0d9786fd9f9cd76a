"""The HubSpot private app's access token: see :mod:`pipelines.sources.access_token`.

>>> load_token("HUBSPOT_TEST_TOKEN_UNSET", None)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pipelines.sources.retry.SourceError: HubSpot: no access token. Create a private app ...
"""

from __future__ import annotations

from pathlib import Path

from pipelines.sources.access_token import AccessToken, load_access_token

SCOPES = ("crm.objects.contacts.read", "crm.objects.deals.read")
HOW = ("Create a private app in HubSpot (Settings > Integrations > Private Apps) with the "
       f"scopes {' and '.join(SCOPES)}, copy its access token")

__all__ = ["HOW", "SCOPES", "AccessToken", "load_token"]


def load_token(env: str, file: Path | None) -> AccessToken:
    """The token from ``file`` when it is set, else from the variable ``env``."""
    return load_access_token(env, file, section="sources.crm", platform="HubSpot", how=HOW)
