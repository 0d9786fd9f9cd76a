"""The Meta access token (a system user's): see :mod:`pipelines.sources.access_token`.

>>> load_token("META_TEST_TOKEN_UNSET", None)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pipelines.sources.retry.SourceError: Meta Ads: no access token. Create a system user ...
"""

from __future__ import annotations

from pathlib import Path

from pipelines.sources.access_token import AccessToken, load_access_token

HOW = ("Create a system user in Meta Business Settings (Users > System users), give it the ad "
       "accounts with at least 'View performance', generate a token with the ads_read "
       "permission")

__all__ = ["HOW", "AccessToken", "load_token"]


def load_token(env: str, file: Path | None) -> AccessToken:
    """The token from ``file`` when it is set, else from the variable ``env``."""
    return load_access_token(env, file, section="sources.meta_ads", platform="Meta Ads",
                             how=HOW)
