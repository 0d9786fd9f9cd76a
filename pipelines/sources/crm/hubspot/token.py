"""The HubSpot private app's access token: from an environment variable or a file, printed as
``***`` (:class:`~pipelines.sources.meta_ads.token.AccessToken`) and in no message.

>>> load_token("HUBSPOT_TEST_TOKEN_UNSET", None)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pipelines.sources.retry.SourceError: HubSpot: no access token. Create a private app ...
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.sources.meta_ads.token import AccessToken
from pipelines.sources.retry import SourceError

SCOPES = ("crm.objects.contacts.read", "crm.objects.deals.read")
HOW = ("Create a private app in HubSpot (Settings > Integrations > Private Apps) with the "
       f"scopes {' and '.join(SCOPES)}, copy its access token")

__all__ = ["HOW", "SCOPES", "AccessToken", "load_token"]


def load_token(env: str, file: Path | None) -> AccessToken:
    """The token from ``file`` when it is set, else from the variable ``env``; a
    :class:`SourceError` saying what to set when there is none."""
    if file is not None:
        try:
            value = file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"sources.crm.access_token_file: cannot read {file} "
                              f"({type(exc).__name__})") from None
        if not value:
            raise SourceError(f"sources.crm.access_token_file: {file} is empty. {HOW} and "
                              "write it into that file.")
        return AccessToken(value.splitlines()[0].strip())
    value = os.environ.get(env, "").strip()
    if not value:
        raise SourceError(f"HubSpot: no access token. {HOW}, and put it in the environment "
                          f"variable {env} (sources.crm.access_token_env) or in a file named "
                          "by sources.crm.access_token_file.")
    return AccessToken(value)
