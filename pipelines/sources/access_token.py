"""An API access token (Meta's system user, HubSpot's private app): read from an environment
variable or a file, kept out of every message, log line and URL.

>>> token = AccessToken("EAAB-secret-123")
>>> token
AccessToken(***)
>>> token.redact("GET /act_1?access_token=EAAB-secret-123 failed")
'GET /act_1?access_token=*** failed'
>>> load_access_token("CKPI_TEST_TOKEN_UNSET", None, section="sources.x", platform="X",
...                   how="Make one")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pipelines.sources.retry.SourceError: X: no access token. Make one, and put it in ...
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.sources.retry import SourceError


class AccessToken:
    """A secret that prints as ``***``; ``value`` only where the request is made."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    @property
    def value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "AccessToken(***)"

    __str__ = __repr__

    def redact(self, text: str) -> str:
        """``text`` with the token (if it is there) replaced by ``***``."""
        return text.replace(self._value, "***") if self._value else text


def load_access_token(env: str, file: Path | None, *, section: str, platform: str,
                      how: str) -> AccessToken:
    """The token from ``file`` when it is set, else from the environment variable ``env``; a
    :class:`SourceError` naming the ``section``'s settings and ``how`` to get one when there is
    none (never the token)."""
    if file is not None:
        try:
            value = file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"{section}.access_token_file: cannot read {file} "
                              f"({type(exc).__name__})") from None
        if not value:
            raise SourceError(f"{section}.access_token_file: {file} is empty. {how} and "
                              "write it into that file.")
        return AccessToken(value.splitlines()[0].strip())
    value = os.environ.get(env, "").strip()
    if not value:
        raise SourceError(f"{platform}: no access token. {how}, and put it in the environment "
                          f"variable {env} ({section}.access_token_env) or in a file named by "
                          f"{section}.access_token_file.")
    return AccessToken(value)
