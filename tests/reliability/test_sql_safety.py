"""User strings never become SQL: a static audit of every SQL statement the project builds as a
string, and a run whose names and configuration values are SQL injections.

**The audit** (the ``ast`` module, no grep) finds every call of ``.execute``, ``.executemany``,
``.sql``, ``.raw_sql`` and ``.query`` in the project's own code (pipelines/, kpi/, experiments/,
assets/, dashboards/) whose statement is built from pieces: an f-string, ``+``, ``%`` or
``.format``, directly or through local variables (followed through assignments, tuple
unpacking, ``str.join`` over a generator, and loops over ``dict.items()`` of a dict
comprehension). Every interpolated piece must be

- a call of the identifier validator ``_identifier`` (pipelines.warehouse.store: double-quotes
  a name after checking it is ``[a-z_][a-z0-9_]*``, else ValueError),
- SQL that Ibis compiled (``con.compile(expr)``: sqlglot renders literals quoted),
- a module constant (an UPPER_CASE name bound once to a string literal), a literal, or
- one of :data:`ALLOWED`, each with the reason it is safe.

Values travel as bound parameters (``execute(sql, [values])``); those are not audited.
Statements passed as a ready Ibis expression (``con.execute(table.filter(...))``) are not
strings and not audited either.

**The run** (:mod:`tests.reliability.hostile`) stores a campaign named
``x'); DROP TABLE kpi_rollup; -- …``, an ad group, channel, account, experiment and arm named
likewise, an RE2 channel rule and a lead conversion action holding SQL, and a campaign target
keyed by the hostile name: every table is still there, and every name is stored verbatim.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipelines.engine_config import SparkSettings
from pipelines.warehouse.store import _identifier, connect
from tests.reliability import hostile
from tests.reliability.hostile import HostileRun, hostile_run

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pipelines", "kpi", "experiments", "assets", "dashboards")
SQL_METHODS = {"execute", "executemany", "sql", "raw_sql", "query"}
VALIDATORS = {"_identifier"}
COMPILERS = {"compile"}
UNKNOWN = "<an element of something>"
# (file, source of the interpolated expression): why it is safe.
ALLOWED: dict[tuple[str, str], str] = {
    ("pipelines/warehouse/store.py", "_ddl_type(f.type)"):
        "maps an Arrow type to one of five fixed SQL type names (DATE, VARCHAR, BIGINT, DOUBLE, "
        "BOOLEAN, else TIMESTAMPTZ); no text from data or configuration",
    ("pipelines/warehouse/store.py", "' OR '.join(matches)"):
        "replace_matching: each match is a fixed EXISTS over a view it registers as _match_<i>, "
        "on columns quoted by _identifier; the keys' values stay in the registered Arrow table",
    ("pipelines/sources/crm/store.py", "_SQL_TYPES[k]"):
        "maps a column kind declared in CRM_STREAMS (code, not data) to a fixed SQL type name",
    ("pipelines/warehouse/engines.py", "settings.database"):
        "SparkSettings.database is validated against [a-z_][a-z0-9_]* when the configuration "
        "is read (pipelines/engine_config.py; test_the_spark_database_name_is_validated)",
}


@dataclass(frozen=True)
class Statement:
    """One SQL statement built from pieces: where, and the pieces that are not proven safe."""

    path: str
    line: int
    function: str
    call: str
    unsafe: tuple[str, ...]
    allowed: tuple[str, ...]


class _Function:
    """Assignments of one function (or the module body), for following local names."""

    def __init__(self, node: ast.AST, parent: _Function | None = None):
        self.node, self.parent = node, parent
        self.bindings: dict[str, list[ast.AST]] = {}
        self.params: set[str] = set()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            args = node.args
            self.params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs,
                                           *filter(None, [args.vararg, args.kwarg])]}
        for child in self._own_nodes(node):
            if isinstance(child, ast.Assign):
                for target in child.targets:
                    self._bind(target, child.value)
            elif isinstance(child, ast.AnnAssign | ast.AugAssign) and child.value is not None:
                self._bind(child.target, child.value if isinstance(child, ast.AnnAssign)
                           else ast.BinOp(child.target, child.op, child.value))
            elif isinstance(child, ast.For | ast.comprehension):
                self._bind(child.target, ast.Subscript(child.iter, ast.Constant("<each>")))
            elif isinstance(child, ast.withitem) and child.optional_vars is not None:
                self._bind(child.optional_vars, child.context_expr)
            elif isinstance(child, ast.NamedExpr):
                self._bind(child.target, child.value)

    @staticmethod
    def _own_nodes(node: ast.AST):
        """The nodes of ``node`` outside nested functions and classes."""
        stack = list(ast.iter_child_nodes(node))
        while stack:
            child = stack.pop()
            yield child
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                              | ast.Lambda):
                stack.extend(ast.iter_child_nodes(child))

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.bindings.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Tuple | ast.List):
            for i, element in enumerate(target.elts):
                if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
                    self._bind(element, value.elts[i])
                else:  # unpacking something else: element i of it
                    self._bind(element, ast.Subscript(value, ast.Constant(i)))


class Auditor:
    """The audit of one module's source (``path`` relative to the repository)."""

    def __init__(self, source: str, path: str):
        self.path = path
        self.tree = ast.parse(source)
        self.module = _Function(self.tree)
        self.constants = {name for name, values in self.module.bindings.items()
                          if name.isupper() and len(values) == 1
                          and isinstance(values[0], ast.Constant)
                          and isinstance(values[0].value, str)}
        self.used_allowed: set[tuple[str, str]] = set()

    def statements(self) -> list[Statement]:
        found = []
        scopes = [self.module] + [
            _Function(node, self.module) for node in ast.walk(self.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)]
        for scope in scopes:
            for node in _Function._own_nodes(scope.node):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in SQL_METHODS and node.args):
                    continue
                sql = node.args[0]
                if not self._built(sql, scope, set()):
                    continue
                unsafe, allowed = self._pieces(sql, scope, set())
                found.append(Statement(self.path, node.lineno,
                                       getattr(scope.node, "name", "<module>"),
                                       ast.unparse(node.func), tuple(unsafe), tuple(allowed)))
        return found

    # -- is this a string built from pieces? -----------------------------------------------

    def _built(self, node: ast.AST, scope: _Function, seen: set[str]) -> bool:
        if isinstance(node, ast.JoinedStr):
            return any(isinstance(v, ast.FormattedValue) for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("format", "join"):
            return True
        if isinstance(node, ast.Name) and node.id not in seen:
            return any(self._built(v, scope, seen | {node.id})
                       for v in self._values(node.id, scope))
        return False

    def _values(self, name: str, scope: _Function) -> list[ast.AST]:
        while scope is not None:
            if name in scope.bindings:
                return scope.bindings[name]
            if name in scope.params:
                return []
            scope = scope.parent
        return []

    # -- the pieces of a built string ------------------------------------------------------

    def _pieces(self, node: ast.AST, scope: _Function,
                seen: set[str]) -> tuple[list[str], list[str]]:
        """(unsafe, allowed-by-list) interpolated pieces of the SQL string ``node``."""
        unsafe: list[str] = []
        allowed: list[str] = []

        def value(expr: ast.AST) -> None:
            u, a = self._value(expr, scope, seen)
            unsafe.extend(u)
            allowed.extend(a)

        def text(expr: ast.AST) -> None:
            u, a = self._pieces(expr, scope, seen)
            unsafe.extend(u)
            allowed.extend(a)

        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            pass
        elif isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    value(part.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            text(node.left)
            text(node.right)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            text(node.left)
            for part in (node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]):
                value(part)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "format":
            text(node.func.value)
            for part in [*node.args, *(k.value for k in node.keywords)]:
                value(part)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "join" and len(node.args) == 1:
            text(node.func.value)
            items = node.args[0]
            if isinstance(items, ast.GeneratorExp | ast.ListComp | ast.SetComp):
                inner = _Function(items, scope)  # the comprehension's own names
                u, a = self._pieces(items.elt, inner, seen)
                unsafe.extend(u)
                allowed.extend(a)
            elif isinstance(items, ast.List | ast.Tuple):
                for element in items.elts:
                    text(element)
            else:
                unsafe.append(ast.unparse(items))
        elif isinstance(node, ast.Name) and node.id not in seen:
            values = self._values(node.id, scope)
            if not values:
                unsafe.append(node.id)  # a parameter or an unknown name
            for bound in values:
                u, a = self._pieces(bound, scope, seen | {node.id}) \
                    if self._built(bound, scope, seen | {node.id}) \
                    else self._value(bound, scope, seen | {node.id})
                unsafe.extend(u)
                allowed.extend(a)
        else:
            value(node)
        return unsafe, allowed

    def _value(self, node: ast.AST, scope: _Function,
               seen: set[str]) -> tuple[list[str], list[str]]:
        """(unsafe, allowed-by-list) for one interpolated expression."""
        code = ast.unparse(node)
        if (self.path, code) in ALLOWED:
            self.used_allowed.add((self.path, code))
            return [], [code]
        if isinstance(node, ast.Constant):
            return [], []
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                getattr(node.func, "id", "")
            if name in VALIDATORS or (name in COMPILERS and isinstance(node.func, ast.Attribute)):
                return [], []
            return [code], []
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return [], []
            if node.id in seen:
                return [], []
            values = self._values(node.id, scope)
            if not values:
                return [code], []
            unsafe, allowed = [], []
            for bound in values:
                u, a = self._pieces(bound, scope, seen | {node.id}) \
                    if self._built(bound, scope, seen | {node.id}) \
                    else self._value(bound, scope, seen | {node.id})
                unsafe.extend(node.id if piece == UNKNOWN else piece for piece in u)
                allowed.extend(a)
            return unsafe, allowed
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            return self._element(node, scope, seen)
        if self._built(node, scope, seen):
            return self._pieces(node, scope, seen)
        return [code], []

    def _element(self, node: ast.Subscript, scope: _Function,
                 seen: set[str]) -> tuple[list[str], list[str]]:
        """An element of what a loop or an unpacking walks: ``(k, v) in d.items()`` where
        ``d`` is a dict comprehension gives its key and value expressions."""
        inner, index = node.value, node.slice.value
        if isinstance(inner, ast.Subscript) and isinstance(inner.slice, ast.Constant) \
                and inner.slice.value == "<each>":
            walked = inner.value
            if isinstance(walked, ast.Call) and isinstance(walked.func, ast.Attribute) \
                    and walked.func.attr == "items" and isinstance(walked.func.value, ast.Name):
                for bound in self._values(walked.func.value.id, scope):
                    if isinstance(bound, ast.DictComp) and index in (0, 1):
                        part = bound.key if index == 0 else bound.value
                        return self._value(part, _Function(bound, scope), seen)
        return [UNKNOWN], []  # reported as the name it was bound to


def audit(root: Path = ROOT) -> tuple[list[Statement], set[tuple[str, str]]]:
    """Every built SQL statement in the project's packages, and the ALLOWED entries used."""
    statements, used = [], set()
    for package in PACKAGES:
        for file in sorted((root / package).rglob("*.py")):
            auditor = Auditor(file.read_text(encoding="utf-8"), str(file.relative_to(root)))
            statements += auditor.statements()
            used |= auditor.used_allowed
    return statements, used


def audit_source(source: str, path: str = "pipelines/example.py") -> list[Statement]:
    return Auditor(textwrap.dedent(source), path).statements()


def test_every_sql_statement_built_from_pieces_uses_only_safe_pieces(record_property) -> None:
    statements, used = audit()
    unsafe = [f"{s.path}:{s.line} {s.call}(...): {', '.join(s.unsafe)}"
              for s in statements if s.unsafe]
    record_property("figure", f"sql: {len(statements)} statements built from pieces in "
                    f"{len({s.path for s in statements})} files, {len(unsafe)} unsafe")
    assert unsafe == []
    assert len(statements) >= 15  # the audit found the warehouse's statements (not vacuous)
    assert {s.path for s in statements} >= {"pipelines/warehouse/store.py"}
    assert used == set(ALLOWED), f"stale ALLOWED entries: {set(ALLOWED) - used}"


@pytest.mark.parametrize("code", [
    'con.execute(f"SELECT * FROM t WHERE name = \'{user_value}\'")',
    'con.raw_sql("DELETE FROM t WHERE name = \'" + name + "\'")',
    'session.sql("SELECT * FROM %s" % table)',
    'con.con.execute("SELECT * FROM {}".format(config.account_name))',
    'duckdb.query(f"SELECT {column} FROM t")',
])
def test_the_audit_catches_a_user_value_in_sql(code: str) -> None:
    found = audit_source(f"def load(con, session, duckdb, config, user_value, name, table, "
                         f"column):\n    {code}\n")
    assert len(found) == 1 and found[0].unsafe, found


def test_the_audit_follows_local_names_loops_and_joins() -> None:
    found = audit_source('''
        TABLE = "kpi_values"

        def ok(con, expr, table, names, tables):
            name, sql = _identifier(table), con.compile(expr)
            where = f"FROM {name} WHERE date < ?"
            con.execute(f"DELETE {where}", [1])
            con.execute(f"SELECT * FROM {_identifier(TABLE)} JOIN {TABLE} USING (x)")
            columns = ", ".join(f"{_identifier(n)} VARCHAR" for n in names)
            con.execute(f"CREATE TABLE {name} ({columns})")
            compiled = {n: con.compile(e) for n, e in tables.items()}
            for n, body in compiled.items():
                con.execute(f"CREATE TABLE {_identifier(n)} AS {body}")

        def bad(con, table, names, config):
            where = f"FROM {table} WHERE x = 1"
            con.execute(f"DELETE {where}")
            columns = ", ".join(f"{n} VARCHAR" for n in names)
            con.execute(f"CREATE TABLE t ({columns})")
            labels = {n: config.label(n) for n in names}
            for n, body in labels.items():
                con.execute(f"SELECT '{body}'")
            con.execute("SELECT 1")  # a literal: fine
            con.execute(con.table("t").count())  # an Ibis expression: not audited
    ''')
    by_line = sorted(found, key=lambda s: s.line)
    assert [s.unsafe for s in by_line if s.function == "ok"] == [()] * 4
    assert [s.unsafe for s in by_line if s.function == "bad"] == [
        ("table",), ("n",), ("config.label(n)",)]


def test_the_spark_database_name_is_validated() -> None:
    """The reason given in ALLOWED for ``settings.database`` holds."""
    for name in ("x; DROP TABLE kpi_rollup", "campaign_kpi`", "Campaign"):
        with pytest.raises(ValidationError):
            SparkSettings(database=name)
    for name in ("x'); DROP TABLE kpi_rollup; --", 'a"b', "Kpi", ""):
        with pytest.raises(ValueError):
            _identifier(name)


# -- the run ----------------------------------------------------------------------------------

# The warehouse a run builds (README, "Warehouse tables", and the state of derived tables).
TABLES = {
    "raw_ads_campaign_daily", "raw_ads_ad_group_daily", "raw_ads_conversion_action_daily",
    "raw_ga4_sessions_daily", "raw_ga4_key_events_daily", "raw_extracts", "campaign_daily",
    "dim_campaign", "dim_ad_group", "kpi_rollup", "kpi_values", "raw_orders", "customer_clv",
    "clv_model", "clv_cohorts", "clv_by_acquisition", "budget_plan", "budget_pacing",
    "response_curves", "budget_scenarios", "recommendations", "response_curve_store",
    "raw_experiment_units", "raw_experiment_ga4_stats", "experiment_stats",
    "experiment_stats_daily", "experiment_results", "experiment_effects", "experiment_history",
    "pipeline_state",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> HostileRun:
    return hostile_run(tmp_path_factory)


@pytest.fixture(scope="module")
def warehouse(run: HostileRun):
    con = connect(run.paths.warehouse)
    yield con
    con.disconnect()


def distinct(con, table: str, column: str) -> set:
    return set(con.execute(con.table(table).select(column).distinct())[column])


def test_hostile_names_leave_every_table_in_place(run: HostileRun, warehouse) -> None:
    assert run.nightly.success and run.report.success
    assert set(warehouse.list_tables()) >= TABLES
    for table in ("kpi_rollup", "kpi_values", "dim_campaign", "dim_ad_group", "campaign_daily",
                  "raw_orders", "experiment_results", "budget_plan"):  # the ones named in SQL
        assert warehouse.table(table).count().execute() > 0, table


def test_hostile_names_are_stored_verbatim(warehouse) -> None:
    key = f"gads:{hostile.HOSTILE_ID}"
    assert hostile.CAMPAIGN in distinct(warehouse, "raw_ads_campaign_daily", "campaign_name")
    assert hostile.AD_GROUP in distinct(warehouse, "raw_ads_ad_group_daily", "ad_group_name")
    assert hostile.CAMPAIGN in distinct(warehouse, "raw_ga4_sessions_daily",
                                        "session_campaign_name")
    dims = warehouse.execute(warehouse.table("dim_campaign"))
    assert dims.set_index("campaign_key").loc[key, "campaign_name"] == hostile.CAMPAIGN
    assert hostile.CHANNEL in set(dims["channel"])  # the configured rule (with SQL in it) matched
    assert set(dims.loc[dims["channel"] == hostile.CHANNEL, "source"]) == {"nieuwsbrief"}
    assert hostile.AD_GROUP in distinct(warehouse, "dim_ad_group", "ad_group_name")
    assert hostile.CAMPAIGN in distinct(warehouse, "kpi_values", "campaign_name")
    assert hostile.CHANNEL in distinct(warehouse, "kpi_rollup", "channel")
    assert hostile.EXPERIMENT in distinct(warehouse, "experiment_results", "experiment_name")
    assert hostile.ARM in distinct(warehouse, "experiment_results", "arm_label")
    assert hostile.CHANNEL in distinct(warehouse, "budget_plan", "name")


def test_a_target_keyed_by_the_hostile_name_applies(warehouse) -> None:
    """The name in the configuration met the name from Google Ads inside SQL, byte for byte."""
    values = warehouse.table("kpi_values")
    rows = warehouse.execute(values.filter(
        (values.campaign_name == hostile.CAMPAIGN) & (values.metric == "cpl")
        & (values.level == "campaign")).select("target"))
    assert len(rows) > 0 and set(rows["target"]) == {hostile.CAMPAIGN_TARGET}
