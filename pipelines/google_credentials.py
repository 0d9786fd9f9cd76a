"""Google credentials the way every Google part of the pipeline takes them: none (a local test
server), a service account's key file, or Application Default Credentials."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import google.auth
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError
from google.oauth2 import service_account


def load(*, anonymous: bool, credentials_file: Path | None, scopes: Sequence[str],
         setting: str, none_found: str, error: type[Exception]) -> Credentials:
    """The credentials; ``error`` naming ``setting`` (the key file's configuration field) when
    the key cannot be read, or saying ``none_found`` when there are none: never the key's
    content."""
    if anonymous:
        return AnonymousCredentials()
    if credentials_file is not None:
        try:
            return service_account.Credentials.from_service_account_file(
                str(credentials_file), scopes=list(scopes))
        except (OSError, ValueError) as exc:  # missing, unreadable, not a service-account key
            raise error(f"{setting}: cannot read a service-account key from {credentials_file} "
                        f"({type(exc).__name__})") from None
    try:
        found, _ = google.auth.default(scopes=list(scopes))
    except DefaultCredentialsError:
        raise error(none_found) from None
    return found
