"""Benchmark: capacity and footprint of `cdohub serve`, as `make demo` runs it (issue #13).

Loads the Guangdong demo into a fresh data folder (or a PostgreSQL database), starts `cdohub serve` on
a free loopback port and measures:

- footprint: the resident memory (sum of RSS) of serve's process tree after start-up and a few requests;
- saturation: requests/s of a closed loop of users without think time;
- latency: p50/p95 for 10 and 50 users who each send about one request a second.

Every virtual user signs in through the login form (CSRF token from the form) as one of the demo's data
specialists and sends the mix: 80% page and API reads, 20% API writes (a new draft resource, or a change
to one of its own drafts). Afterwards every acknowledged write is looked up in the database.

    .venv/bin/python bench/load.py                       # embedded SQLite, writes docs/benchmarks.md
    .venv/bin/python bench/load.py --db postgresql       # CDOHUB_BENCH_POSTGRES_URL (drops it first)
    .venv/bin/python bench/load.py --seconds 10 --no-write

Exits non-zero when a request failed or an acknowledged write is missing.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from report import write_section  # bench/report.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
CDOHUB = str(Path(sys.executable).with_name("cdohub"))
PG_URL = os.environ.get("CDOHUB_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cdohub_load")
PASSWORD = "Demo@2021!"
WRITERS = ["maoming_specialist", "ds_440900-SJ", "ds_440300-RS"]
READS = [
    "/dashboard/",
    "/notifications/",
    "/catalog/resources/",
    "/catalog/",
    "/units/",
    "/api/resources/",
    "/api/units/",
    "/api/regions/",
    "/api/classifications/",
    "/api/quality-issues/",
]
WRITE_SHARE = 0.2


# The server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_django(env: dict, script: str) -> str:
    """Run `script` in a Django process under the benchmark's settings; its standard output."""
    done = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + script],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def footprint(root: int) -> list[tuple[int, str, float]]:
    """(pid, command line, RSS in MB) of every process in the tree under `root`."""
    rows = []
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        rows.append((pid, cmdline, int(rss.group(1)) / 1024 if rss else 0.0))
    return rows


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) so far of every process in the tree under `root`."""
    ticks = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


# A signed-in user ---------------------------------------------------------------------------------


class Client:
    """One browser: its own connection and session cookie, signed in through the login form."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):  # a kept-alive connection the server closed: reconnect once
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, f"login form: {status}"
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        ).encode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/",
            },
        )
        assert status == 302 and "sessionid" in self.cookies, f"sign-in of {username}: {status}"

    def api(self, method: str, path: str, payload: dict):
        return self.request(
            method,
            path,
            json.dumps(payload).encode(),
            {
                "Content-Type": "application/json",
                "X-CSRFToken": self.cookies["csrftoken"],
                "Referer": f"http://127.0.0.1:{self.port}/",
            },
        )


@dataclass
class User:
    client: Client
    unit: str
    classification: str
    name: str
    drafts: dict[int, str] = field(default_factory=dict)  # id -> last acknowledged summary


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    created: dict[int, str] = field(default_factory=dict)  # id -> name
    changed: dict[int, str] = field(default_factory=dict)  # id -> summary
    lock: threading.Lock = field(default_factory=threading.Lock)


def one_request(user: User, tally: Tally, rng: random.Random, writes: bool) -> None:
    started = time.perf_counter()
    if writes and rng.random() < WRITE_SHARE:
        if user.drafts and rng.random() < 0.5:
            pk = rng.choice(list(user.drafts))
            text = f"load {user.name} {time.time_ns()}"
            status, body = user.client.api("PATCH", f"/api/resources/{pk}/", {"summary": text})
            ok = status == 200
            if ok:
                user.drafts[pk] = text
                with tally.lock:
                    tally.changed[pk] = text
        else:
            name = f"负载测试 {user.name} {time.time_ns()}"
            status, body = user.client.api(
                "POST",
                "/api/resources/",
                {"unit": user.unit, "name": name, "classification": user.classification},
            )
            ok = status == 201
            if ok:
                pk = json.loads(body)["id"]
                user.drafts[pk] = ""
                with tally.lock:
                    tally.created[pk] = name
        what = "write"
    else:
        what = rng.choice(READS)
        status, body = user.client.request("GET", what)
        ok = status == 200
    elapsed = time.perf_counter() - started
    with tally.lock:
        tally.latencies.append(elapsed)
        if not ok:
            tally.errors.append(f"{what}: {status} {body[:200]!r}")


def run_phase(users: list[User], seconds: float, period: float, writes: bool) -> tuple[Tally, float]:
    """Each user sends a request every `period` seconds (0: back to back) for `seconds`."""
    tally = Tally()
    deadline = time.perf_counter() + seconds

    def loop(index: int, user: User) -> None:
        rng = random.Random(index)
        next_at = time.perf_counter() + rng.random() * period
        while True:
            pause = next_at - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            if time.perf_counter() >= deadline:
                return
            one_request(user, tally, rng, writes)
            next_at = max(next_at + period, time.perf_counter()) if period else 0

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else values[0]


# The run ----------------------------------------------------------------------------------------


def prepare(db: str, data_dir: Path) -> dict:
    env = {**os.environ, "CDOHUB_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "cdohub.settings.demo"}
    env.pop("CDOHUB_DATABASE_URL", None)
    if db == "postgresql":
        env["CDOHUB_DATABASE_URL"] = PG_URL
        name = urllib.parse.urlparse(PG_URL).path.lstrip("/")
        admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin_url, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
        subprocess.run(["psql", admin_url, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    subprocess.run([CDOHUB, "demo", "--no-serve"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return env


def writer_units(env: dict) -> tuple[dict[str, str], str]:
    """Each data specialist's unit code, and a classification for their new resources."""
    script = f"""
import json
from cdohub.accounts.models import RoleAssignment
from cdohub.catalog.models import Classification

roles = RoleAssignment.objects.filter(user__username__in={WRITERS!r}).select_related("user", "unit")
units = {{role.user.username: role.unit.code for role in roles}}
print(json.dumps([units, Classification.objects.order_by("code").values_list("code", flat=True).last()]))
"""
    units, classification = json.loads(run_django(env, script).strip().splitlines()[-1])
    return units, classification


def verify_writes(env: dict, tally: Tally) -> int:
    """How many acknowledged writes are not in the database."""
    path = Path(env["CDOHUB_DATA_DIR"]) / "acknowledged.json"
    path.write_text(json.dumps({"created": tally.created, "changed": tally.changed}))
    script = f"""
import json
from cdohub.catalog.models import Resource

def lost(acknowledged, field):
    rows = dict(Resource.objects.filter(pk__in=[int(k) for k in acknowledged]).values_list("pk", field))
    return sum(rows.get(int(k)) != value for k, value in acknowledged.items())

writes = json.load(open({str(path)!r}))
print(lost(writes["created"], "name") + lost(writes["changed"], "summary"))
"""
    return int(run_django(env, script).strip().splitlines()[-1])


def start_server(env: dict, port: int, workers: int | None) -> subprocess.Popen:
    command = [CDOHUB, "serve", "--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    with open(Path(env["CDOHUB_DATA_DIR"]) / "serve.log", "w") as log:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start; see serve.log in the data folder")


def bench(db: str, seconds: float, saturation_users: int, workers: int | None) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"cdohub-load-{db}-"))
    env = prepare(db, data_dir)
    units, classification = writer_units(env)
    port = free_port()
    server = start_server(env, port, workers)
    try:

        def users(count: int) -> list[User]:
            made = []
            for i in range(count):
                name = WRITERS[i % len(WRITERS)]
                client = Client(port)
                client.sign_in(name)
                made.append(User(client, units[name], classification, f"{name}-{i}"))
            return made

        warm = users(3)
        for user in warm:
            for path in READS:
                user.client.request("GET", path)
        time.sleep(2)
        processes = footprint(server.pid)
        results: dict = {"footprint": processes, "phases": {}}
        acknowledged = Tally()
        for label, count, period in [
            (f"saturation, {saturation_users} users without pause", saturation_users, 0.0),
            ("10 users, ~1 request/s each", 10, 1.0),
            ("50 users, ~1 request/s each", 50, 1.0),
        ]:
            phase_users = users(count)
            server_cpu, own_cpu = cpu_seconds(server.pid), time.process_time()
            tally, elapsed = run_phase(phase_users, seconds, period, writes=True)
            served = max(len(tally.latencies), 1)
            results["phases"][label] = {
                "server_cpu_ms": (cpu_seconds(server.pid) - server_cpu) / served * 1000,
                "client_cpu_ms": (time.process_time() - own_cpu) / served * 1000,
                "requests": len(tally.latencies),
                "rps": len(tally.latencies) / elapsed,
                "p50": percentile(tally.latencies, 0.50) * 1000,
                "p95": percentile(tally.latencies, 0.95) * 1000,
                "errors": tally.errors,
            }
            acknowledged.created.update(tally.created)
            acknowledged.changed.update(tally.changed)
            print(f"  {db} {label}: {results['phases'][label] | {'errors': len(tally.errors)}}", flush=True)
            for error in tally.errors[:3]:
                print(f"    {error}", flush=True)
        results["writes"] = len(acknowledged.created) + len(acknowledged.changed)
        results["lost"] = verify_writes(env, acknowledged)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if db == "sqlite":
        shutil.rmtree(data_dir, ignore_errors=True)
    return results


def _program(cmdline: str) -> str:
    """The command line without the folder of its program (no local paths in the docs)."""
    program, _, rest = cmdline.partition(" ")
    return f"{Path(program).name} {rest}".strip()


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


def report(label: str, results: dict[str, dict], seconds: float, load_before: str, load_after: str) -> str:
    lines = [
        "## Capacity and footprint of `cdohub serve` (issue #13)",
        "",
        f"`bench/load.py`: {label}. `cdohub serve` as `make demo` runs it, on a free loopback port; every "
        "virtual user signs in through the login form as one of the demo's three data specialists and "
        f"sends 80% page and API reads, 20% API writes (a new draft resource or a change to one of its "
        f"own drafts); {seconds:.0f} s per phase. Every acknowledged write is looked up in the database "
        "afterwards. Targets: ≥ 100 requests/s at saturation, p95 < 300 ms for 50 users at ~1 request/s, "
        "0 errors, 0 writes lost; under 500 MB resident idle on the embedded default. Server CPU is the "
        "CPU time of serve's processes (workers and background) per request served; the load generator "
        "runs on the same two cores.",
        "",
        f"Machine load (shared machine) before: {load_before}; after: {load_after}.",
    ]
    for db, result in results.items():
        total = sum(rss for _, _, rss in result["footprint"])
        lines += [
            "",
            f"### {db}",
            "",
            "| phase | requests | requests/s | p50 ms | p95 ms | errors | server CPU ms/request "
            "| load generator CPU ms/request |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for phase, row in result["phases"].items():
            lines.append(
                f"| {phase} | {row['requests']} | {row['rps']:.1f} | {row['p50']:.0f} | {row['p95']:.0f} "
                f"| {len(row['errors'])} | {row['server_cpu_ms']:.1f} | {row['client_cpu_ms']:.1f} |"
            )
        lines += [
            "",
            f"Acknowledged writes: {result['writes']}, lost: {result['lost']}.",
            "",
            f"Footprint after start-up and a few requests: {len(result['footprint'])} processes, "
            f"{total:.0f} MB resident (sum of RSS):",
            "",
        ]
        lines += [f"- {rss:.0f} MB `{_program(cmd)[:110]}`" for _, cmd, rss in result["footprint"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--saturation-users", type=int, default=20)
    parser.add_argument("--workers", type=int, help="serve's --workers (default: serve's own)")
    parser.add_argument("--label", default="after the tuning")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    options = parser.parse_args()
    load_before = machine_load()
    results = {}
    for db in ["sqlite", "postgresql"] if options.db == "both" else [options.db]:
        results[db] = bench(db, options.seconds, options.saturation_users, options.workers)
    text = report(options.label, results, options.seconds, load_before, machine_load())
    print(text)
    if not options.no_write:
        write_section(text)
    failures = []
    for db, result in results.items():
        errors = sum(len(row["errors"]) for row in result["phases"].values())
        for row in result["phases"].values():
            for error in row["errors"][:5]:
                print(f"  {db} error: {error}")
        total = sum(rss for _, _, rss in result["footprint"])
        print(f"ASSERT {db}: errors == 0: {errors == 0} ({errors})")
        print(
            f"ASSERT {db}: writes lost == 0: {result['lost'] == 0} ({result['lost']} of {result['writes']})"
        )
        print(f"TARGET {db}: footprint < 500 MB: {total < 500} ({total:.0f} MB)")
        saturation = next(iter(result["phases"].values()))
        fifty = list(result["phases"].values())[-1]
        print(
            f"TARGET {db}: saturation >= 100 requests/s: {saturation['rps'] >= 100} ({saturation['rps']:.1f})"
        )
        print(f"TARGET {db}: p95 < 300 ms for 50 users: {fifty['p95'] < 300} ({fifty['p95']:.0f} ms)")
        if errors or result["lost"]:
            failures.append(db)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
