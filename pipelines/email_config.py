"""The ``sources.email`` section of the configuration: which e-mail tool to read (Mailchimp for
now), where its API key is, and how far back each run re-reads (a send's report keeps changing
for weeks after it goes out).

>>> section = EmailSource(kind="mailchimp")
>>> section.api_key_env, section.reread_days, section.page_size
('MAILCHIMP_API_KEY', 30, 100)

The API key is never part of the configuration: only the name of the environment variable that
holds it (its ``-us19`` suffix names the data centre). A plain-http host must be local:

>>> EmailSource(kind="mailchimp", host="http://mailchimp.example.com/3.0")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for EmailSource
...plain http is only allowed for a local test server...
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
Language = Literal["nl", "fr", "en"]


class EmailSource(BaseModel):
    """The e-mail tool: none, the demo's newsletters, or a Mailchimp account."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["none", "demo", "mailchimp"] = "none"
    # The API key (Account > Extras > API keys), in this environment variable; never written
    # in this configuration.
    api_key_env: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = (
        "MAILCHIMP_API_KEY")
    # Default https://<dc>.api.mailchimp.com/3.0 (dc from the key); a local test server.
    host: str | None = None
    reread_days: int = Field(30, ge=1, le=365)  # sends of the last days re-read each run
    page_size: int = Field(100, ge=1, le=1000)  # Mailchimp's count: at most 1000
    # Audience (list) ID -> language of its sends; an audience not listed takes the language
    # of its campaign defaults, else null.
    languages: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9]+$")], Language] = {}

    @model_validator(mode="after")
    def _host(self) -> EmailSource:
        if self.host is None:
            return self
        if not self.host.startswith(("http://", "https://")):
            raise ValueError("host: give a URL such as https://us19.api.mailchimp.com/3.0")
        name = self.host.split("://", 1)[1].split("/")[0].rsplit(":", 1)[0]
        if self.host.startswith("http://") and name not in LOCAL_HOSTS:
            raise ValueError("host: plain http is only allowed for a local test server")
        return self
