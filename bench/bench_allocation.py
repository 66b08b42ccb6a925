#!/usr/bin/env python
"""Benchmark of issue #4: the allocation service on 50,000 civil servants in 400 agencies and 200 requests.

    .venv/bin/python bench/bench_allocation.py            # PostgreSQL: recreates phaodai_bench_alloc, ~1 minute
    .venv/bin/python bench/bench_allocation.py --reuse    # time again on the database already built
    .venv/bin/python bench/bench_allocation.py --database-url sqlite:////abs/path/var/bench/alloc.sqlite3

Target: `allocate()` proposes a full allocation in under 5 s and gives the same result when run twice.

It recreates the database, migrates, loads Cần Thơ's real units (2021 structure), then bulk-builds a realistic
city: 400 agencies (departments, hospitals, district and commune committees, health centres and stations, schools,
Party boards and mass organisations) with headcounts and in-office minimums; 50,000 civil servants living mostly
near their work, with skills, vaccination and statuses (on leave, isolated, some mobilised now); a month of past
mobilisations (for rotation); 200 approved requests of 1-5 communes each, some requiring skills, some for
vaccinated staff only, over a dozen different periods. Then it times `allocate()` as the Department of Home
Affairs (government bloc) and the Party Organisation Board (Party bloc), checks that repeated runs are identical,
and writes the figures into the "Allocation" section of docs/performance.md. No audit entries are written for the
generated rows (a throw-away database).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from run_bench import recreate_database  # the benchmarks share one guarded drop-and-create

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/phaodai_bench_alloc"
TARGET_S = 5.0
MARKERS = ("<!-- bench:allocation -->", "<!-- /bench:allocation -->")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--agencies", type=int, default=400)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="timed allocations per user (default 5)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--reuse", action="store_true", help="keep the existing database (no recreate/build)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one allocation")
    return parser.parse_args()


def prepare_environment(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["PHAODAI_DEBUG"] = "0"
    os.environ.setdefault("PHAODAI_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["PHAODAI_VAR_DIR"] = str(ROOT / "var" / "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "phaodai.settings"
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))


# ---------------------------------------------------------------------------------------------------------------
# The city


# (kind, bloc, level where it sits, how many, headcount range, share that must stay in the office)
AGENCY_PLAN = [
    ("department", "government", "city", 26, (60, 260), 0.35),
    ("hospital", "government", "city", 16, (250, 900), 0.75),
    ("public_service", "government", "city", 60, (25, 180), 0.30),
    ("district_committee", "government", "district", 1, (90, 160), 0.35),
    ("health_centre", "government", "district", 1, (110, 260), 0.60),
    ("public_service", "government", "district", 6, (40, 120), 0.30),  # schools, centres
    ("commune_committee", "government", "commune", 1, (20, 36), 0.35),
    ("health_station", "government", "commune", 1, (7, 15), 0.60),
    ("party", "party", "city", 9, (30, 90), 0.40),
    ("mass_organisation", "party", "city", 7, (20, 60), 0.35),
    ("party", "party", "district", 1, (25, 45), 0.40),
    ("mass_organisation", "party", "district", 4, (8, 20), 0.35),
]
STATUS = [("available", 90), ("on_leave", 4), ("isolated", 2), ("mobilised", 4)]
VACCINATION = [("none", 6), ("one_dose", 20), ("full", 58), ("booster", 16)]
GENERAL_SKILLS = {
    "data_entry": 0.10,
    "it": 0.03,
    "driving": 0.05,
    "logistics": 0.06,
    "communication": 0.06,
    "khmer": 0.02,
}
HEALTH_KINDS = {"hospital", "health_centre", "health_station"}


def weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in items], weights=[w for _, w in items])[0]


def build_city(staff: int, agencies_wanted: int, requests_wanted: int, seed: int, today: date) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import transaction

    took: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    took["migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("load_admin_units", "--structure", "2021", "--province", "92", verbosity=0)
    took["load_admin_units (Cần Thơ)"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        rng = random.Random(seed)
        agencies = build_agencies(rng, agencies_wanted, staff)
        people = build_staff(rng, agencies, staff)
        users = build_users(agencies)
        build_history(rng, people, users, today)
        build_requests(rng, users, requests_wanted, today)
    took[f"bulk build ({agencies_wanted} agencies, {staff} staff, {requests_wanted} requests)"] = (
        time.perf_counter() - started
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return took


def build_agencies(rng: random.Random, wanted: int, staff: int) -> list:
    from phaodai.core.text import fold
    from phaodai.places.models import AdminUnit, Agency, Level

    city = AdminUnit.objects.get(code="92")
    districts = list(AdminUnit.objects.filter(level=Level.DISTRICT, path__startswith=city.path).order_by("path"))
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith=city.path).order_by("path"))
    specs = []
    for kind, bloc, level, count, (low, high), keep in AGENCY_PLAN:
        units = {"city": [city], "district": districts, "commune": communes}[level]
        for unit in units:
            for n in range(count):
                specs.append((kind, bloc, unit, rng.randint(low, high), keep, n))
    # Trim or pad with city public service units to the number wanted, keeping the mix.
    rng.shuffle(specs)
    while len(specs) < wanted:
        specs.append(("public_service", "government", city, rng.randint(25, 180), 0.30, len(specs)))
    specs = specs[:wanted]
    # Headcounts scaled so that the staff fill about 92 % of them.
    scale = staff / 0.92 / sum(s[3] for s in specs)
    rows = []
    for i, (kind, bloc, unit, headcount, keep, n) in enumerate(specs):
        headcount = max(3, round(headcount * scale))
        name = f"{kind.replace('_', ' ').title()} {unit.name} {n + 1} ({i})"
        rows.append(
            Agency(
                name=name,
                kind=kind,
                bloc=bloc,
                unit=unit,
                headcount=headcount,
                min_in_office=round(headcount * keep),
                search_name=fold(name),
            )
        )
    return Agency.objects.bulk_create(rows, batch_size=1000)


def build_staff(rng: random.Random, agencies: list, staff: int) -> list[tuple[int, int, str]]:
    from phaodai.core.demo.people import birth_date, full_name, mobile
    from phaodai.core.text import fold
    from phaodai.places.models import AdminUnit, Level
    from phaodai.staff.models import Skill, StaffMember

    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith="/92/").order_by("path"))
    by_district: dict[str, list] = {}
    for commune in communes:
        by_district.setdefault(commune.path.split("/")[2], []).append(commune)
    skills = {s.code: s.pk for s in Skill.objects.all()}
    capacity = sum(a.headcount for a in agencies)
    serial = 0
    rows, links = [], []
    for agency in agencies:
        count = min(agency.headcount, round(staff * agency.headcount / capacity))
        district = agency.unit.path.split("/")[2] if agency.unit.level >= Level.DISTRICT else None
        for _ in range(count):
            serial += 1
            gender = "F" if rng.random() < 0.48 else "M"
            dob = birth_date(rng, gender)
            roll = rng.random()
            if roll < 0.05:
                home = None
            elif agency.unit.level == Level.COMMUNE and roll < 0.55:
                home = agency.unit
            elif district and roll < 0.75:
                home = rng.choice(by_district[district])
            else:
                home = rng.choice(communes)
            name = full_name(rng, gender, khmer=rng.random() < 0.02)
            century = {19: 0, 20: 2}[dob.year // 100] + (1 if gender == "F" else 0)
            health = agency.kind in HEALTH_KINDS
            rows.append(
                StaffMember(
                    full_name=name,
                    search_name=fold(name),
                    gender=gender,
                    date_of_birth=dob,
                    citizen_id=f"092{century}{dob.year % 100:02d}{serial:06d}",
                    phone=mobile(rng),
                    agency=agency,
                    status=weighted(rng, STATUS),
                    vaccination_status="full" if health and rng.random() < 0.6 else weighted(rng, VACCINATION),
                    home_unit=home,
                )
            )
            held = {code for code, share in GENERAL_SKILLS.items() if rng.random() < share}
            if health:
                held |= {"medical"} if rng.random() < 0.7 else set()
                held |= {"sampling"} if rng.random() < 0.45 else set()
            elif rng.random() < 0.02:
                held.add("sampling")
            links.append(held)
    created = StaffMember.objects.bulk_create(rows, batch_size=2000)
    through = StaffMember.skills.through
    pairs = [(p.pk, code) for p, held in zip(created, links, strict=True) for code in sorted(held)]
    through.objects.bulk_create(
        [through(staffmember_id=pk, skill_id=skills[code]) for pk, code in pairs], batch_size=5000
    )
    return [(p.pk, p.agency_id, p.status) for p in created]


def build_users(agencies: list) -> dict:
    from phaodai.accounts.models import User
    from phaodai.accounts.roles import Role
    from phaodai.places.models import AdminUnit

    city = AdminUnit.objects.get(code="92")
    users = {}
    for username, role in (("sonoivu", Role.HOME_AFFAIRS), ("btc.thanhuy", Role.PARTY_BOARD), ("soyte", Role.HEALTH)):
        users[username] = User.objects.create_user(username=username, password=None, role=role, scope_unit=city)
    return users


def build_history(rng: random.Random, people: list[tuple[int, int, str]], users: dict, today: date) -> None:
    """A month of past mobilisations: the people now 'mobilised' are in an approved assignment that ends within two
    weeks; about one in ten others served 3-20 days in the last month (released), which rotation reads."""
    from django.utils import timezone

    from phaodai.mobilisation.models import Assignment, MobilisationDecision, RequestTarget, StaffingRequest
    from phaodai.places.models import AdminUnit, Level

    city = AdminUnit.objects.get(code="92")
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith="/92/").order_by("path"))
    past = StaffingRequest.objects.create(
        title="Đợt huy động tháng trước",
        task="distancing",
        origin_unit=city,
        requested_by=users["soyte"],
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=14),
        status="approved",
    )
    targets = RequestTarget.objects.bulk_create(
        [RequestTarget(request=past, commune=c, people_requested=100) for c in communes]
    )
    decision = MobilisationDecision.objects.create(
        issuing_unit=city,
        number="1234/QĐ-UBND",
        status="approved",
        created_by=users["sonoivu"],
        approved_by=users["sonoivu"],
        approved_at=timezone.now(),
    )
    rows = []
    for pk, agency_id, status in people:
        if status == "mobilised":
            start = today - timedelta(days=rng.randint(1, 14))
            rows.append((pk, agency_id, start, today + timedelta(days=rng.randint(0, 14)), "approved"))
        elif status == "available" and rng.random() < 0.10:
            end = today - timedelta(days=rng.randint(1, 10))
            rows.append((pk, agency_id, end - timedelta(days=rng.randint(2, 19)), end, "released"))
    Assignment.objects.bulk_create(
        [
            Assignment(
                decision=decision,
                target=rng.choice(targets),
                staff_id=pk,
                agency_id=agency_id,
                start_date=start,
                end_date=end,
                state=state,
                why=["bench"],
            )
            for pk, agency_id, start, end, state in rows
        ],
        batch_size=2000,
    )


def build_requests(rng: random.Random, users: dict, wanted: int, today: date) -> None:
    from phaodai.mobilisation.models import RequestTarget, StaffingRequest, Task
    from phaodai.places.models import AdminUnit, Level
    from phaodai.staff.models import Skill

    city = AdminUnit.objects.get(code="92")
    districts = list(AdminUnit.objects.filter(level=Level.DISTRICT, path__startswith="/92/").order_by("path"))
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith="/92/").order_by("path"))
    skills = {s.code: s.pk for s in Skill.objects.all()}
    tasks = [t.value for t in Task]
    starts = [today + timedelta(days=d) for d in (1, 2, 3, 5, 8)]
    requests, targets, required, preferred = [], [], [], []
    for n in range(wanted):
        task = rng.choice(tasks)
        start = rng.choice(starts)
        origin = city if rng.random() < 0.6 else rng.choice(districts)
        pool = [c for c in communes if c.path.startswith(origin.path)]
        request = StaffingRequest(
            title=f"Đề xuất {n + 1}: {Task(task).label}",
            task=task,
            origin_unit=origin,
            requested_by=users["soyte"],
            start_date=start,
            end_date=start + timedelta(days=rng.choice((6, 13, 20))),
            vaccinated_only=rng.random() < 0.5,
            status="approved",
        )
        requests.append(request)
        for commune in rng.sample(pool, min(len(pool), rng.randint(1, 5))):
            targets.append((n, commune, rng.randint(5, 40)))
        if task in ("sampling", "vaccination") and rng.random() < 0.5:
            required.append((n, skills["sampling" if task == "sampling" else "medical"]))
        elif task == "data_entry" and rng.random() < 0.5:
            required.append((n, skills["data_entry"]))
        if rng.random() < 0.35:
            for code in rng.sample(["data_entry", "it", "driving", "communication", "khmer"], rng.randint(1, 2)):
                preferred.append((n, skills[code]))
    created = StaffingRequest.objects.bulk_create(requests)
    RequestTarget.objects.bulk_create(
        [RequestTarget(request=created[n], commune=c, people_requested=p) for n, c, p in targets]
    )
    for field, links in (("required_skills", required), ("preferred_skills", preferred)):
        through = getattr(StaffingRequest, field).through
        taken = {(n, s) for n, s in links}
        through.objects.bulk_create([through(staffingrequest_id=created[n].pk, skill_id=s) for n, s in sorted(taken)])


# ---------------------------------------------------------------------------------------------------------------
# Timing


def time_allocation(username: str, runs: int, today: date, profile: bool) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from phaodai.accounts.models import User
    from phaodai.mobilisation.allocation import allocate
    from phaodai.mobilisation.models import StaffingRequest

    user = User.objects.get(username=username)
    requests = list(StaffingRequest.objects.filter(status="approved", start_date__gt=today).order_by("pk"))
    samples, signatures = [], []
    proposal = None
    for _ in range(runs):
        started = time.perf_counter()
        proposal = allocate(requests, user=user, today=today)
        samples.append(time.perf_counter() - started)
        signatures.append(proposal.signature())
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        allocate(requests, user=user, today=today)
    started = time.perf_counter()
    named = sum(pick.staff is not None for pick in proposal.picks)
    whys = [pick.why for pick in proposal.picks]
    explanation = proposal.as_json()
    rendering = time.perf_counter() - started
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        allocate(requests, user=user, today=today)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    rings = Counter(p.ring for p in proposal.picks)
    return {
        "user": username,
        "samples": samples,
        "same": all(s == signatures[0] for s in signatures),
        "queries": len(queries),
        "rendering": rendering,
        "requests": len(requests),
        "targets": len(proposal.targets),
        "demand": proposal.demand,
        "pool": proposal.pool_total,
        "agencies": sum(1 for q in proposal.quotas if q.mobilisable),
        "filled": len(proposal.picks),
        "beyond": sum(p.beyond_quota for p in proposal.picks),
        "short_targets": len(proposal.shortfalls),
        "missing": sum(s.missing for s in proposal.shortfalls),
        "rings": rings,
        "why_lines": sum(len(w) for w in whys),
        "named": named,
        "explanation_kib": len(str(explanation)) // 1024,
    }


def staff_facts() -> dict:
    from phaodai.mobilisation.models import Assignment
    from phaodai.places.models import Agency
    from phaodai.staff.models import StaffMember

    return {
        "staff": StaffMember.objects.count(),
        "agencies": Agency.objects.count(),
        "party": Agency.objects.filter(bloc="party").count(),
        "assignments": Assignment.objects.count(),
        "skills": StaffMember.skills.through.objects.count(),
    }


def markdown(results: list[dict], facts: dict, built: dict[str, float], info: dict[str, str]) -> str:
    lines = [
        MARKERS[0],
        f"### {info['Database'].split()[0]}, {facts['staff']:,} civil servants, {facts['agencies']} agencies",
        "",
        "| who allocates | requests (targets) | demand | pool | filled | median | max | queries | same twice "
        "| target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        worst = max(r["samples"])
        lines.append(
            f"| {r['user']} | {r['requests']} ({r['targets']}) | {r['demand']:,} | {r['pool']:,} | {r['filled']:,} | "
            f"{statistics.median(r['samples']):.2f} s | {worst:.2f} s | {r['queries']} | "
            f"{'yes' if r['same'] else '**NO**'} | {'✅' if worst < TARGET_S else '❌'} < {TARGET_S:.0f} s |"
        )
    lines += ["", "What the proposals hold:", ""]
    for r in results:
        total = max(1, r["filled"])
        rings = r["rings"]
        lines.append(
            f"- **{r['user']}**: {r['agencies']} agencies with people to give; {r['filled']:,} people picked "
            f"({rings.get(0, 0) * 100 / total:.0f} % living in the target commune, "
            f"{rings.get(1, 0) * 100 / total:.0f} % in its district, {rings.get(2, 0) * 100 / total:.0f} % further), "
            f"{r['beyond']:,} of them beyond their agency's quota (skill or vaccination gates); "
            f"{r['short_targets']} targets short by {r['missing']:,} in all. Then reading the {r['named']:,} people "
            f"(`pick.staff`, one query), every pick's “why” ({r['why_lines']:,} sentences) and the explanation "
            f"JSON ({r['explanation_kib']:,} KiB) takes {r['rendering']:.2f} s more."
        )
    lines += [
        "",
        f"Timed runs per user: {len(results[0]['samples'])} (the first included). Database: {facts['staff']:,} staff, "
        f"{facts['skills']:,} skill links, {facts['assignments']:,} past assignments, {facts['agencies']} agencies "
        f"({facts['party']} of the Party bloc).",
        "",
        "Setup: " + "; ".join(f"{k} {v:.1f} s" for k, v in built.items()) + "." if built else "Setup: reused.",
        "",
        "| machine | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines.append(MARKERS[1])
    return "\n".join(lines)


def write_section(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    start, end = MARKERS
    if start in doc and end in doc:
        doc = doc[: doc.index(start)] + text + doc[doc.index(end) + len(end) :]
    else:
        doc = doc.rstrip("\n") + "\n\n## Allocation\n\n" + text + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    args = parse_args()
    prepare_environment(args.database_url)
    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.utils import timezone
    from django.utils.translation import activate
    from run_bench import machine

    activate("vi")
    today = timezone.localdate()
    built: dict[str, float] = {}
    if not args.reuse:
        built = build_city(args.staff, args.agencies, args.requests, args.seed, today)
    facts = staff_facts()
    print(f"database: {facts}")
    results = [time_allocation(user, args.runs, today, args.profile) for user in ("sonoivu", "btc.thanhuy")]
    for r in results:
        print(
            f"{r['user']}: median {statistics.median(r['samples']):.2f} s, max {max(r['samples']):.2f} s, "
            f"runs {', '.join(f'{s:.2f}' for s in r['samples'])}; same twice: {r['same']}; queries {r['queries']}; "
            f"demand {r['demand']}, pool {r['pool']}, filled {r['filled']}, beyond quota {r['beyond']}, "
            f"short {r['short_targets']} targets / {r['missing']} people; rings {dict(r['rings'])}"
        )
    text = markdown(results, facts, built, machine())
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"written to {DOC}")
    if not all(r["same"] for r in results) or any(max(r["samples"]) >= TARGET_S for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
