#!/usr/bin/env python
"""Load test of issue #5: 3,000 team leaders submit today's report within 5 minutes, with retries switched on.

    .venv/bin/python bench/load_reports.py                 # PostgreSQL phaodai_bench_reports, ~7 minutes in all
    .venv/bin/python bench/load_reports.py --reuse         # same database, today's reports wiped first
    .venv/bin/python bench/load_reports.py --no-faults     # no dropped answers, double taps or killed workers
    .venv/bin/python bench/load_reports.py --teams 300 --spawn-window 30 --no-write   # a quick smoke run

The production set-up on this machine: gunicorn (sync workers, 2 × cores + 1) serving phaodai.wsgi with
PHAODAI_DEBUG off, in front of PostgreSQL. The script

1. recreates its own database (only one whose name contains "bench"), migrates, loads Cần Thơ's units (2021
   structure) and bulk-builds an approved mobilisation: delegations across the city's communes (20 teams each by
   default), every team with a leader (civil servant, approved assignment, open membership) and the leader's
   login (role team_leader, scoped to the commune) with a pre-issued API token;
2. starts gunicorn on a free local port and warms it up;
3. runs locust headless (bench/locustfile_reports.py): one simulated leader per team, spawned evenly over
   --spawn-window seconds, each submits today's report ONCE under a fixed Idempotency-Key and retries with the same
   key on connection errors, timeouts and 5xx. Faults are injected so the retries are exercised: some leaders log
   in with their password first (the rest use the token their phone already holds), some double-tap (the same
   request twice at once), some lose the first answer (the client gives up reading it and sends again), and one
   gunicorn worker is killed with SIGKILL every --kill-every seconds (the master starts a new one);
4. checks the database: exactly one TeamReport per simulated team for today, each with exactly one version
   carrying that leader's key and the figures sent; nothing for the other teams; prints p50/p95/max latency,
   requests, errors, retries, throughput and writes them with the machine into docs/performance.md;
5. exits non-zero if a report is lost, duplicated or differs from what was sent, or a leader never got an answer.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from run_bench import recreate_database  # the benchmarks share one guarded drop-and-create

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
VENV_BIN = ROOT / ".venv" / "bin"
WORK = ROOT / "var" / "bench" / "reports_load"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/phaodai_bench_reports"
SECTION = "## Daily reports under load (issue #5)"
PASSWORD = "bench-leader-password-2021"  # every bench leader's password (a throw-away database)
USERNAME = "bench.totruong{:04d}"
WINDOW_S = 300  # the target: every leader has submitted within 5 minutes


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    parser.add_argument("--teams", type=int, default=3000, help="teams (and leaders) in the database (default 3000)")
    parser.add_argument("--teams-per-delegation", type=int, default=20, help="default 20 (150 delegations)")
    parser.add_argument("--users", type=int, help="simulated leaders (default: one per team)")
    parser.add_argument(
        "--spawn-window", type=float, default=240, help="seconds over which the leaders arrive (default 240)"
    )
    parser.add_argument("--run-time", type=int, default=WINDOW_S, help="locust's hard stop, seconds (default 300)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--login-share", type=float, default=0.01, help="leaders who log in with a password first")
    parser.add_argument("--double-tap-share", type=float, default=0.05, help="leaders who send twice at once")
    parser.add_argument("--drop-answer-share", type=float, default=0.02, help="leaders whose first answer is lost")
    parser.add_argument("--kill-every", type=float, default=60, help="SIGKILL a gunicorn worker every N s (0: never)")
    parser.add_argument("--no-faults", action="store_true", help="no logins, double taps, lost answers or kills")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--reuse", action="store_true", help="keep the database built before; wipe its reports")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    parser.add_argument(
        "--build-only", action="store_true", help="build the database and stop (run later with --reuse)"
    )
    args = parser.parse_args()
    if args.no_faults:
        args.login_share = args.double_tap_share = args.drop_answer_share = args.kill_every = 0
    args.users = args.teams if args.users is None else args.users
    if not 0 < args.users <= args.teams:
        parser.error("--users must be between 1 and --teams")
    return args


def prepare_environment(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["PHAODAI_DEBUG"] = "0"
    os.environ["PHAODAI_DEMO"] = "0"
    os.environ.setdefault("PHAODAI_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["PHAODAI_VAR_DIR"] = str(ROOT / "var" / "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "phaodai.settings"
    sys.path.insert(0, str(ROOT / "src"))


# ---------------------------------------------------------------------------------------------------------------
# The field: delegations, teams, leaders, logins


def build(teams: int, per_delegation: int, seed: int, today: date) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection, transaction

    took: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    took["migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("load_admin_units", "--structure", "2021", "--province", "92", verbosity=0)
    took["load_admin_units (Cần Thơ)"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        build_field(random.Random(seed), teams, per_delegation, today)
    took[f"bulk build ({teams:,} teams)"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return took


def build_field(rng: random.Random, teams: int, per_delegation: int, today: date) -> None:
    """An approved mobilisation, built directly (as reporting/testing.py does): one request with a target per
    commune, one approved decision, the delegations active from a week ago to a week ahead, their teams, and for
    every team a leader with an approved assignment, an open membership and a team_leader login with a token."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from phaodai.accounts.models import User
    from phaodai.accounts.roles import Role
    from phaodai.core.demo.people import birth_date, full_name, mobile
    from phaodai.core.text import fold
    from phaodai.mobilisation.models import (
        Assignment,
        AssignmentState,
        CoordinationTeam,
        DecisionStatus,
        Delegation,
        MobilisationDecision,
        RequestStatus,
        RequestTarget,
        StaffingRequest,
        Task,
        Team,
        TeamMembership,
    )
    from phaodai.places.models import AdminUnit, Agency, AgencyKind, Level
    from phaodai.staff.models import StaffMember

    start, end = today - timedelta(days=7), today + timedelta(days=7)
    city = AdminUnit.objects.get(code="92")
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith=city.path).order_by("path"))
    delegations_wanted = -(-teams // per_delegation)
    # Delegations round-robin over the communes: 150 delegations over Cần Thơ's 85 communes = one or two each.
    placed = [communes[i % len(communes)] for i in range(delegations_wanted)]
    coordinator = User.objects.create_user(
        username="bench.dieuphoi", password=None, role=Role.HOME_AFFAIRS, scope_unit=city
    )
    # The people come from the commune People's Committees and the city's departments.
    agencies = Agency.objects.bulk_create(
        [
            Agency(
                name=f"UBND {c.name}",
                kind=AgencyKind.COMMUNE_COMMITTEE,
                unit=c,
                headcount=2000,
                min_in_office=0,
                search_name=fold(f"UBND {c.name} "),
            )
            for c in communes
        ]
    )
    agency_of = {a.unit_id: a for a in agencies}
    request = StaffingRequest.objects.create(
        title="Tăng cường lực lượng hỗ trợ phòng, chống dịch (bench)",
        task=Task.SAMPLING,
        origin_unit=city,
        requested_by=coordinator,
        start_date=start,
        end_date=end,
        status=RequestStatus.APPROVED,
    )
    per_commune = Counter(c.pk for c in placed)
    targets = {
        t.commune_id: t
        for t in RequestTarget.objects.bulk_create(
            [
                RequestTarget(
                    request=request,
                    commune=c,
                    people_requested=per_commune[c.pk] * (per_delegation + 1),
                    people_approved=per_commune[c.pk] * (per_delegation + 1),
                )
                for c in communes
                if per_commune[c.pk]
            ]
        )
    }
    decision = MobilisationDecision.objects.create(
        issuing_unit=city,
        number="2021/QĐ-UBND",
        status=DecisionStatus.APPROVED,
        created_by=coordinator,
        approved_by=coordinator,
        approved_at=timezone.now(),
    )
    decision.requests.add(request)
    coordination = CoordinationTeam.objects.create(name="Tổ Điều phối nguồn nhân lực", unit=city, phone="02923820123")

    # People: a head per delegation, a leader per team; each working in the commune they are sent to.
    sizes = [min(per_delegation, teams - d * per_delegation) for d in range(delegations_wanted)]
    people, serial = [], 0
    for d, commune in enumerate(placed):
        for _ in range(1 + sizes[d]):
            serial += 1
            gender = "F" if rng.random() < 0.45 else "M"
            dob = birth_date(rng, gender)
            name = full_name(rng, gender, khmer=False)
            century = {19: 0, 20: 2}[dob.year // 100] + (1 if gender == "F" else 0)
            people.append(
                StaffMember(
                    full_name=name,
                    search_name=fold(name),
                    gender=gender,
                    date_of_birth=dob,
                    citizen_id=f"092{century}{dob.year % 100:02d}{serial:06d}",
                    phone=mobile(rng),
                    agency=agency_of[commune.pk],
                    status="mobilised",
                    home_unit=commune,
                )
            )
    people = StaffMember.objects.bulk_create(people, batch_size=2000)
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                decision=decision,
                target=targets[p.home_unit_id],
                staff=p,
                agency_id=p.agency_id,
                start_date=start,
                end_date=end,
                state=AssignmentState.APPROVED,
                why=["bench"],
            )
            for p in people
        ],
        batch_size=2000,
    )
    tasks = [t.value for t in Task]
    delegation_rows, team_specs, cursor = [], [], 0
    for d, commune in enumerate(placed):
        head = people[cursor]
        delegation_rows.append(
            Delegation(
                name=f"Đoàn công tác số {d + 1:03d} — {commune.name}",
                decision=decision,
                target_unit=commune,
                head=head,
                coordination_team=coordination,
                start_date=start,
                end_date=end,
            )
        )
        for k in range(sizes[d]):
            team_specs.append((d, k, cursor + 1 + k))
        cursor += 1 + sizes[d]
    delegations = Delegation.objects.bulk_create(delegation_rows)
    team_rows = Team.objects.bulk_create(
        [
            Team(delegation=delegations[d], name=f"Tổ {k + 1:02d}", task=tasks[(d + k) % len(tasks)], leader=people[i])
            for d, k, i in team_specs
        ],
        batch_size=2000,
    )
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(team=team, staff=people[i], assignment=assignments[i], joined_on=start)
            for team, (_, _, i) in zip(team_rows, team_specs, strict=True)
        ],
        batch_size=2000,
    )
    # One hash for everyone (PBKDF2 at Django's 1,000,000 iterations takes ~0.7 s here: 3,000 would take half an hour).
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                username=USERNAME.format(n + 1),
                password=hashed,
                role=Role.TEAM_LEADER,
                scope_unit=delegations[d].target_unit,
                staff_member=people[i],
                first_name=people[i].full_name,
            )
            for n, (d, _, i) in enumerate(team_specs)
        ],
        batch_size=2000,
    )
    # The token a leader's phone got when it first logged in (DRF tokens do not expire).
    Token.objects.bulk_create([Token(key=uuid.UUID(int=rng.getrandbits(128)).hex + "bench000", user=u) for u in users])


def reset_reports() -> int:
    """--reuse: today's (and any) bench reports go, so the run starts from empty slots."""
    from phaodai.reporting.models import TeamReport, TeamReportVersion

    TeamReportVersion.objects.all().delete()
    deleted, _ = TeamReport.objects.all().delete()
    return deleted


def sample_values(rng: random.Random, fields: list[dict]) -> dict:
    """Plausible figures for a form version's fields: every number, the choice, sometimes a line of text."""
    values: dict = {}
    for f in fields:
        if f["kind"] == "number":
            values[f["key"]] = rng.randint(0, 250)
        elif f["kind"] == "choice":
            values[f["key"]] = rng.choice([c["value"] for c in f["choices"]])
        elif f.get("required") or rng.random() < 0.3:
            values[f["key"]] = "Hoàn thành nhiệm vụ được giao trong ngày, không phát sinh vướng mắc."
    return values


def write_leaders(args: argparse.Namespace, today: date, path: Path) -> list[dict]:
    """The simulated leaders (one per team, in a random arrival order) with what each will send."""
    from rest_framework.authtoken.models import Token

    from phaodai.mobilisation.models import Team
    from phaodai.reporting.team_reports import form_for

    rng = random.Random(args.seed + 1)
    tokens = dict(Token.objects.values_list("user__staff_member_id", "key"))
    usernames = dict(
        Team.objects.values_list("leader_id", "leader__user_account__username").filter(
            leader__user_account__isnull=False
        )
    )
    teams = list(Team.objects.order_by("pk"))
    forms = {}
    rng.shuffle(teams)
    leaders = []
    for team in teams[: args.users]:
        if team.task not in forms:
            forms[team.task] = form_for(team).fields
        leaders.append(
            {
                "team": team.pk,
                "username": usernames[team.leader_id],
                "password": PASSWORD,
                "token": tokens[team.leader_id],
                "day": today.isoformat(),
                "values": sample_values(rng, forms[team.task]),
                "key": str(uuid.uuid4()),  # new per run: a retry reuses it, a new run does not
                "login": rng.random() < args.login_share,
                "double_tap": rng.random() < args.double_tap_share,
                "drop_answer": rng.random() < args.drop_answer_share,
            }
        )
    path.write_text(json.dumps(leaders, ensure_ascii=False), encoding="utf-8")
    return leaders


# ---------------------------------------------------------------------------------------------------------------
# The server and the swarm


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(workers: int, port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PHAODAI_DEBUG": "0",
        "PHAODAI_DEMO": "0",
        "PHAODAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PHAODAI_LOG_LEVEL": "ERROR",
    }
    command = [
        str(VENV_BIN / "gunicorn"),
        "phaodai.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--backlog",
        "4096",
        "--error-logfile",
        "-",
        # Time spent in the worker per request (from accept to the last byte), to set against what clients see.
        "--access-logfile",
        str(log.with_name("access.log")),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",
        "--log-level",
        "warning",
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    log.with_name("access.log").unlink(missing_ok=True)  # gunicorn appends: this run's requests only
    (ROOT / "var" / "bench" / "static").mkdir(
        parents=True, exist_ok=True
    )  # WhiteNoise's STATIC_ROOT (unused by the API)
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen(
            command, env=env, cwd=ROOT / "src", start_new_session=True, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/", timeout=2)  # noqa: S310 - our own server
            break
        except urllib.error.HTTPError:
            break  # 401/403: it answers
        except OSError:
            time.sleep(0.3)
    else:
        stop(server)
        sys.exit("gunicorn did not answer within 60 s")
    return server


def warm_up(port: int, token: str, workers: int) -> None:
    """Every worker imports the views and opens its database connection before the clock runs (as in production,
    where the server has been up all day)."""
    for _ in range(workers * 6):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/team-reports/?page_size=1", headers={"Authorization": f"Token {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
            response.read()


def worker_pids(master: int) -> list[int]:
    try:
        found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return []
    return [int(p) for p in found.stdout.split()]


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1
    return int(fields[11]) + int(fields[12])  # utime + stime


def busy_worker(master: int) -> int | None:
    """A worker that is using CPU right now, i.e. in the middle of a request (so the kill cuts one off); after a
    second of looking, any worker."""
    pids = worker_pids(master)
    for _ in range(40):
        before = {pid: cpu_ticks(pid) for pid in pids}
        time.sleep(0.025)
        busy = [pid for pid in pids if cpu_ticks(pid) > before[pid] >= 0]
        if busy:
            return random.choice(busy)
    return random.choice(pids) if pids else None


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes reaped so far: locust, then gunicorn and its workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_locust(args: argparse.Namespace, port: int, server: subprocess.Popen, users: int) -> dict:
    """Locust headless in its own process (gevent stays out of this one); meanwhile kill a worker now and then."""
    rate = users / max(args.spawn_window, 1)
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile_reports.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        f"{rate:.3f}",
        "--run-time",
        f"{args.run_time}s",
        "--stop-timeout",
        "10",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(WORK / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "PHAODAI_BENCH_LEADERS": str(WORK / "leaders.json"),
        "PHAODAI_BENCH_RESULTS": str(WORK / "results.json"),
    }
    (WORK / "results.json").unlink(missing_ok=True)
    print(f"locust: {users:,} leaders at {rate:.1f}/s over {args.spawn_window:.0f} s, hard stop {args.run_time} s")
    started = time.time()
    cpu_before = children_cpu()
    with open(WORK / "locust.log", "w", encoding="utf-8") as log:
        swarm = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        kills = []
        next_kill = started + args.kill_every if args.kill_every else None
        while swarm.poll() is None:
            time.sleep(0.5)
            if next_kill and time.time() >= next_kill and time.time() - started < args.spawn_window:
                victim = busy_worker(server.pid)
                if victim:
                    os.kill(victim, signal.SIGKILL)  # a worker of the gunicorn this script started
                    kills.append(round(time.time() - started, 1))
                    print(f"  killed gunicorn worker {victim} at +{kills[-1]} s")
                next_kill += args.kill_every
    took = time.time() - started
    locust_cpu = children_cpu() - cpu_before  # locust has been reaped, gunicorn not yet
    if not (WORK / "results.json").exists():
        sys.exit(f"locust wrote no results (exit {swarm.returncode}); see {WORK / 'locust.log'}")
    results = json.loads((WORK / "results.json").read_text(encoding="utf-8"))
    results["kills"] = kills
    results["locust_exit"] = swarm.returncode
    results["wall"] = took
    results["locust_cpu"] = locust_cpu
    return results


# ---------------------------------------------------------------------------------------------------------------
# The verdict


def check_database(leaders: list[dict], today: date, acked: set[int]) -> dict:
    """What the database holds after the run, against what the leaders sent."""
    from django.db.models import Count

    from phaodai.reporting.models import TeamReport, TeamReportVersion

    sent = {leader["team"]: leader for leader in leaders}
    reports = list(TeamReport.objects.annotate(stored=Count("versions")).values("team_id", "day", "stored", "pk"))
    per_team = Counter(r["team_id"] for r in reports)
    versions = {
        v["report__team_id"]: v
        for v in TeamReportVersion.objects.values("report__team_id", "idempotency_key", "values", "submitted_by_id")
    }
    facts = {
        "teams_simulated": len(sent),
        "reports": len(reports),
        "versions": TeamReportVersion.objects.count(),
        "lost": sum(1 for team in sent if per_team[team] == 0),
        # The worst kind: the server said 201/200 and the report is not there.
        "acked_missing": sum(1 for team in acked if per_team[team] == 0),
        "duplicated": sum(n - 1 for n in per_team.values() if n > 1)
        + sum(r["stored"] - 1 for r in reports if r["stored"] > 1),
        "wrong_day": sum(1 for r in reports if r["day"] != today),
        "unexpected": sum(1 for team in per_team if team not in sent),
        "mismatched": 0,
    }
    for team, leader in sent.items():
        version = versions.get(team)
        if version is not None and (
            version["idempotency_key"] != leader["key"] or version["values"] != leader["values"]
        ):
            facts["mismatched"] += 1
    return facts


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summarise(results: dict, leaders: list[dict]) -> dict:
    """Latencies of the requests that got an answer, errors by cause, retries, and when each leader was done."""
    outcomes = results["outcomes"]
    attempts = [a for o in outcomes for a in o["attempts"]]
    # attempt: [what, tap, attempt number, start (epoch s), ms, status, error]
    submit_ok = [a[4] for a in attempts if a[0] == "submit" and a[5] in (200, 201)]
    login_ok = [a[4] for a in attempts if a[0] == "login" and a[5] == 200]
    dropped = [a for a in attempts if a[6] == "answer dropped on purpose"]
    unexpected = [a for a in attempts if a[5] not in (200, 201) and a not in dropped]
    causes = Counter(a[6].split(":")[0] if a[5] == 0 else f"HTTP {a[5]}" for a in unexpected)
    starts = [a[3] for a in attempts]
    done_at = [o["done_at"] for o in outcomes if o["acked"]]
    first = min(starts) if starts else 0.0
    statuses = Counter(a[5] for a in attempts if a[0] == "submit" and a[5] in (200, 201))
    acked = [o for o in outcomes if o["acked"]]
    per_leader = [o["done_at"] - o["started_at"] for o in acked]
    return {
        "leaders": len(leaders),
        "started": len(outcomes),
        "acked": len(acked),
        "unanswered": [o["team"] for o in outcomes if not o["acked"]],
        "not_started": len(leaders) - len(outcomes),
        "requests": len(attempts),
        "submit_requests": sum(1 for a in attempts if a[0] == "submit"),
        "login_requests": sum(1 for a in attempts if a[0] == "login"),
        "created": statuses.get(201, 0),
        "replayed": statuses.get(200, 0),
        "retries": sum(1 for a in attempts if a[2] > 1),
        "leaders_retrying": sum(1 for o in outcomes if any(a[2] > 1 for a in o["attempts"])),
        "dropped": len(dropped),
        "errors": len(unexpected),
        "causes": dict(causes.most_common()),
        "double_taps": sum(1 for o in outcomes if o["double_tap"]),
        "logins": sum(1 for o in outcomes if o["login"]),
        "submit_ms": submit_ok,
        "login_ms": login_ok,
        "leader_s": per_leader,
        "span": (max(done_at) - first) if done_at else float("nan"),
        "throughput": len(submit_ok) / max(1e-9, (max(done_at) - first)) if done_at else 0.0,
        "kills": results.get("kills", []),
        "wall": results.get("wall", 0.0),
        "max_attempts": results.get("max_attempts"),
        "locust_cpu": results.get("locust_cpu", 0.0),
        "server_cpu": results.get("server_cpu", 0.0),
    }


def server_times(path: Path) -> list[float]:
    """Milliseconds in the worker for each answered submission, from gunicorn's access log."""
    if not path.exists():
        return []
    times = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "POST" and parts[1] == "/api/team-reports/" and parts[2] in ("200", "201"):
            times.append(int(parts[3]) / 1000)
    return times


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value == value else "–"


def markdown(args: argparse.Namespace, s: dict, db: dict, built: dict[str, float], info: dict[str, str]) -> str:
    faults = not args.no_faults and (args.kill_every or args.double_tap_share or args.drop_answer_share)
    title = "with faults injected" if faults else "without injected faults"
    unanswered = len(s["unanswered"]) + s["not_started"]
    ok = db["lost"] == 0 and db["duplicated"] == 0 and db["mismatched"] == 0 and not unanswered
    within = s["span"] <= WINDOW_S and not unanswered
    sub, log, leader = s["submit_ms"], s["login_ms"], [x * 1000 for x in s["leader_s"]]
    lines = [
        f"### {s['leaders']:,} team leaders, {title}",
        "",
        f"gunicorn {args.workers} sync workers + {info['Database']}, locust {info.get('locust', '')} on the same "
        f"machine; leaders arriving evenly over {args.spawn_window:.0f} s; every submission under a fixed "
        f"Idempotency-Key, retried with the same key on connection errors, timeouts and 5xx "
        f"(up to {s['max_attempts']} attempts, backing off 0.5 s, 1 s, 2 s, … 8 s).",
        "",
        "| measurement | p50 | p95 | max | n |",
        "|---|---:|---:|---:|---:|",
        f"| `POST /api/team-reports/` answered 201/200 | {ms(percentile(sub, 0.5))} | {ms(percentile(sub, 0.95))} | "
        f"{ms(max(sub, default=float('nan')))} | {len(sub):,} |",
    ]
    if s["server_ms"]:
        srv = s["server_ms"]
        lines.append(
            f"| the same, time spent in the gunicorn worker (access log) | {ms(percentile(srv, 0.5))} | "
            f"{ms(percentile(srv, 0.95))} | {ms(max(srv))} | {len(srv):,} |"
        )
    if log:
        lines.append(
            f"| `POST /api/auth/token/` (password login) | {ms(percentile(log, 0.5))} | "
            f"{ms(percentile(log, 0.95))} | {ms(max(log))} | {len(log):,} |"
        )
    lines += [
        f"| a leader's whole submission, retries included | {ms(percentile(leader, 0.5))} | "
        f"{ms(percentile(leader, 0.95))} | {ms(max(leader, default=float('nan')))} | {len(leader):,} |",
        "",
        "| result | |",
        "|---|---|",
        f"| all leaders done within 5 minutes | {'✅' if within else '❌'} last answer {s['span']:.0f} s after the "
        f"first request |",
        f"| reports in the database / teams simulated | {db['reports']:,} / {db['teams_simulated']:,} "
        f"({db['versions']:,} versions) |",
        f"| lost (a team without its report) | {'✅' if db['lost'] == 0 else '❌'} {db['lost']} "
        f"(of which answered 201/200 yet missing: {db['acked_missing']}) |",
        f"| duplicated (a second report or version) | {'✅' if db['duplicated'] == 0 else '❌'} {db['duplicated']} |",
        f"| stored figures or key differ from what was sent | {'✅' if db['mismatched'] == 0 else '❌'} "
        f"{db['mismatched']} |",
        f"| leaders who never got an answer (gave up, or not started by the hard stop) | "
        f"{'✅' if not unanswered else '❌'} {unanswered} |",
        f"| requests | {s['requests']:,} ({s['submit_requests']:,} submissions, {s['login_requests']:,} logins) |",
        f"| answers to submissions | {s['created']:,} × 201 created, {s['replayed']:,} × 200 replayed "
        f"(same key: double taps and retries) |",
        f"| errors seen by the clients | {s['errors']:,}"
        + (" (" + ", ".join(f"{k}: {v}" for k, v in s["causes"].items()) + ")" if s["causes"] else "")
        + f" + {s['dropped']} answers dropped on purpose |",
        f"| retries | {s['retries']:,} by {s['leaders_retrying']:,} leaders |",
        f"| throughput | {s['throughput']:.1f} submissions/s on average |",
        f"| CPU used | server (gunicorn) {s['server_cpu']:.0f} s, load generator (locust) {s['locust_cpu']:.0f} s, "
        f"in {s['wall']:.0f} s × {os.cpu_count()} cores; PostgreSQL not counted |",
        "| injected | none |"
        if not faults
        else f"| injected | {s['logins']} password logins (the others use the token their phone holds), "
        f"{s['double_taps']} double taps, {s['dropped']} lost answers, {len(s['kills'])} gunicorn workers "
        f"killed (at {', '.join(f'+{k:.0f} s' for k in s['kills']) or '–'}) |",
        f"| verdict | {'✅ zero lost, zero duplicated' if ok else '❌ FAILED'} |",
        "",
    ]
    if built:
        lines += ["Setup: " + "; ".join(f"{k} {v:.1f} s" for k, v in built.items()) + ".", ""]
    lines += ["| machine | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in info.items()]
    return "\n".join(lines) + "\n"


INTRO = """\
`bench/load_reports.py` (see bench/README.md) runs the load test the issue asks for against the production
set-up on this machine — gunicorn (sync workers, `2 × cores + 1`) serving `phaodai.wsgi` with debug off, and
PostgreSQL — with locust: one simulated team leader per team (3,000 teams in 150 delegations over Cần Thơ's
communes), arriving evenly over four minutes, each submitting today's report once through
`POST /api/team-reports/` with a fixed `Idempotency-Key`, retrying with the same key on connection errors,
timeouts and 5xx. The run with faults loses 2 % of first answers on purpose (the client stops reading and sends
again), double-taps 5 % (the same request twice at once), logs 1 % of the leaders in with their password first,
and every minute kills with SIGKILL a gunicorn worker that is busy with a request. Afterwards the script checks the
database itself: exactly one report with exactly one version per team, carrying the leader's key and the figures
sent; it exits non-zero otherwise.

Password logins are few on purpose: Django's PBKDF2 (1,000,000 iterations) costs about 0.7 s of CPU per login on
this machine, so 3,000 logins alone would need ~35 CPU-minutes — far more than two cores have in five minutes.
A phone logs in once and keeps its API token (DRF tokens do not expire), so at 17:00 the leaders submit with the
token they already hold. The load generator, the server and the database share the same two cores (and, while
these figures were taken, other test suites ran on the machine: see the load average), so the figures are
pessimistic for the server.
"""


def write_section(mode: str, text: str) -> None:
    """Replace this mode's block inside the section (creating the section when missing), keeping everything else."""
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    start, end = f"<!-- bench:reports-load:{mode} -->", f"<!-- /bench:reports-load:{mode} -->"
    block = f"{start}\n{text}{end}"
    if SECTION not in doc:
        doc = doc.rstrip("\n") + f"\n\n{SECTION}\n\n{INTRO}\n"
    if start in doc and end in doc:
        doc = doc[: doc.index(start)] + block + doc[doc.index(end) + len(end) :]
    else:
        # After the section's last block (or its intro), before whatever section follows it.
        head, _, rest = doc.partition(SECTION)
        following = rest.find("\n## ")
        body, tail = (rest, "") if following < 0 else (rest[:following], rest[following:])
        doc = head + SECTION + body.rstrip("\n") + "\n\n" + block + "\n" + tail
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    args = parse_args()
    prepare_environment(args.database_url)
    sys.path.insert(0, str(ROOT / "bench"))
    WORK.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone
    from run_bench import machine

    today = timezone.localdate()  # Asia/Ho_Chi_Minh: the delegations' default time zone
    built: dict[str, float] = {}
    if args.reuse:
        print(f"reuse: {reset_reports()} reports wiped")
    else:
        built = build(args.teams, args.teams_per_delegation, args.seed, today)
        if args.build_only:
            print("built: " + "; ".join(f"{k} {v:.1f} s" for k, v in built.items()))
            return
    from phaodai.mobilisation.models import Team

    teams = Team.objects.count()
    if args.users > teams:
        sys.exit(f"--users {args.users} but the database holds {teams} teams (rebuild without --reuse)")
    leaders = write_leaders(args, today, WORK / "leaders.json")
    print(f"{teams:,} teams; {len(leaders):,} leaders will submit for {today:%d/%m/%Y}")
    connection.close()  # the server and the checks use their own connections

    load_before = os.getloadavg()
    port = free_port()
    server = start_gunicorn(args.workers, port, WORK / "gunicorn.log")
    try:
        warm_up(port, leaders[0]["token"], args.workers)
        results = run_locust(args, port, server, len(leaders))
    finally:
        cpu_before = children_cpu()
        stop(server)
    results["server_cpu"] = children_cpu() - cpu_before
    if timezone.localdate() != today:
        print("warning: the local day changed during the run; reports are checked against the day sent")

    s = summarise(results, leaders)
    s["server_ms"] = server_times(WORK / "access.log")
    db = check_database(leaders, today, {o["team"] for o in results["outcomes"] if o["acked"]})
    info = machine()
    info["gunicorn"] = f"{args.workers} sync workers"
    load_after = os.getloadavg()
    info["Load average (1/5/15 min)"] = (
        f"before the run {' / '.join(f'{x:.1f}' for x in load_before)}; "
        f"after {' / '.join(f'{x:.1f}' for x in load_after)}"
    )
    info["locust"] = subprocess.run(
        [str(VENV_BIN / "locust"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()[1]
    mode = "clean" if args.no_faults else "faults"
    text = markdown(args, s, db, built, info)
    print()
    print(text)
    if s["unanswered"]:
        print(f"unanswered teams: {s['unanswered'][:20]}")
    print(f"database: {db}")
    if not args.no_write:
        write_section(mode, text)
        print(f"written to {DOC.relative_to(ROOT)}")
    failed = db["lost"] or db["duplicated"] or db["mismatched"] or db["unexpected"] or s["unanswered"]
    failed = failed or s["not_started"]
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
