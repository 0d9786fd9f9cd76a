"""Start the BigQuery emulator (``bqemulator start``) offline, with its known gaps closed.

Runs with the emulator's own interpreter (``.tools/bqemulator/bin/python``), never the
project's, and takes the options of ``bqemulator start``::

    .tools/bqemulator/bin/python tests/fakes/bqemulator/serve.py --rest-port 9050

bqemulator 1.4.0 differs from BigQuery where the pipeline would notice; each difference is
patched here, in the emulator, so the pipeline runs as it would on BigQuery itself:

1. At start-up it installs DuckDB's ``spatial`` extension (and tries ``avro``) from
   extensions.duckdb.org and refuses to start without it. Neither is reachable offline and the
   pipeline uses neither GEOGRAPHY nor Avro: both are skipped, and DuckDB's automatic extension
   downloads are switched off, so nothing reaches out.
2. A load job's data part, which google-cloud-bigquery sends as ``*/*`` (BigQuery accepts it),
   is refused with "unsupported Content-Type": every load from Python would fail.
3. A failing query sent through ``jobs.query`` (what ``Client.query_and_wait`` uses) comes back
   as HTTP 200 with an empty result and the error in a field the client ignores: a failed
   ``CREATE TABLE ... AS`` looked like a success. BigQuery answers with an HTTP error, as here.
4. ``LPAD``/``RPAD`` with an INT64 length (BigQuery's only integer type) fail: DuckDB's
   functions take a 32-bit length. The length is cast in the translated SQL.
5. ``jobs.query`` ignores the request's ``defaultDataset`` (``jobs.insert`` honours it), so an
   unqualified table name is not found. The query is qualified before the route sees it, with
   the emulator's own rewriter for ``jobs.insert``.
"""

from __future__ import annotations

import json
import os
import sys

from sqlglot import exp


def main() -> None:
    os.environ["BQEMU_ENABLE_FORMAT_EXTENSIONS"] = "false"  # 1: no avro extension download

    from bqemulator.sql.rules import TranslationRule, register

    @register
    class PadLengthRule(TranslationRule):  # 4
        name = "PAD_LENGTH_INTEGER"

        def applies_to(self, node: exp.Expression) -> bool:
            length = node.args.get("expression") if isinstance(node, exp.Pad) else None
            return length is not None and not (isinstance(length, exp.Cast)
                                               and length.to.is_type("int"))

        def rewrite(self, node: exp.Expression) -> exp.Expression:
            padded = node.copy()
            padded.set("expression", exp.cast(padded.args["expression"], "INT"))
            return padded

    # Imported after the rule is registered: their translators take the rules when created.
    from bqemulator import server
    from bqemulator.api.routes import jobs, upload
    from bqemulator.cli import main as cli
    from bqemulator.storage.engine import DuckDBEngine

    def no_spatial(engine: DuckDBEngine) -> None:  # 1
        engine.connection.execute("SET autoinstall_known_extensions = false")

    DuckDBEngine._load_spatial = no_spatial
    upload._PERMITTED_MEDIA_CONTENT_TYPES = (*upload._PERMITTED_MEDIA_CONTENT_TYPES, "*/*")  # 2
    jobs._SQL_EXECUTION_DOMAIN_ERRORS = ()  # 3: the errors reach the HTTP error handlers
    create_app = server.create_app
    server.create_app = lambda *args, **kwargs: _with_default_dataset(  # 5
        create_app(*args, **kwargs), jobs._apply_default_dataset)
    sys.argv = ["bqemulator", "start", *sys.argv[1:]]
    cli()


def _with_default_dataset(app, qualify):
    """The ASGI ``app``, with the SQL of each jobs.query request (``POST …/projects/P/queries``)
    qualified by the request's ``defaultDataset``."""

    async def wrapped(scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "POST" or not path.endswith("/queries"):
            return await app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            request = json.loads(body)
        except ValueError:
            request = None
        if isinstance(request, dict) and isinstance(request.get("defaultDataset"), dict):
            project = path.rstrip("/").split("/")[-2]
            request["query"] = qualify(request.get("query", ""), request,
                                       request_project_id=project)
            body = json.dumps(request).encode()
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await app(scope, replay, send)

    return wrapped


if __name__ == "__main__":
    main()
