"""Locust scenario of issue #5's load test: team leaders submit today's report, once each, with retries.

Run by bench/load_reports.py, which builds the database, starts gunicorn and writes the leaders' file; by hand:

    PHAODAI_BENCH_LEADERS=var/bench/reports_load/leaders.json PHAODAI_BENCH_RESULTS=/tmp/results.json \\
        .venv/bin/locust -f bench/locustfile_reports.py --headless -u 3000 -r 12.5 --run-time 5m --host http://...

Each simulated user takes the next leader from the file (a list of {team, username, password, token, day, values,
key, login, double_tap, drop_answer}) and:
- `login`: exchanges the password for the token at /api/auth/token/ (the others use the token their phone holds);
- submits `POST /api/team-reports/` {team, day, values} with `Idempotency-Key: key`, and on a connection error, a
  timeout, a 5xx or a 429 sends the very same request again (same key), backing off 0.5 s, 1 s, 2 s, … up to 8 s
  (half of it random); a 4xx other than 429 is a final error (the input is wrong: sending it again cannot help);
- `double_tap`: sends that request twice at the same moment (a thumb on a slow phone);
- `drop_answer`: stops reading the first answer after 5 ms (the request is sent and processed, the answer is lost
  as on a train going into a tunnel), then retries with the same key.
Then it idles; when every leader is done the run stops. Every attempt is recorded (what, tap, attempt, start,
milliseconds, status, error) and written to PHAODAI_BENCH_RESULTS when the test stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time

import gevent
from locust import HttpUser, events, task
from locust.env import Environment

LEADERS_PATH = os.environ.get("PHAODAI_BENCH_LEADERS", "")
RESULTS_PATH = os.environ.get("PHAODAI_BENCH_RESULTS", "")
MAX_ATTEMPTS = int(os.environ.get("PHAODAI_BENCH_ATTEMPTS", "8"))
READ_TIMEOUT = float(os.environ.get("PHAODAI_BENCH_TIMEOUT", "30"))
CONNECT_TIMEOUT = 5.0
DROP_AFTER = 0.005  # seconds: the first answer of a `drop_answer` leader is never read
SUBMIT, TOKEN = "/api/team-reports/", "/api/auth/token/"
DROPPED = "answer dropped on purpose"

LEADERS: list[dict] = json.loads(open(LEADERS_PATH, encoding="utf-8").read()) if LEADERS_PATH else []  # noqa: SIM115
_next_leader = itertools.count()
OUTCOMES: list[dict] = []
_written = False


def retryable(status: int) -> bool:
    """No answer (connection refused or reset, timeout), a server error or 'too many requests': try again."""
    return status == 0 or status >= 500 or status == 429


def backoff(attempt: int) -> float:
    """0.5 s, 1 s, 2 s, … up to 8 s, half of it random so that leaders who failed together do not retry together."""
    step = min(8.0, 0.5 * 2 ** (attempt - 1))
    return step / 2 + random.uniform(0, step / 2)


class TeamLeader(HttpUser):
    """One team leader with a phone: submits today's report once, then puts the phone away."""

    @task
    def report_today(self) -> None:
        n = next(_next_leader)
        if n >= len(LEADERS):
            gevent.sleep(10**6)  # more users than leaders: nothing to do
            return
        leader = LEADERS[n]
        outcome = {
            "team": leader["team"],
            "login": leader["login"],
            "double_tap": leader["double_tap"],
            "acked": 0,
            "attempts": [],
            "started_at": time.time(),
            "done_at": None,
            "error": "",
        }
        try:
            token = self.log_in(leader, outcome) if leader["login"] else leader["token"]
            if token:
                self.submit(leader, token, outcome)
        finally:
            outcome["done_at"] = time.time()
            OUTCOMES.append(outcome)
            if len(OUTCOMES) == len(LEADERS):
                gevent.spawn_later(1, self.environment.runner.quit)
        gevent.sleep(10**6)  # done for the day; the runner stops everyone at the end

    def log_in(self, leader: dict, outcome: dict) -> str:
        answer = self.send(
            "login",
            TOKEN,
            "POST /api/auth/token/",
            outcome,
            json={"username": leader["username"], "password": leader["password"]},
            headers={},
        )
        return answer.get("token", "") if answer else ""

    def submit(self, leader: dict, token: str, outcome: dict) -> None:
        body = {"team": leader["team"], "day": leader["day"], "values": leader["values"]}
        headers = {"Authorization": f"Token {token}", "Idempotency-Key": leader["key"]}

        def one(tap: int, drop: bool) -> dict | None:
            return self.send(
                "submit",
                SUBMIT,
                "POST /api/team-reports/",
                outcome,
                json=body,
                headers=headers,
                tap=tap,
                drop_first=drop,
            )

        if leader["double_tap"]:
            taps = [gevent.spawn(one, 1, leader["drop_answer"]), gevent.spawn(one, 2, False)]
            gevent.joinall(taps)
            answers = [t.value for t in taps if t.value]
        else:
            answer = one(1, leader["drop_answer"])
            answers = [answer] if answer else []
        if answers:
            outcome["acked"] = answers[0]["status"]
            outcome["report"] = answers[0].get("report")

    def send(
        self,
        what: str,
        path: str,
        name: str,
        outcome: dict,
        *,
        json: dict,
        headers: dict,
        tap: int = 1,
        drop_first: bool = False,
    ) -> dict | None:
        """POST until answered 2xx, or a final 4xx, or MAX_ATTEMPTS; returns the answer's JSON plus its status."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            drop = drop_first and attempt == 1
            timeout = (CONNECT_TIMEOUT, DROP_AFTER if drop else READ_TIMEOUT)
            started, clock = time.time(), time.perf_counter()
            label = f"{name} [{DROPPED}]" if drop else name
            with self.client.post(
                path, json=json, headers=headers, name=label, timeout=timeout, catch_response=True
            ) as response:
                took = (time.perf_counter() - clock) * 1000
                status = response.status_code or 0
                error = ""
                if drop and status == 0:
                    error = DROPPED
                elif status == 0:
                    error = f"{type(response.error).__name__}: {response.error}"[:200]
                elif status not in (200, 201):
                    error = response.text[:300]
                outcome["attempts"].append([what, tap, attempt, started, round(took, 2), status, error])
                if status in (200, 201):
                    response.success()
                    try:
                        answer = response.json()
                    except ValueError:
                        answer = {}
                    answer["status"] = status
                    return answer
                response.failure(error or f"HTTP {status}")
                if status and not retryable(status):
                    outcome["error"] = f"HTTP {status}: {error}"
                    return None
            gevent.sleep(backoff(attempt))
        outcome["error"] = outcome["error"] or f"gave up after {MAX_ATTEMPTS} attempts"
        return None


@events.test_stop.add_listener
def write_results(environment: Environment, **_kwargs) -> None:
    global _written
    if _written or not RESULTS_PATH:
        return
    _written = True
    payload = {"outcomes": OUTCOMES, "max_attempts": MAX_ATTEMPTS, "leaders": len(LEADERS)}
    with open(RESULTS_PATH, "w", encoding="utf-8") as out:
        json.dump(payload, out)
