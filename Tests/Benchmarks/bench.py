#!/usr/bin/env python3
"""The access point's whole performance picture in one reproducible run (issue #9).

Builds the release binary, generates a seeded synthetic national dataset with `chargereg
generate` (default 330,000 Chilean locations, about a million EVSEs) and measures, on SQLite and
on PostgreSQL, each with peak RSS: file ingest, the OCPI, CSV and GeoJSON dumps, a full crawl of
the OCPI Sender at limit=1000, quality scoring from scratch, the read API under wrk (EVSE point
lookup, list page, bounding box, radius) and single-connector pushes to the Receiver. Next to
ours it measures the machine's own limits on the same input and load (`cat` to /dev/null, orjson
parsing it, the sqlite3 shell loading the same rows, nginx serving our responses as static
files) and prints our figures as a share of each. The result is a Markdown table, with the
machine and the date, on standard output or in --out; progress goes to standard error.

Needs python3 with orjson (pip), wrk, nginx and sqlite3 (Debian packages), and for PostgreSQL
either --postgres or the server binaries (package postgresql) for a throwaway local cluster.
"""

import argparse
import http.client
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The read queries: a title, and the request for a sampled EVSE (its ID, its location's position).
READS = {
    "EVSE point lookup": lambda evse_id, latitude, longitude: f"/api/v1/evses/{evse_id}",
    "list page, limit=100": lambda evse_id, latitude, longitude: "/api/v1/locations?limit=100",
    "bbox ±0.02°, limit=100": lambda evse_id, latitude, longitude: (
        f"/api/v1/locations?limit=100&bbox={longitude - 0.02:.5f},{latitude - 0.02:.5f},"
        f"{longitude + 0.02:.5f},{latitude + 0.02:.5f}"),
    "radius 2 km, limit=100": lambda evse_id, latitude, longitude: (
        f"/api/v1/locations?limit=100&radius_m=2000&near={latitude},{longitude}"),
}
PUSH_CONNECTIONS = 16


class BenchError(Exception):
    """A step that failed: the message says which and why."""


def progress(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


# Processes


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float


def measure(arguments, stdout=subprocess.DEVNULL, stdin=None, env=None):
    """Runs a command to its end: wall seconds and its peak RSS (from wait4, so of that process alone)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(arguments, stdout=stdout, stdin=stdin, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip()[-2000:]
            raise BenchError(f"`{' '.join(map(str, arguments))}` exited {process.returncode}: {tail}")
    return Measurement(seconds, usage.ru_maxrss / 1024)


def output(arguments, env=None):
    result = subprocess.run(arguments, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BenchError(f"`{' '.join(arguments)}` exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{what} exited {process.returncode} before listening on port {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise BenchError(f"{what} did not listen on port {port} within {seconds} s")


def memory_mb(pid):
    """Peak RSS so far and anonymous RSS now, from /proc."""
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["RssAnon"].split()[0]) / 1024


class Server:
    """`chargereg serve` on a free loopback port for one phase, ready once its first quality scan
    (which `serve` starts at once) has finished, so that the scan does not share the measurement."""

    def __init__(self, run, database):
        self.run, self.database, self.port = run, database, free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log_path = os.path.join(self.run.work, f"serve-{self.port}.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            # The load comes from one address: the per-client rate limit is off for the measurement.
            [self.run.binary, "serve", "--database", self.database, "--listen", f"127.0.0.1:{self.port}",
             "--rate-limit", "0"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        wait_for_port(self.port, self.process, 60, "chargereg serve")
        deadline = time.monotonic() + 1800
        while b"scored " not in (lines := self.scan_lines()) and b"added up " not in lines:
            if b"failed" in lines or self.process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"chargereg serve finished no quality scan: {lines.decode(errors='replace')[-500:]}")
            time.sleep(0.2)
        return self

    def scan_lines(self):
        with open(self.log_path, "rb") as log:
            return b"".join(line for line in log if b"scored " in line or b"added up " in line or b"failed" in line)

    def memory(self):
        return memory_mb(self.process.pid)

    def __exit__(self, *failure):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        os.remove(self.log_path)


# wrk


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int


def rate(requests_per_second):
    return f"{requests_per_second / 1000:.1f} k" if requests_per_second >= 1000 else f"{requests_per_second:.0f}"


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url, duration, connections, script=None):
    arguments = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    text = output(arguments + (["-s", script] if script else []) + [url])
    try:
        latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", text, re.M))
        failures = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
        failures += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
        return Load(
            float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), milliseconds(latency["50"]),
            milliseconds(latency["99"]), int(re.search(r"(\d+) requests in", text).group(1)), failures)
    except (AttributeError, KeyError) as error:
        raise BenchError(f"could not read wrk's output ({error}): {text}")


def lua_script(path, lines_file, request_body):
    """A wrk script that picks a random line of `lines_file` (words split into `w`) for each request."""
    with open(path, "w") as script:
        script.write(f"""local counter = 0
function setup(thread) counter = counter + 1; thread:set("seed", counter) end
function init(args)
  math.randomseed(seed)
  lines = {{}}
  for line in io.lines("{lines_file}") do
    local w = {{}}
    for word in line:gmatch("%S+") do w[#w + 1] = word end
    lines[#lines + 1] = w
  end
end
function request()
  local w = lines[math.random(#lines)]
  {request_body}
end
""")
    return path


# The machine's own limits


class Nginx:
    """nginx serving the files of one folder on a free loopback port, with as many workers as cores."""

    def __init__(self, work, folder):
        self.work, self.folder, self.port = work, folder, free_port()

    def __enter__(self):
        prefix = os.path.join(self.work, "nginx")
        os.makedirs(prefix, exist_ok=True)
        temporary = " ".join(
            f"{kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;" if os.geteuid() == 0 else ""
        with open(os.path.join(prefix, "nginx.conf"), "w") as config:
            config.write(f"""{user} worker_processes auto; pid {prefix}/nginx.pid; error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; {temporary}
  server {{ listen 127.0.0.1:{self.port}; root {self.folder}; }} }}
""")
        self.process = subprocess.Popen(
            ["nginx", "-p", prefix, "-c", os.path.join(prefix, "nginx.conf"), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process, 20, "nginx")
        return self

    def __exit__(self, *failure):
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(30)


class PostgresCluster:
    """A throwaway PostgreSQL cluster with the default settings (fsync on) on a free loopback port."""

    def __init__(self, work):
        versions = sorted(
            (d for d in os.listdir("/usr/lib/postgresql") if os.path.isdir(f"/usr/lib/postgresql/{d}/bin")),
            key=lambda v: [int(p) for p in v.split(".") if p.isdigit()]) if os.path.isdir("/usr/lib/postgresql") else []
        if not versions:
            raise BenchError("no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql), "
                             "and no --postgres given; or choose --backends sqlite")
        self.bin = f"/usr/lib/postgresql/{versions[-1]}/bin"
        self.folder, self.port = os.path.join(work, "pg"), free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def __enter__(self):
        os.makedirs(self.folder)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        output(self.as_postgres + [f"{self.bin}/initdb", "-D", f"{self.folder}/data", "-A", "trust", "-U", "postgres",
                                   "-E", "UTF8"])
        output(self.as_postgres + [f"{self.bin}/pg_ctl", "-D", f"{self.folder}/data", "-l", f"{self.folder}/log", "-w",
                                   "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start"])
        self.conninfo = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        return self

    def __exit__(self, *failure):
        subprocess.run(self.as_postgres + [f"{self.bin}/pg_ctl", "-D", f"{self.folder}/data", "-m", "fast", "stop"],
                       capture_output=True)


# The run


@dataclass
class Dataset:
    path: str
    bytes: int
    locations: int
    evses: int
    generate: Measurement
    parse_seconds: float
    push_party: str
    # Files of sample lines for the wrk scripts: a request path per line for each of READS, and
    # "location EVSE connector" per line for the pushes.
    reads: list = field(default_factory=list)
    push_targets: str = ""


@dataclass
class BackendResult:
    rows: dict = field(default_factory=dict)
    loads: dict = field(default_factory=dict)
    ingest: Measurement = None


class Bench:
    def __init__(self, options, work):
        self.options, self.work = options, work
        self.binary = options.binary
        self.results = {}
        self.limits = {}

    # Setup

    def prepare(self):
        missing = [tool for tool in ("wrk", "nginx", "sqlite3")
                   if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}")]
        if importlib.util.find_spec("orjson") is None:
            missing.append("orjson (pip install orjson)")
        if missing:
            raise BenchError(f"missing: {', '.join(missing)}; install them (Debian packages wrk, nginx-light, "
                             "sqlite3; PyPI orjson) and run again")
        if shutil.which("nginx") is None:
            os.environ["PATH"] += ":/usr/sbin"
        if self.binary is None:
            progress("building the release binary (swift build -c release --product chargereg)")
            output(["swift", "build", "--package-path", ROOT, "-c", "release", "--product", "chargereg"])
            self.binary = os.path.join(ROOT, ".build", "release", "chargereg")

    def dataset(self):
        path = os.path.join(self.work, f"generated-{self.options.locations}-seed{self.options.seed}.json")
        progress(f"generating {self.options.locations} locations (seed {self.options.seed})")
        generate = measure([self.binary, "generate", "--locations", str(self.options.locations), "--seed",
                            str(self.options.seed), "--out", path])
        # Parsed in a child process: this one stays small, and every command it starts reports
        # its own peak RSS, not a copy of this process's.
        facts = json.loads(output([sys.executable, __file__, "--sample", path, self.work, str(self.options.seed)]))
        dataset = Dataset(path, os.path.getsize(path), facts["locations"], facts["evses"], generate,
                          facts["parse_seconds"], facts["push_party"])
        dataset.reads = [os.path.join(self.work, f"read{index}.txt") for index in range(len(READS))]
        dataset.push_targets = os.path.join(self.work, "push_targets.txt")
        self.country = facts["country"]
        return dataset

    # Our measurements, per backend

    def backend(self, name, database, data):
        result = BackendResult()
        rows = result.rows
        label = BACKENDS[name]
        progress(f"{label}: file ingest")
        output([self.binary, "migrate", "--database", database])
        stats = output([self.binary, "stats", "--database", database])
        if not re.search(r"^locations\s+0\b", stats, re.M):
            raise BenchError(f"the {label} database must be empty to start with; `chargereg stats` says:\n{stats}")
        result.ingest = ingest = measure([self.binary, "ingest", "--database", database, data.path])
        rows["file ingest"] = (f"{ingest.seconds:.1f} s · **{data.bytes / 1e6 / ingest.seconds:.1f} MB/s** · "
                               f"**{data.locations / ingest.seconds / 1000:.1f} k locations/s** · "
                               f"peak RSS {ingest.peak_rss_mb:.0f} MB")
        if name == "sqlite":
            self.sqlite_load(database)

        for format, title in (("ocpi", "dump, OCPI 2.2.1 JSON"), ("csv", "dump, CSV (a row per connector)"),
                              ("geojson", "dump, GeoJSON")):
            progress(f"{label}: {title}")
            dump = os.path.join(self.work, f"dump.{format}")
            run = measure([self.binary, "export", "--database", database, "--format", format, "--out", dump])
            size = os.path.getsize(dump) / 1e6
            os.remove(dump)
            rows[title] = (f"{run.seconds:.1f} s · {size:.0f} MB · **{size / run.seconds:.1f} MB/s** · "
                           f"peak RSS {run.peak_rss_mb:.0f} MB")

        progress(f"{label}: quality scoring from scratch")
        run = measure([self.binary, "quality", "--rescan", "--database", database, "--format", "csv", "--out",
                       os.path.join(self.work, "quality.csv")])
        rows["quality scoring from scratch"] = (
            f"**{run.seconds:.1f} s** · {data.locations / run.seconds / 1000:.1f} k locations/s · "
            f"peak RSS {run.peak_rss_mb:.0f} MB")

        progress(f"{label}: Sender crawl")
        with Server(self, database) as server:
            crawl, deep = self.crawl(server)
        rows["Sender crawl, OCPI 2.2.1, limit=1000"] = crawl
        rows["Sender page at an offset, no cursor (5 tries)"] = deep
        progress(f"{label}: read API under wrk")
        with Server(self, database) as server:
            self.reads(server, data, result)
        progress(f"{label}: pushes under wrk")
        self.register_pusher(database, data)
        with Server(self, database) as server:
            rows["pushes: single-connector PATCH"] = self.pushes(server, data)
        return result

    def crawl(self, server):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        target, pages, size, slowest = "/ocpi/2.2.1/sender/locations?limit=1000", 0, 0, 0.0
        started = time.perf_counter()
        while target:
            before = time.perf_counter()
            connection.request("GET", target)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise BenchError(f"Sender page {target}: HTTP {response.status}: {body[:300]!r}")
            slowest = max(slowest, time.perf_counter() - before)
            pages, size = pages + 1, size + len(body)
            link = response.getheader("Link")
            target = re.sub(r"^https?://[^/]+", "", re.match(r"<([^>]*)>", link).group(1)) if link else None
        seconds = time.perf_counter() - started
        total = int(response.getheader("X-Total-Count"))
        peak, anonymous = server.memory()
        crawl = (f"{seconds:.1f} s · {pages} pages, {total} locations, {size / 1e6:.0f} MB · "
                 f"**{size / 1e6 / seconds:.0f} MB/s** · slowest page {slowest * 1000:.0f} ms · "
                 f"server peak RSS {peak:.0f} MB ({anonymous:.0f} MB anonymous)")
        deep = []
        for offset in (0, total // 2, max(0, total - 1000)):
            times = []
            for _ in range(5):
                before = time.perf_counter()
                connection.request("GET", f"/ocpi/2.2.1/sender/locations?limit=1000&offset={offset}")
                connection.getresponse().read()
                times.append(time.perf_counter() - before)
            deep.append(f"{offset}: {min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms")
        return crawl, " · ".join(deep)

    def reads(self, server, data, result):
        duration = self.options.duration
        get = 'return wrk.format("GET", w[1])'
        # Warm-up: the first requests fault the database's pages into memory.
        if duration >= 2:
            warm = lua_script(os.path.join(self.work, "warm.lua"), data.reads[0], get)
            wrk(server.url, duration // 2, self.options.connections, warm)
        for index, title in enumerate(READS):
            script = lua_script(os.path.join(self.work, f"read{index}.lua"), data.reads[index], get)
            load = wrk(server.url, duration, self.options.connections, script)
            if load.failures:
                raise BenchError(f"read API, {title}: {load.failures} of {load.requests} requests failed")
            result.loads[title] = load
            result.rows[f"read API: {title}"] = (f"**{rate(load.requests_per_second)} req/s** · "
                                                 f"p50 {load.p50_ms:.1f} ms · p99 {load.p99_ms:.1f} ms")
        peak, anonymous = server.memory()
        result.rows["read API: server memory"] = f"peak RSS {peak:.0f} MB ({anonymous:.0f} MB anonymous)"

    def register_pusher(self, database, data):
        """The office approves the pushing operator's code and gives it an operator token."""
        code = f"{self.country}*{data.push_party}"
        env = dict(os.environ, CHARGEREG_DATABASE=database)
        output([self.binary, "office", "configure", "--countries", self.country], env)
        with Server(self, database) as server:
            body = json.dumps({
                "organisation": {"legal_name": "Benchmark Operator SpA", "company_id": "76.123.456-7",
                                 "address": "Santiago", "country": self.country,
                                 "contact": {"name": "Bench", "email": "bench@example.org"},
                                 "helpdesk_phone": "+56 2 2345 6789", "website": "https://example.org"},
                "roles": ["CPO"], "country": self.country, "proposed_code": code})
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            connection.request("POST", "/api/v1/applications", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
            if response.status != 201:
                raise BenchError(f"applying for {code}: HTTP {response.status}: {answer[:300]!r}")
        application = str(json.loads(answer)["id"])
        output([self.binary, "office", "review", application], env)
        output([self.binary, "office", "approve", application], env)
        self.token = output([self.binary, "token", "create", "--role", "operator", "--party", code], env).strip()

    def pushes(self, server, data):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        request = (
            f'return wrk.format("PATCH", "/ocpi/2.2.1/receiver/locations/{self.country}/{data.push_party}/" .. w[1] '
            f'.. "/" .. w[2] .. "/" .. w[3], {{["Authorization"] = "Token {self.token}", '
            f'["Content-Type"] = "application/json"}}, '
            f'string.format(\'{{"max_amperage": %d, "last_updated": "{stamp}"}}\', math.random(16, 32)))')
        script = lua_script(os.path.join(self.work, "push.lua"), data.push_targets, request)
        load = wrk(server.url, self.options.duration, PUSH_CONNECTIONS, script)
        if load.failures:
            raise BenchError(f"pushes: {load.failures} of {load.requests} were refused or failed")
        peak, anonymous = server.memory()
        return (f"**{load.requests_per_second:.0f} pushes/s** ({PUSH_CONNECTIONS} connections) · "
                f"p50 {load.p50_ms:.0f} ms · p99 {load.p99_ms:.0f} ms · "
                f"server peak RSS {peak:.0f} MB ({anonymous:.0f} MB anonymous)")

    # The machine's own limits

    def sqlite_load(self, database):
        """The sqlite3 shell replaying a `.dump` of the rows our ingest just wrote, into a new file:
        SQLite's own bulk load of the same rows, tables, indexes and triggers."""
        progress("limit: the sqlite3 shell loads the same rows")
        script = os.path.join(self.work, "rows.sql")
        with open(script, "wb") as rows:
            subprocess.run(["sqlite3", database, ".dump"], stdout=rows, check=True)
        target = os.path.join(self.work, "sqlite3-load.sqlite")
        with open(script, "rb") as rows:
            self.limits["sqlite3"] = measure(["sqlite3", target], stdin=rows)
        self.limits["sqlite3 MB"] = os.path.getsize(script) / 1e6
        for path in (script, target):
            os.remove(path)

    def machine_limits(self, data):
        progress("limit: cat and orjson on the input")
        with open(os.devnull, "wb") as null:
            self.limits["cat"] = measure(["cat", data.path], stdout=null)
        limits = [
            ("`cat` the input > /dev/null", self.limits["cat"].seconds, "file ingest"),
            ("orjson parses the input into Python objects (in memory)", data.parse_seconds, "file ingest"),
        ]
        if "sqlite3" in self.limits:
            limits.append((f"the `sqlite3` shell loads the same rows (`.dump` of our SQLite register, "
                           f"{self.limits['sqlite3 MB']:.0f} MB of SQL; peak RSS "
                           f"{self.limits['sqlite3'].peak_rss_mb:.0f} MB)", self.limits["sqlite3"].seconds,
                           "file ingest"))
        table = ["| limit | the machine | " + " | ".join(f"ours, {BACKENDS[b]}" for b in self.results) + " |",
                 "|---|---|" + "---|" * len(self.results)]
        for title, seconds, ours in limits:
            cells = [f"{seconds:.2f} s · {data.bytes / 1e6 / seconds:.0f} MB/s of input"]
            for result in self.results.values():
                cells.append(f"{ours} {data.bytes / 1e6 / result.ingest.seconds:.1f} MB/s = "
                             f"**{seconds / result.ingest.seconds:.1%}**")
            table.append(f"| {title} | " + " | ".join(cells) + " |")
        table += self.nginx_limits(data)
        return table

    def nginx_limits(self, data):
        """nginx serving, as static files, one response of ours per read query, under the same wrk load."""
        progress("limit: nginx under the same wrk load")
        folder = os.path.join(self.work, "static")
        os.makedirs(folder, exist_ok=True)
        database = next(iter(self.databases.values()))
        with Server(self, database) as server:
            for index, reads in enumerate(data.reads):
                with open(reads) as lines:
                    target = lines.readline().strip()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                connection.request("GET", target)
                with open(os.path.join(folder, f"{index}.json"), "wb") as file:
                    file.write(connection.getresponse().read())
        rows = []
        with Nginx(self.work, folder) as nginx:
            for index, title in enumerate(READS):
                size = os.path.getsize(os.path.join(folder, f"{index}.json"))
                load = wrk(f"http://127.0.0.1:{nginx.port}/{index}.json", self.options.duration,
                           self.options.connections)
                cells = [f"{rate(load.requests_per_second)} req/s · p50 {load.p50_ms:.1f} ms · "
                         f"p99 {load.p99_ms:.1f} ms"]
                for result in self.results.values():
                    ours = result.loads[title].requests_per_second
                    cells.append(f"{rate(ours)} req/s = **{ours / load.requests_per_second:.1%}**")
                rows.append(f"| nginx serves our {title} response ({size / 1000:.1f} KB) as a static file | "
                            + " | ".join(cells) + " |")
        return rows

    # The report

    def machine(self):
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
        with open("/proc/meminfo") as meminfo:
            memory = int(meminfo.readline().split()[1]) / 1024 / 1024
        system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
        sqlite = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[:1]
        parts = [f"{model}, {os.cpu_count()} cores, {memory:.1f} GiB", system, f"Linux {platform.release()}",
                 swift[0] if swift else "swift: not found", f"SQLite {''.join(sqlite)}"]
        if "postgresql" in self.results:
            parts.append(self.postgres_version)
        return " · ".join(parts)

    def report(self, data, started):
        lines = [
            f"**{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}** · {self.machine()}",
            "",
            f"Dataset: `chargereg generate --locations {data.locations} --seed {self.options.seed}`: "
            f"{data.locations:,} locations, {data.evses:,} EVSEs, {data.bytes / 1e6:.1f} MB (generated in "
            f"{data.generate.seconds:.1f} s). Read API: `wrk -t2 -c{self.options.connections} "
            f"-d{self.options.duration}s`; pushes: `wrk -t2 -c{PUSH_CONNECTIONS} -d{self.options.duration}s`; "
            "wrk, the server and the database share the machine. Peak RSS from wait4 or the server's VmHWM.",
            "",
            "| measurement | " + " | ".join(BACKENDS[b] for b in self.results) + " |",
            "|---|" + "---|" * len(self.results),
        ]
        titles = list(next(iter(self.results.values())).rows)
        for title in titles:
            lines.append(f"| {title} | " + " | ".join(r.rows.get(title, "") for r in self.results.values()) + " |")
        lines += ["", "Next to the machine's own limits (our figure as a share of the limit):", ""]
        lines += self.machine_limits(data)
        return "\n".join(lines) + "\n"

    def run(self):
        started = time.time()
        self.prepare()
        data = self.dataset()
        self.databases = {}
        cluster = None
        try:
            for name in self.options.backends:
                if name == "sqlite":
                    self.databases[name] = os.path.join(self.work, "bench.sqlite")
                else:
                    if self.options.postgres is None:
                        cluster = PostgresCluster(self.work).__enter__()
                    self.databases[name] = self.options.postgres or cluster.conninfo
                    self.postgres_version = "PostgreSQL " + output(
                        ["psql", self.databases[name], "-tAc", "show server_version"]).split()[0]
                self.results[name] = self.backend(name, self.databases[name], data)
            return self.report(data, started)
        finally:
            if cluster:
                cluster.__exit__()


def sample(path, work, seed):
    """Parses the input with orjson (timed, the collector off, as a parser benchmark would) and
    writes the wrk scripts' sample lines; prints what the run needs to know as JSON."""
    import gc
    import orjson
    with open(path, "rb") as file:
        raw = file.read()
    gc.disable()
    started = time.perf_counter()
    locations = orjson.loads(raw)["data"]
    parse_seconds = time.perf_counter() - started
    randomness = random.Random(seed)
    parties = {}
    for location in locations:
        parties.setdefault(location["party_id"], []).append(location)
    push_party, pushable = max(parties.items(), key=lambda item: len(item[1]))
    def some(rows):
        return randomness.sample(rows, min(len(rows), 20000))

    evses = some([(e["evse_id"], float(l["coordinates"]["latitude"]), float(l["coordinates"]["longitude"]))
                  for l in locations for e in (l.get("evses") or []) if e.get("evse_id")])
    for index, request in enumerate(READS.values()):
        with open(os.path.join(work, f"read{index}.txt"), "w") as lines:
            lines.writelines(request(*evse) + "\n" for evse in evses)
    targets = some([(l["id"], e["uid"], c["id"]) for l in pushable for e in (l.get("evses") or [])
                    for c in (e.get("connectors") or [])])
    with open(os.path.join(work, "push_targets.txt"), "w") as lines:
        lines.writelines(" ".join(map(str, target)) + "\n" for target in targets)
    print(json.dumps({"locations": len(locations), "evses": sum(len(l.get("evses") or []) for l in locations),
                      "parse_seconds": parse_seconds, "push_party": push_party,
                      "country": locations[0]["country_code"]}))


def main():
    if sys.argv[1:2] == ["--sample"]:
        sample(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(
        description="Measure the access point at national scale on SQLite and PostgreSQL (issue #9).",
        epilog="A small run: --locations 5000 --duration 2 (about a minute). The full run, the default, "
               "takes about 13 minutes on 2 cores.")
    parser.add_argument("--locations", type=int, default=330_000,
                        help="generated locations (default 330000, about 1M EVSEs)")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed (default 1)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk load (default 10)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections for the read API (default 64)")
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default both)")
    parser.add_argument("--postgres", metavar="CONNINFO",
                        help="an empty PostgreSQL database to use (default: a throwaway local cluster)")
    parser.add_argument("--binary", help="the chargereg binary to measure (default: build the release binary)")
    parser.add_argument("--work", help="folder for the files (default: a temporary folder, removed afterwards)")
    parser.add_argument("--out", help="write the Markdown table here (default: standard output)")
    options = parser.parse_args()
    options.backends = [b.strip() for b in options.backends.split(",") if b.strip()]
    for name, value, least in (("--locations", options.locations, 10), ("--duration", options.duration, 1),
                               ("--connections", options.connections, 1)):
        if value < least:
            parser.error(f"{name} must be at least {least}, not {value}")
    unknown = [b for b in options.backends if b not in BACKENDS]
    if unknown or not options.backends:
        parser.error(f"--backends: unknown {', '.join(unknown) or '(none given)'}; choose from sqlite, postgresql")
    if options.binary:
        options.binary = os.path.abspath(options.binary)
        if not (os.path.isfile(options.binary) and os.access(options.binary, os.X_OK)):
            parser.error(f"--binary {options.binary}: not an executable file")

    work = os.path.abspath(options.work or tempfile.mkdtemp(prefix="chargereg-bench-"))
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)  # the postgres user (cluster) and nginx's workers read inside
    for leftover in ("bench.sqlite", "bench.sqlite-wal", "bench.sqlite-shm", "pg", "nginx", "static"):
        path = os.path.join(work, leftover)
        shutil.rmtree(path) if os.path.isdir(path) else os.path.exists(path) and os.remove(path)
    try:
        table = Bench(options, work).run()
    except BenchError as error:
        print(f"bench: failed: {error}", file=sys.stderr)
        return 1
    finally:
        if not options.work:
            shutil.rmtree(work, ignore_errors=True)
    if options.out:
        with open(options.out, "w") as out:
            out.write(table)
        progress(f"table written to {options.out}")
    else:
        sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
