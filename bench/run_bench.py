#!/usr/bin/env python
"""Benchmark of issue #2: the staff list, an accent-free name search and a 5,000-row import on a full database.

    .venv/bin/python bench/run_bench.py                      # PostgreSQL (recreates phaodai_bench), 100,000 staff
    .venv/bin/python bench/run_bench.py --database-url sqlite:///var/bench/bench.sqlite3
    .venv/bin/python bench/run_bench.py --reuse              # measure again without rebuilding the database

It recreates the database, migrates, loads the full 2021 tree (63 provinces, 10,810 units), builds the demo city
with --staff civil servants, then times requests with Django's test Client (middleware, view, queries and template
rendering, without a network hop) logged in as the city-wide Department of Home Affairs user, and the import of a
generated 5,000-row workbook. The table goes to stdout and into docs/performance.md (one section per engine).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/phaodai_bench"
TARGET_MS = 300
IMPORT_TARGET_S = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    parser.add_argument("--staff", type=int, default=100_000, help="civil servants in the database (default 100000)")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per measurement (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--import-rows", type=int, default=5000, help="rows in the import workbook (default 5000)")
    parser.add_argument("--import-runs", type=int, default=3, help="timed imports, each rolled back (default 3)")
    parser.add_argument("--reuse", action="store_true", help="keep the existing database (no recreate/build)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the list queries")
    return parser.parse_args()


def prepare_environment(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["PHAODAI_DEMO"] = "1"
    os.environ["PHAODAI_DEBUG"] = "0"
    os.environ.setdefault("PHAODAI_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["PHAODAI_VAR_DIR"] = str(ROOT / "var" / "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "phaodai.settings"
    sys.path.insert(0, str(ROOT / "src"))


def recreate_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        path = Path(parsed.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name) or "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must contain 'bench'.")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Row:
    what: str
    samples: list[float] = field(default_factory=list)  # seconds
    queries: int | None = None
    note: str = ""
    target: float | None = None  # seconds

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def machine() -> dict[str, str]:
    from django import get_version
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
        )
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "RAM": ram,
        "Database": database,
        "Python": platform.python_version(),
        "Django": get_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "Date": datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M (%Z)"),
    }


def build(staff: int) -> dict[str, float]:
    from django.core.management import call_command

    from phaodai.core.demo import build_demo_city

    took = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    took["migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("load_admin_units", "--structure", "2021", verbosity=0)
    took["load_admin_units (full 2021 tree)"] = time.perf_counter() - started
    started = time.perf_counter()
    result = build_demo_city(staff=staff)
    took[f"build_demo_city --staff {staff}"] = time.perf_counter() - started
    print(
        f"built: {result.neighbourhoods} neighbourhoods, {result.agencies} agencies, {result.staff} staff, "
        f"{result.log_entries} audit entries; headcounts x{result.headcount_scale}"
    )
    analyse()
    return took


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_get(client, url: str, runs: int, warmup: int, what: str, target: float | None = TARGET_MS / 1000) -> Row:
    """Median and p95 of `runs` GETs after `warmup` untimed ones; a failing endpoint is reported, not fatal."""
    try:
        return _time_get(client, url, runs, warmup, what, target)
    except Exception as exc:  # noqa: BLE001 - another part may be unfinished; say so in the table
        print(f"FAILED: GET {url}: {exc!r}")
        return Row(what=f"{what} — `GET {url}`", note=f"failed: {type(exc).__name__}: {exc}"[:160])


def _time_get(client, url: str, runs: int, warmup: int, what: str, target: float | None) -> Row:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    row = Row(what=f"{what} — `GET {url}`", queries=len(queries), target=target)
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        row.samples.append(time.perf_counter() - started)
    row.note = f"{len(response.content) // 1024} KiB"
    return row


def explain(url_query: str, user) -> None:
    """EXPLAIN ANALYZE of the list page's two queries (count and page), for finding why a page is slow."""
    from django.db import connection
    from django.http import QueryDict

    from phaodai.staff.filters import StaffMemberFilterSet
    from phaodai.staff.models import StaffMember

    data = QueryDict(url_query)
    qs = StaffMemberFilterSet(data, queryset=StaffMember.objects.visible_to(user)).qs.select_related("agency")
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    for label, query in (("count", qs.order_by()), ("page", qs[:50])):
        sql, params = (query.values("pk") if label == "count" else query).query.sql_with_params()
        if label == "count":
            sql = f"SELECT COUNT(*) FROM ({sql}) sub"
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            print(f"\n-- {label} ?{url_query}\n" + "\n".join(" ".join(map(str, r)) for r in cursor.fetchall()))


def import_workbook(rows: int, seed: int = 7) -> tuple[bytes, str]:
    """A workbook in the import template's layout, with `rows` new, valid people spread over the demo agencies."""
    from workbook import make_import_workbook

    from phaodai.staff import excel

    return make_import_workbook(excel, rows, seed)


def time_import(user, rows: int, runs: int) -> Row:
    from django.db import transaction

    from phaodai.staff import excel

    data, layout = import_workbook(rows)
    row = Row(what=f"Import of {rows:,} new people (`staff.excel.import_staff`)", target=IMPORT_TARGET_S)
    created = None
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            result = excel.import_staff(io.BytesIO(data), user)
            row.samples.append(time.perf_counter() - started)
            created = result
            transaction.set_rollback(True)  # the same file again next run, on the same database
    row.note = f"{layout}; result: {summarise(created)}"
    return row


def summarise(result) -> str:
    for attr in ("created", "created_count", "n_created"):
        value = getattr(result, attr, None)
        if value is not None:
            count = value if isinstance(value, int) else len(value)
            errors = getattr(result, "errors", None)
            return f"{count} created" + (f", {len(errors)} errors" if errors else "")
    return type(result).__name__


def markdown(engine: str, staff: int, rows: list[Row], built: dict[str, float], info: dict[str, str]) -> str:
    lines = [
        f"### {engine}, {staff:,} civil servants",
        "",
        "| measurement | median | p95 | queries | target | notes |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        if not row.samples:
            lines.append(f"| {row.what} | | | | | {row.note} |")
            continue
        unit, scale = ("s", 1) if (row.target or 0) >= 1 else ("ms", 1000)
        target = ""
        if row.target is not None:
            ok = row.p95 <= row.target
            target = f"{'✅' if ok else '❌'} < {row.target * scale:g} {unit}"
        fmt = "{:.2f} s" if unit == "s" else "{:.0f} ms"
        lines.append(
            f"| {row.what} | {fmt.format(row.median * scale)} | {fmt.format(row.p95 * scale)} | "
            f"{row.queries if row.queries is not None else ''} | {target} | {row.note} |"
        )
    runs = sorted({len(r.samples) for r in rows if r.samples})
    lines += ["", f"Timed runs per measurement: {', '.join(map(str, runs))} (after warm-up)."]
    if built:
        lines += ["", "Setup: " + "; ".join(f"{k} {v:.1f} s" for k, v in built.items()) + "."]
    lines += ["", "| machine | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in info.items()]
    return "\n".join(lines).rstrip() + "\n"


def write_section(engine: str, text: str) -> None:
    """Replace this engine's section between its markers in docs/performance.md, keeping everything else."""
    start, end = f"<!-- bench:{engine} -->", f"<!-- /bench:{engine} -->"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n\n"
    block = f"{start}\n{text}{end}"
    if start in doc and end in doc:
        doc = doc[: doc.index(start)] + block + doc[doc.index(end) + len(end) :]
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    args = parse_args()
    prepare_environment(args.database_url)
    sys.path.insert(0, str(ROOT))
    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from phaodai.accounts.models import User
    from phaodai.places.models import AdminUnit
    from phaodai.staff.models import StaffMember

    built = {} if args.reuse else build(args.staff)
    engine = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    staff_count = StaffMember.objects.count()
    home_affairs = User.objects.get(username="sonoivu")
    commune = User.objects.get(username="tanan")
    client = Client()
    client.force_login(home_affairs)
    list_url = reverse("staff:staffmember_list")
    search = "?" + urlencode({"q": "nguyen van an"})
    ninh_kieu = AdminUnit.objects.get(code="916")
    rows = [
        time_get(client, list_url, args.runs, args.warmup, "Staff list, page 1 (Home Affairs, whole city)"),
        time_get(client, list_url + search, args.runs, args.warmup, "Accent-free name search “nguyen van an”"),
        time_get(
            client,
            list_url + "?" + urlencode({"under": ninh_kieu.pk, "q": "tran thi"}),
            args.runs,
            args.warmup,
            "Search “tran thi” within Quận Ninh Kiều",
            target=None,
        ),
        time_get(client, list_url + "?page=1000", args.runs, args.warmup, "Staff list, page 1000", target=None),
    ]
    try:
        api_url = reverse("api:staff-list")
    except NoReverseMatch:
        api_url = None
    if api_url:
        rows.append(time_get(client, api_url, args.runs, args.warmup, "API staff list (50 per page)"))
        rows.append(time_get(client, api_url + search, args.runs, args.warmup, "API name search “nguyen van an”"))
    client.force_login(commune)
    rows.append(
        time_get(client, list_url, args.runs, args.warmup, "Staff list as a commune user (Phường Tân An)", target=None)
    )
    if args.explain:
        explain("", home_affairs)
        explain("q=nguyen van an", home_affairs)
    try:
        rows.append(time_import(home_affairs, args.import_rows, args.import_runs))
    except ImportError as exc:
        print(f"import not measured: {exc}")
    info = machine()
    text = markdown("PostgreSQL" if engine == "postgresql" else "SQLite", staff_count, rows, built, info)
    print()
    print(text)
    if not args.no_write:
        write_section(engine, text)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
