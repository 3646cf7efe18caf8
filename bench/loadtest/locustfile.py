"""The daily page mix under load, for locust (started by bench/loadtest/run.py, which says how).

Simulated staff of both practices are signed in as the demo users (the demo's one-click sign-in,
once per demo user before the users start: a seeded demo database only, CASEWORK_DEMO_SIGN_IN on:
docs/security.md) and then, with LOADTEST_THINK_SECONDS between pages, ask for the daily pages:

* practitioners (4 in 5 users): their home (own caseload), a person search by name, a person's
  page, a looked-after child's page, in equal shares;
* team managers (1 in 5): their team's caseload.

So each of the five pages is about a fifth of the requests.

The ids and names asked for come from LOADTEST_TARGETS (a JSON file the runner writes from the
seeded database). Only 127.0.0.1 is ever asked. Every page must answer 200 with no redirect (a
redirect to the sign-in page would otherwise count as a fast success).

Figures count only page requests started LOADTEST_WARM_UP seconds after every user has started
(the sign-ins, made before, are not counted). They go to LOADTEST_SUMMARY as JSON: requests,
errors, p50, p95, p99, throughput.
"""

import http.cookiejar
import itertools
import json
import os
import random
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

THINK_SECONDS = float(os.environ.get("LOADTEST_THINK_SECONDS", "0"))
WARM_UP = float(os.environ.get("LOADTEST_WARM_UP", "3"))

with open(os.environ["LOADTEST_TARGETS"], encoding="utf-8") as targets_file:
    TARGETS = json.load(targets_file)  # {"practices": [{"practitioner", "team_manager", "people", ...}]}

_practice_turn = itertools.count()
_sessions: dict[str, str] = {}  # demo username -> its session's Cookie header
_state = {"signed_in": 0, "measure_from": None, "samples": [], "errors": 0, "last": 0.0, "failures": {}}


@events.init.add_listener
def _loopback_only(environment, **kwargs):
    host = environment.host or ""
    if not (host.startswith("http://127.0.0.1:") or host.startswith("http://localhost:")):
        raise SystemExit(f"The load test asks 127.0.0.1 only, not {host!r}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _sign_in(host: str, username: str) -> str:
    """The demo's one-click sign-in for one demo user; their session's Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirects)
    opener.open(f"{host}/accounts/login/", timeout=120).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = urllib.parse.urlencode({"username": username, "csrfmiddlewaretoken": token}).encode()
    try:
        opener.open(f"{host}/accounts/demo-sign-in/", data=form, timeout=120)
    except urllib.error.HTTPError as answer:  # the 302 that signing in answers, not followed
        if answer.code != 302:
            raise SystemExit(f"The demo sign-in answered {answer.code}: is it on, on a seeded database?") from None
    else:
        raise SystemExit("The demo sign-in was refused: is CASEWORK_DEMO_SIGN_IN on, on a seeded database?")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


@events.test_start.add_listener
def _sign_in_each_demo_user_once(environment, **kwargs):
    """Before any user starts: one sign-in per demo user, its session shared by every simulated
    user signed in as them (as one person with several tabs). A sign-in checks a password hash,
    hundreds of milliseconds of CPU on purpose: 40 users signing in at once spent most of a run on
    it, and a sign-in queued behind slow pages delayed the measured window."""
    for practice in TARGETS["practices"]:
        for role in ("practitioner", "team_manager"):
            _sessions[practice[role]] = _sign_in(environment.host, practice[role])


@events.spawning_complete.add_listener
def _measure_from_now(user_count, **kwargs):
    _state["signed_in"] = user_count
    _state["measure_from"] = time.time() + WARM_UP


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, **kwargs):
    measure_from = _state["measure_from"]
    if measure_from is None or (start_time or 0) < measure_from:
        return
    _state["samples"].append(response_time)
    _state["last"] = time.time()
    if exception is not None:
        _state["errors"] += 1
        reason = f"{name}: {type(exception).__name__}: {str(exception)[:80]}"
        _state["failures"][reason] = _state["failures"].get(reason, 0) + 1


@events.quitting.add_listener
def _write_summary(environment, **kwargs):
    samples = sorted(_state["samples"])
    measure_from = _state["measure_from"]
    window = (_state["last"] - measure_from) if samples and measure_from else 0.0

    def percentile(share):
        return round(samples[min(len(samples) - 1, int(share * len(samples)))], 1) if samples else None

    summary = {
        "users": environment.parsed_options.num_users,
        "think_seconds": THINK_SECONDS,
        "users_signed_in": _state["signed_in"],
        "measured_seconds": round(window, 1),
        "requests": len(samples),
        "errors": _state["errors"],
        "failures": _state["failures"],
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "mean_ms": round(statistics.fmean(samples), 1) if samples else None,
        "requests_per_second": round(len(samples) / window, 1) if window else None,
    }
    with open(os.environ["LOADTEST_SUMMARY"], "w", encoding="utf-8") as out:
        json.dump(summary, out, indent=2)


class Staff(FastHttpUser):
    abstract = True
    role = ""

    def wait_time(self):
        return THINK_SECONDS

    def on_start(self):
        self.practice = TARGETS["practices"][next(_practice_turn) % len(TARGETS["practices"])]
        self.cookie = _sessions[self.practice[self.role]]

    def page(self, url: str, name: str):
        with self.client.get(
            url, name=name, headers={"Cookie": self.cookie}, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")


class Practitioner(Staff):
    weight = 4
    role = "practitioner"

    @task
    def home(self):
        self.page("/", "home (own caseload)")

    @task
    def search(self):
        given, family = random.choice(self.practice["names"])
        self.page(f"/people/?name={given}+{family}", "person search")

    @task
    def person(self):
        self.page(f"/people/{random.choice(self.practice['people'])}/", "person page")

    @task
    def looked_after_child(self):
        self.page(f"/looked-after/{random.choice(self.practice['looked_after'])}/", "looked-after child page")


class TeamManager(Staff):
    weight = 1
    role = "team_manager"

    @task
    def team_caseload(self):
        self.page(f"/teams/{self.practice['team']}/caseload/", "team caseload")
