"""Benchmark: an agency's night, many client accounts of demo data (issue 17).

Each client is the sample configuration with its own ``demo.seed``, ``demo.extra_campaigns``
(campaigns − 14) and ``history_start`` (history ending 2026-11-30, as in ``scale.py``), listed in
one agency file. The history is not backfilled through ``campaign-kpi demo`` (about 30 min per
300-campaign × 3-year client): the benchmark **seeds** each client's warehouse with the demo's
raw history, pulled and written exactly as the pull assets of that backfill do it (the demo
source over [history_start, end], ``write_extracts`` per platform, extract log and revisions
included), in a process of its own. Then ``campaign-kpi agency run --date 2026-11-30`` runs
twice: night 1 builds everything from the raw layer (the model rebuilds every day the extract
log shows unmodelled, the KPI tables rebuild whole), night 2 is a steady night.

Every step runs in a fresh child process. Measured: wall; CPU of all processes (``os.wait4`` of
the child with its reaped children, and a 0.5 s sampling of the whole process tree, which also
sees a Spark JVM); peak RSS of the child (``ru_maxrss``) and of the tree (sampled sum); per
client inside the agency run: wall, CPU of the process tree, peak RSS while that client ran
(the kernel's high-water mark, reset before each client through ``/proc/self/clear_refs``) and
CPU per Dagster step; the size of each client's warehouse and data folder.

    .venv/bin/python benchmarks/agency.py --clients 2 --campaigns 300 --years 3
    .venv/bin/python benchmarks/agency.py --clients 50 --campaigns 14 --days 28 --nights 1
    .venv/bin/python benchmarks/agency.py --clients 1 --campaigns 14 --days 28 --engine spark
    .venv/bin/python benchmarks/agency.py --clients 1 --campaigns 300 --years 3 --nights 1 \
        --reuse --keep                      # another night on the clients kept by --keep
    .venv/bin/python benchmarks/agency.py --clients 50 --batch 10 --nights 1 --data <elsewhere> \
        --clone-from <a client folder kept by --keep>   # 50 copies of one built client, steady
    .venv/bin/python benchmarks/agency.py --verify --campaigns 14 --days 28   # seeded == demo
    .venv/bin/python benchmarks/agency.py --overview 50 --from <a client folder> --campaigns 14 \
        --days 28                           # the agency overview alone over 50 copies

``--batch N`` seeds and runs N clients at a time and deletes their folders after timing them
(the figures are kept), so the disk holds N clients at most; ``--keep`` keeps them. In a night's
record, the process's ``peak_rss_mb`` (``ru_maxrss``) is lowered by the per-step resets: read
the clients' and steps' peaks and ``peak_tree_rss_mb`` instead. Records go
to ``benchmarks/results/agency-<date>.json``. The machine is shared: compare CPU seconds.
"""

# ruff: noqa: S608  (SQL text is built from table names read from the warehouses' catalogues)
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA = ROOT / "benchmarks" / ".data" / "agency"
FIXED_CAMPAIGNS = 14  # the demo's own campaigns
LAST_DAY = dt.date(2026, 11, 30)  # as benchmarks/scale.py: a Monday (no weekly report)
FIRST_SEED = 1001
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


# --- the clients ---------------------------------------------------------------------------------

def client_id(index: int) -> str:
    """``client-07``: the id (and folder name) of the ``index``-th client.

    >>> client_id(7)
    'client-07'
    """
    return f"client-{index:02d}"


def history_start(last: dt.date, years: int = 0, days: int = 0) -> dt.date:
    """The first day of ``days`` days, else of ``years`` years, of history ending on ``last``.

    >>> history_start(dt.date(2026, 11, 30), years=3), history_start(dt.date(2026, 11, 30), days=28)
    (datetime.date(2023, 12, 1), datetime.date(2026, 11, 3))
    """
    if days:
        return last - dt.timedelta(days=days - 1)
    return last.replace(year=last.year - years) + dt.timedelta(days=1)


@dataclass(frozen=True)
class Size:
    """One client's account: campaigns, history, engine (``duckdb`` or ``spark`` local[2])."""

    campaigns: int
    start: dt.date
    end: dt.date = LAST_DAY
    engine: str = "duckdb"

    def __post_init__(self) -> None:
        if self.campaigns < FIXED_CAMPAIGNS:
            raise ValueError(f"campaigns: at least the demo's own {FIXED_CAMPAIGNS}")


def client_config(index: int, size: Size, seed: int | None = None) -> dict:
    """The configuration of client ``index``: the sample's, with its own seed (or ``seed``)
    and size.

    >>> c = client_config(3, Size(300, dt.date(2023, 12, 1)))
    >>> c["demo"]["seed"], c["demo"]["extra_campaigns"], c["account_name"], c["engine"]["name"]
    (1004, 286, 'Client 03', 'duckdb')
    """
    sys.path.insert(0, str(ROOT))
    from assets.settings import EXAMPLE_CONFIG
    from pipelines.config import Config, load_config

    base = load_config(EXAMPLE_CONFIG)
    demo = {**base.demo.model_dump(), "end": size.end,
            "seed": FIRST_SEED + index if seed is None else seed,
            "extra_campaigns": size.campaigns - FIXED_CAMPAIGNS}
    engine = {"name": size.engine}
    if size.engine == "spark":
        engine["spark"] = {"master": "local[2]"}
    config = Config.model_validate({**base.model_dump(), "account_name": f"Client {index:02d}",
                                    "history_start": size.start, "demo": demo,
                                    "engine": engine})
    return config.model_dump(mode="json")


def write_agency(folder: Path, indices: list[int], size: Size, seed: int | None = None) -> Path:
    """Each client's configuration in ``folder/configs/`` and the agency file listing them
    (every client with demo seed ``seed`` when given)."""
    import yaml

    configs = folder / "configs"
    configs.mkdir(parents=True, exist_ok=True)
    listing = []
    for index in indices:
        path = configs / f"{client_id(index)}.yaml"
        path.write_text(yaml.safe_dump(client_config(index, size, seed), sort_keys=False,
                                       allow_unicode=True), encoding="utf-8")
        listing.append({"id": client_id(index), "config": f"configs/{path.name}"})
    agency = folder / "agency.yaml"
    agency.write_text(yaml.safe_dump({"name": "Benchmark agency", "language": "en",
                                      "clients": listing}, sort_keys=False), encoding="utf-8")
    return agency


# --- measuring a child and its process tree ------------------------------------------------------

def _stat(pid: str) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, RSS bytes) of a live process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS, int(fields[21]) * PAGE


def tree(root: int) -> dict[int, tuple[float, int]]:
    """CPU seconds and RSS of ``root`` and every live descendant, by pid."""
    stats = {int(p): s for p in os.listdir("/proc") if p.isdigit()
             for s in [_stat(p)] if s is not None}
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            found[pid] = stats[pid][1:]
            todo.extend(child for child, s in stats.items() if s[0] == pid)
    return found


@dataclass
class Sampler:
    """Samples a process tree every ``every`` seconds: last CPU seen per pid, peak summed RSS."""

    root: int
    every: float = 0.5
    cpu: dict[int, float] = field(default_factory=dict)
    peak_rss: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            seen = tree(self.root)
            self.cpu.update({pid: cpu for pid, (cpu, _) in seen.items()})
            self.peak_rss = max(self.peak_rss, sum(rss for _, rss in seen.values()))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def measured(command: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``command`` in a fresh process: wall, CPU and peak RSS, of the child and its tree."""
    started = time.perf_counter()
    load = os.getloadavg()[0]
    with open(os.devnull, "w") as quiet:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=quiet,
                                 stderr=subprocess.PIPE, text=True)
        sampler = Sampler(child.pid)
        stderr = child.stderr.read() if child.stderr else ""
        _, status, usage = os.wait4(child.pid, 0)
        sampler.stop()
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return {"exit": code, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "cpu_tree_sampled_s": round(sum(sampler.cpu.values()), 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024),  # Linux: kilobytes
            "peak_tree_rss_mb": round(sampler.peak_rss / 2**20),
            "load_before": round(load, 1), "load_after": round(os.getloadavg()[0], 1),
            **({"stderr": stderr[-3000:]} if code else {})}


# --- in the children -----------------------------------------------------------------------------

def seed_child(config_path: Path, data_dir: Path) -> None:
    """Write the demo's raw history into the client's warehouse, as the backfill's pull assets
    do: each platform's streams over [history_start, end], in one ``write_extracts``."""
    sys.path.insert(0, str(ROOT))
    from pipelines.config import load_config
    from pipelines.sources.base import Window
    from pipelines.sources.factory import PLATFORMS, demo_end, make_sources
    from pipelines.sources.streams import streams_of
    from pipelines.warehouse.engines import open_warehouse
    from pipelines.warehouse.store import write_extracts

    config = load_config(config_path)
    window = Window(config.history_start, demo_end(config))
    con = open_warehouse(config.engine, data_dir)
    try:
        for platform_name in PLATFORMS:
            write_extracts(con, [source.pull(stream, window)
                                 for source in make_sources(config, platform_name)
                                 for stream in streams_of(platform_name)])
    finally:
        con.disconnect()


def _peak_rss_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # the kernel's RSS high-water mark -> now


def _peak_rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def _rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def _tree_cpu() -> float:
    return sum(cpu for cpu, _ in tree(os.getpid()).values())


def night_child(agency_file: Path, data_dir: Path, day: dt.date, out: Path) -> None:
    """In the child: ``campaign-kpi agency run --date`` as the command line runs it, with each
    client's run wrapped to note its wall, CPU, peak RSS (the client's, and each step's: the
    high-water mark is reset at every step start), CPU per step and the RSS it leaves behind.
    The figures are written after every client (a stopped run keeps those it finished)."""
    sys.path.insert(0, str(ROOT))
    from assets import agency
    from assets.cli import app

    clients: list[dict] = []
    real = agency.run_client
    started = time.perf_counter()

    def write() -> None:
        out.write_text(json.dumps({"clients": clients,
                                   "wall_s": round(time.perf_counter() - started, 1)}) + "\n")

    def run_client(client, data, **options):
        marks: list[tuple[str, float, int]] = []  # step, CPU clock, peak RSS of the step before
        given = options.get("on_step")

        def hook(step: str) -> None:
            marks.append((step, time.process_time(), _peak_rss_mb()))
            _peak_rss_reset()
            if given is not None:
                given(step)

        _peak_rss_reset()
        wall, cpu, tree_cpu = time.perf_counter(), time.process_time(), _tree_cpu()
        run = real(client, data, **{**options, "on_step": hook})
        marks.append(("(end)", time.process_time(), _peak_rss_mb()))
        steps = {step: {"cpu_s": round(b - a, 2), "peak_rss_mb": peak}
                 for (step, a, _), (_, b, peak) in itertools.pairwise(marks)}
        clients.append({
            "id": client.id, "ok": run.night.ok, "reason": run.night.reason,
            "wall_s": round(time.perf_counter() - wall, 1),
            "cpu_s": round(time.process_time() - cpu, 1),
            "cpu_tree_s": round(_tree_cpu() - tree_cpu, 1),
            "peak_rss_mb": max(peak for *_, peak in marks),
            "rss_after_mb": _rss_mb(),
            "steps": steps,
        })
        write()
        return run

    agency.run_client = run_client
    try:
        app(["agency", "run", "--date", day.isoformat(), "--agency", str(agency_file),
             "--data-dir", str(data_dir)], standalone_mode=False)
    except (SystemExit, RuntimeError):  # typer.Exit: the exit code (1: a client failed)
        pass
    finally:
        write()


def overview_child(agency_file: Path, data_dir: Path) -> None:
    """In the child: the agency overview alone, over every client's warehouse as it is."""
    sys.path.insert(0, str(ROOT))
    from assets.agency import ClientRun, client_paths, write_agency_overview
    from dashboards.agency import ClientNight
    from pipelines.agency_config import load_agency
    from pipelines.config import load_config

    agency = load_agency(agency_file)
    runs = [ClientRun(ClientNight(c.id, c.id, True), load_config(c.config),
                      client_paths(data_dir, c), 0.0) for c in agency.clients]
    write_agency_overview(agency, runs, data_dir)


def overview(size: Size, source: Path, clients: int, data: Path) -> dict:
    """The agency overview over ``clients`` copies of one measured client's folder (its
    warehouse hard-linked: the overview only reads it)."""
    shutil.rmtree(data, ignore_errors=True)
    indices = list(range(1, clients + 1))
    agency_file = write_agency(data, indices, size)
    for index in indices:
        folder = data / "clients" / client_id(index)
        (folder / "out").mkdir(parents=True)
        os.link(source / "warehouse.duckdb", folder / "warehouse.duckdb")  # read-only here
        shutil.copy(source / ".campaign-kpi.resolved.yaml", folder)
        for page in source.glob("out/overview*.html"):
            shutil.copy(page, folder / "out" / page.name)
    figures = measured([sys.executable, __file__, "--overview-child", str(agency_file),
                        str(data)])
    shutil.rmtree(data, ignore_errors=True)
    return {"overview_of": clients, "copied_from": str(source), **figures}


# --- the benchmark -------------------------------------------------------------------------------

def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _sizes(client_dir: Path) -> dict[str, float]:
    """The client's warehouse (DuckDB file, or local Spark folder) and whole data folder, MB."""
    duckdb_file = client_dir / "warehouse.duckdb"
    warehouse = duckdb_file.stat().st_size if duckdb_file.is_file() \
        else folder_size(client_dir / "spark")
    return {"warehouse_mb": round(warehouse / 1e6, 1),
            "folder_mb": round(folder_size(client_dir) / 1e6, 1)}


def source_index(folder: Path) -> int:
    """The index of the client whose folder ``folder`` is.

    >>> source_index(Path("benchmarks/.data/agency/duckdb-300x1096d/clients/client-01"))
    1
    """
    return int(folder.name.removeprefix("client-"))


def clone(source: Path, folder: Path) -> dict[str, float]:
    """``folder`` as a copy of the client folder ``source`` (its warehouse after its nights,
    its run history and pages; not its DuckDB spill): a client with the same 3 years, without
    its first night. Returns the copy's wall seconds."""
    started = time.perf_counter()
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("duckdb-spill"))
    return {"copy_wall_s": round(time.perf_counter() - started, 1)}


def batch(indices: list[int], size: Size, data: Path, nights: int,
          clone_from: Path | None = None) -> dict:
    """Seed (unless seeded already; or copy ``clone_from``, a client folder kept after its
    first night), run ``nights`` agency nights, measure sizes, for the clients ``indices``."""
    seed = None if clone_from is None else FIRST_SEED + source_index(clone_from)
    agency_file = write_agency(data, indices, size, seed)
    record: dict = {"clients": [client_id(i) for i in indices], "seed": {}, "nights": []}
    if clone_from is not None:
        record["cloned_from"] = str(clone_from)
    for index in indices:
        config = data / "configs" / f"{client_id(index)}.yaml"
        folder = data / "clients" / client_id(index)
        if (folder / "warehouse.duckdb").exists() or (folder / "spark").exists():
            print(f"  {client_id(index)}: seeded already, not timed", flush=True)
            continue
        if clone_from is not None:
            record["seed"][client_id(index)] = clone(clone_from, folder)
            print(f"  copied {clone_from.name} to {client_id(index)}", flush=True)
            continue
        figures = measured([sys.executable, __file__, "--seed-child", str(config), str(folder)])
        record["seed"][client_id(index)] = figures | _sizes(folder)
        print(f"  seeded {client_id(index)}: {figures}", flush=True)
        if figures["exit"]:
            raise SystemExit(figures["stderr"])
    for night in range(1, nights + 1):
        out = data / f"night-{night}.json"
        figures = measured([sys.executable, __file__, "--night-child", str(agency_file),
                            str(data), LAST_DAY.isoformat(), str(out)])
        inside = json.loads(out.read_text())
        record["nights"].append({"night": night, **figures, "inside": inside})
        print(f"  night {night}: {figures}", flush=True)
        for client in inside["clients"]:
            top = sorted(((k, v["cpu_s"]) for k, v in client["steps"].items()),
                         key=lambda kv: -kv[1])[:4]
            print(f"    {client['id']} ok={client['ok']} wall {client['wall_s']} s, CPU "
                  f"{client['cpu_tree_s']} s, peak RSS {client['peak_rss_mb']} MB, after "
                  f"{client['rss_after_mb']} MB; {top}",
                  flush=True)
    record["sizes"] = {client_id(i): _sizes(data / "clients" / client_id(i)) for i in indices}
    record["agency_folder_mb"] = round(folder_size(data / "agency") / 1e6, 1)
    return record


def table_differences(one: Path, other: Path) -> dict[str, int]:
    """Rows only in one of the two DuckDB warehouses, per table (both directions summed), for
    every table either has; a table only one has counts all its rows."""
    sys.path.insert(0, str(ROOT))
    from pipelines.warehouse.store import connect

    con = connect(":memory:")
    try:
        raw = con.con
        raw.execute(f"ATTACH '{one}' AS a (READ_ONLY)")
        raw.execute(f"ATTACH '{other}' AS b (READ_ONLY)")
        names = {side: {r[0] for r in raw.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ?",
            [side]).fetchall()} for side in ("a", "b")}
        found = {}
        for name in sorted(names["a"] | names["b"]):
            if name not in names["a"] & names["b"]:
                side = "a" if name in names["a"] else "b"
                found[name] = raw.execute(f'SELECT count(*) FROM {side}."{name}"').fetchone()[0]
                continue
            only = 'SELECT count(*) FROM (SELECT * FROM {0}."{2}" EXCEPT ALL ' \
                'SELECT * FROM {1}."{2}")'
            found[name] = raw.execute(f"SELECT ({only.format('a', 'b', name)}) + "
                                      f"({only.format('b', 'a', name)})").fetchone()[0]
        return found
    finally:
        con.disconnect()


def verify(size: Size, data: Path) -> dict[str, int]:
    """The seeded client after one night against the same client backfilled by
    ``campaign-kpi demo``: rows that differ, per table."""
    shutil.rmtree(data, ignore_errors=True)
    agency_file = write_agency(data, [1], size)
    seeded = data / "clients" / client_id(1)
    config = data / "configs" / f"{client_id(1)}.yaml"
    for command in ([sys.executable, __file__, "--seed-child", str(config), str(seeded)],
                    [sys.executable, __file__, "--night-child", str(agency_file), str(data),
                     LAST_DAY.isoformat(), str(data / "night.json")],
                    [str(BIN / "campaign-kpi"), "demo", "--config", str(config),
                     "--data-dir", str(data / "backfilled")]):
        figures = measured(command)
        print(f"  {Path(command[1]).name} {command[2]}: {figures}", flush=True)
        if figures["exit"]:
            raise SystemExit(figures["stderr"])
    return table_differences(seeded / "warehouse.duckdb", data / "backfilled" / "warehouse.duckdb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--first", type=int, default=1, help="index of the first client")
    parser.add_argument("--campaigns", type=int, default=300)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--days", type=int, default=0, help="days of history instead of years")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--nights", type=int, default=2)
    parser.add_argument("--batch", type=int, default=0,
                        help="clients seeded and run at a time (default: all at once)")
    parser.add_argument("--keep", action="store_true", help="keep the client folders")
    parser.add_argument("--reuse", action="store_true",
                        help="run the nights on the clients already there (kept by --keep)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--clone-from", type=Path,
                        help="a client folder kept by --keep after its first night: every "
                        "client starts as a copy of it (same demo seed) instead of being "
                        "seeded and built, so the nights timed are steady nights")
    parser.add_argument("--label", default="")
    parser.add_argument("--results", type=Path)
    parser.add_argument("--verify", action="store_true",
                        help="compare one seeded client after a night with the same client "
                        "backfilled by campaign-kpi demo, table by table, and stop")
    parser.add_argument("--overview", type=int, metavar="N",
                        help="time the agency overview alone over N copies of the client "
                        "folder --from (made by an earlier run with --keep), and stop")
    parser.add_argument("--from", dest="source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--overview-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--seed-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--night-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_child:
        seed_child(Path(args.seed_child[0]), Path(args.seed_child[1]))
        return
    if args.overview_child:
        overview_child(Path(args.overview_child[0]), Path(args.overview_child[1]))
        return
    if args.night_child:
        agency_file, data_dir, day, out = args.night_child
        night_child(Path(agency_file), Path(data_dir), dt.date.fromisoformat(day), Path(out))
        return
    size = Size(args.campaigns, history_start(LAST_DAY, args.years, args.days),
                engine=args.engine)
    if args.verify:
        found = verify(size, args.data.resolve() / "verify")
        print(json.dumps(found, indent=1))
        return
    if args.overview:
        record = overview(size, args.source.resolve(), args.overview,
                          args.data.resolve() / "overview")
        print(json.dumps(record))
        out = args.results or (ROOT / "benchmarks" / "results"
                               / f"agency-{dt.date.today().isoformat()}.json")
        kept = json.loads(out.read_text()) if out.exists() else []
        out.write_text(json.dumps([*kept, record], indent=1) + "\n")
        return
    indices = list(range(args.first, args.first + args.clients))
    per = args.batch or len(indices)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    out = args.results or (ROOT / "benchmarks" / "results"
                           / f"agency-{dt.date.today().isoformat()}.json")
    data = args.data.resolve()
    for lot in (indices[i:i + per] for i in range(0, len(indices), per)):
        folder = data / f"{size.engine}-{size.campaigns}x{(LAST_DAY - size.start).days + 1}d"
        if args.clone_from and folder in args.clone_from.resolve().parents:
            raise SystemExit(f"--clone-from {args.clone_from} is inside {folder}, which this run "
                             "starts afresh: give the clones another --data")
        if not args.reuse:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"clients {lot[0]}..{lot[-1]}: {size}", flush=True)
        record = batch(list(lot), size, folder, args.nights,
                       args.clone_from.resolve() if args.clone_from else None)
        record |= {"campaigns": size.campaigns, "first_day": size.start.isoformat(),
                   "last_day": size.end.isoformat(), "engine": size.engine,
                   "commit": commit, "label": args.label,
                   "measured": dt.datetime.now().isoformat(timespec="seconds"),
                   "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
        kept = json.loads(out.read_text()) if out.exists() else []
        out.write_text(json.dumps([*kept, record], indent=1) + "\n")
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
