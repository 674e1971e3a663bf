#!/usr/bin/env python3
"""How fast the access point answers small requests while background work runs (issue #20).

A request must never wait behind background work: a quality scan, a file ingest, a feed pull or a
stream of pushes may make the machine busier, but a health check, an EVSE lookup or a list page
must not queue behind it (a writer lock, a busy connection pool, a long transaction). The targets:
p99 under 100 ms and max under 500 ms for each probe under each workload.

For each backend (SQLite, and PostgreSQL when available) this starts `chargereg serve
--rate-limit 0` on a register loaded with a generated national dataset and measures three probes,
each on its own keep-alive connection by its own thread, timed with time.perf_counter() (a
reconnect counts in the request's time; errors are counted apart). Each probe sends --probe-rate
requests a second (default 50) on a fixed schedule and counts a request's time from when it was
due, not from when it was sent, so that a stall is measured in full however few requests it
delays (no coordinated omission); --probe-rate 0 sends them back to back instead, which measures
the probes' own saturating load as much as the workload:

  * GET /api/v1/healthz
  * GET /api/v1/evses/{evse_id}, a real EVSE ID of the dataset (drawn at random from a sample)
  * GET /api/v1/locations?limit=100

first with no background work ("idle", the baseline), then during each of these workloads, each on
a freshly started server whose own start-up quality scan has finished:

  1. full quality scan: `chargereg quality --rescan` as a separate process, which scores every
     location afresh, stores the scores and records the snapshots (the server's own monitor
     waits for it, as it shares the same lock);
  2. file ingest: `chargereg ingest` of a second generated dataset (--seed 2) as a separate process;
  3. full pull: `chargereg pull --party CODE --full` as a separate process, from a second
     `chargereg serve` (SQLite, the seed-2 data) acting as the operator's Sender, configured with
     `chargereg feeds add`; `chargereg pull` and the server's feed scheduler take the same lock,
     so one pull runs at a time (the window may include a scheduler round that pulls the new feed
     first, and the command's wait for it);
  4. pushes: OCPI PATCHes of one connector at a steady --push-rate (default 200) a second to the
     Receiver, from a separate process (so the pusher does not share the probes' interpreter),
     for --push-seconds; pushes refused or failed are counted. The server rescores the pushed
     locations as they arrive (every 2 s). How long the operator's scorecard takes to show one
     push (its `computed_at` moves on) is measured before the stream, on the idle server, and
     after it, when the monitor has the stream's backlog to work through first.

The workloads run in the order idle, scan, pushes, pull, ingest on one register per backend (each
changes the register a little; the pull comes before the file ingest so that it has changes to
bring). The result is a Markdown table per backend (rows: workload; columns: probe, as p50 / p99 /
max milliseconds and the number of requests), with the machine and the date, on standard output or
in --out; progress goes to standard error, prefixed `latency:`. The probes, the workload, the
server and the database share the machine: on few cores the figures include the CPU the workload
takes, which is the point.

Needs python3 (orjson, if installed, samples the dataset faster), the chargereg binary (built in
release mode unless --binary) and, for PostgreSQL, either --postgres or the server binaries
(package postgresql) for a throwaway local cluster, and psql.
"""

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True  # importing bench.py leaves no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import BenchError  # noqa: E402

ROOT = bench.ROOT
PROBES = ("healthz", "EVSE lookup", "list page, limit=100")
WORKLOADS = ("idle", "full quality scan", "file ingest", "full pull", "pushes")
TARGET_P99_MS, TARGET_MAX_MS = 100, 500
WARM_UP_SECONDS = 1.0
PUSH_CONNECTIONS = 32


def progress(message):
    print(f"latency: {message}", file=sys.stderr, flush=True)


def run_command(arguments, env=None):
    """Runs a command to its end: (exit status, stdout, stderr, wall seconds); never raises on failure."""
    started = time.perf_counter()
    result = subprocess.run(arguments, capture_output=True, text=True, env=env)
    return result.returncode, result.stdout, result.stderr, time.perf_counter() - started


def percentile(ordered, share):
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# The server and its log


class LogWatcher:
    """Follows a server's standard error as it grows: its quality and pull lines (with when they
    were seen), the access-log lines with a 5xx status and other lines (errors, warnings)."""

    def __init__(self, path):
        self.path, self.offset, self.partial = path, 0, b""
        self.quality, self.pulls, self.other = [], [], []
        self.server_errors = 0

    def poll(self):
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            chunk = log.read()
        seen = time.perf_counter()
        self.offset += len(chunk)
        lines = (self.partial + chunk).split(b"\n")
        self.partial = lines.pop()
        for raw in lines:
            line = raw.decode(errors="replace")
            if line.startswith("{"):
                if re.search(r'"status":5\d\d', line):
                    self.server_errors += 1
            elif line.startswith("quality: "):
                self.quality.append((seen, line))
            elif line.startswith("pull: "):
                self.pulls.append((seen, line))
            elif line.strip() and not line.startswith(("serving on ", "stopped")):
                self.other.append(line)

    def scored(self):
        """The full scans and start-up additions of stored scores."""
        return [(seen, line) for seen, line in self.quality if " scored " in line or " added up " in line]


class Serve:
    """`chargereg serve` on a free loopback port, rate limit off (all load comes from one address)."""

    def __init__(self, run, database, name):
        self.run, self.database, self.name = run, database, name

    def __enter__(self):
        self.port = bench.free_port()
        self.log_path = os.path.join(self.run.work, f"{self.name}-{self.port}.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [self.run.binary, "serve", "--database", self.database, "--listen", f"127.0.0.1:{self.port}",
             "--rate-limit", "0"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        self.watch = LogWatcher(self.log_path)
        try:
            bench.wait_for_port(self.port, self.process, 120, f"chargereg serve ({self.name})")
        except BaseException:
            self.stop()
            raise
        return self

    def wait_for_scans(self, count, seconds=3600):
        """Waits until the log holds `count` finished quality scans; returns the last (seen, line)."""
        deadline = time.monotonic() + seconds
        while True:
            self.watch.poll()
            scored = self.watch.scored()
            if len(scored) >= count:
                return scored[count - 1]
            failed = [line for _, line in self.watch.quality if "failed" in line]
            if failed or self.process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"chargereg serve ({self.name}): no quality scan #{count}: "
                                 f"{(failed or self.watch.other or ['exited' if self.process.poll() is not None else 'timed out'])[-1]}")
            time.sleep(0.01)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.watch.poll()

    def __exit__(self, *failure):
        self.stop()
        os.remove(self.log_path)


# Probes


class Prober:
    """One thread per probe kind, each sending its requests on a keep-alive connection, `rate` a
    second on a schedule (timed from when each was due) or back to back (`rate` 0); every answer is
    kept with its start time, so that a window can be chosen after."""

    def __init__(self, port, evse_ids, rate, seed=1):
        self.port, self.evse_ids, self.rate, self.seed = port, evse_ids, rate, seed
        self.samples = {probe: [] for probe in PROBES}
        self.errors = {probe: [] for probe in PROBES}
        self.stopping = threading.Event()
        self.stop_at = None

    def target(self, probe, randomness):
        if probe == "healthz":
            return "/api/v1/healthz"
        if probe == "EVSE lookup":
            return f"/api/v1/evses/{randomness.choice(self.evse_ids)}"
        return "/api/v1/locations?limit=100"

    def loop(self, probe, index):
        randomness = random.Random(self.seed * 100 + index)
        samples, errors = self.samples[probe], self.errors[probe]
        connection = None
        first, sent = time.perf_counter(), 0
        while True:
            started = time.perf_counter()
            if self.rate:
                # Every request due before the end is sent, however late, so that a stall at the
                # end of a window is measured too.
                due = first + sent / self.rate
                if self.stopping.is_set() and due > self.stop_at:
                    break
                sent += 1
                if due > started:
                    time.sleep(due - started)
                started = due
            elif self.stopping.is_set():
                break
            target = self.target(probe, randomness)
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if response.status == 200:
                    samples.append((started, elapsed))
                else:
                    errors.append((started, f"HTTP {response.status} for {target}"))
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                errors.append((started, f"{type(error).__name__}: {error} for {target}"))
                connection.close()
                connection = None
                time.sleep(0.01)
        if connection is not None:
            connection.close()

    def __enter__(self):
        self.threads = [threading.Thread(target=self.loop, args=(probe, index), daemon=True)
                        for index, probe in enumerate(PROBES)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *failure):
        self.stop_at = time.perf_counter()
        self.stopping.set()
        for thread in self.threads:
            thread.join(120)

    def window(self, start, end):
        """Per probe: the latencies (ms, ascending) of the requests started in [start, end], and the errors."""
        result = {}
        for probe in PROBES:
            latencies = sorted(seconds * 1000 for started, seconds in self.samples[probe] if start <= started <= end)
            errors = [what for started, what in self.errors[probe] if start <= started <= end]
            result[probe] = (latencies, errors)
        return result


# Pushes, in a process of their own


def push_process(port, token, prefix, targets_path, rate, seconds):
    """Sends PATCHes of one connector's max_amperage at a steady `rate` a second for `seconds`,
    from PUSH_CONNECTIONS threads taking the next slot in turn; prints what happened as JSON."""
    with open(targets_path) as lines:
        targets = [line.split() for line in lines if line.strip()]
    lock, state = threading.Lock(), {"next": 0}
    latencies, failures = [], []
    started = time.perf_counter()
    end = started + seconds

    def sender(index):
        randomness = random.Random(index)
        connection = None
        while True:
            with lock:
                slot = state["next"]
                state["next"] += 1
            due = started + slot / rate
            if due >= end:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            location, evse, connector = randomness.choice(targets)
            body = json.dumps({"max_amperage": randomness.randint(16, 32),
                               "last_updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            before = time.perf_counter()
            try:
                connection.request("PATCH", f"{prefix}/{location}/{evse}/{connector}", body,
                                   {"Authorization": f"Token {token}", "Content-Type": "application/json"})
                response = connection.getresponse()
                answer = response.read()
                latencies.append((time.perf_counter() - before) * 1000)
                status = None
                try:
                    status = json.loads(answer).get("status_code")
                except (ValueError, AttributeError):
                    pass
                if not 200 <= response.status < 300 or status not in (None, 1000):
                    failures.append(f"HTTP {response.status} {answer[:200].decode(errors='replace')}")
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                latencies.append((time.perf_counter() - before) * 1000)
                failures.append(f"{type(error).__name__}: {error}")
                connection.close()
                connection = None

    threads = [threading.Thread(target=sender, args=(index,)) for index in range(PUSH_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(json.dumps({"sent": len(latencies), "failed": len(failures), "seconds": elapsed,
                      "p50": percentile(latencies, 0.5) if latencies else None,
                      "p99": percentile(latencies, 0.99) if latencies else None,
                      "max": latencies[-1] if latencies else None, "examples": failures[:3]}))


# Dataset sampling, in a process of its own (the parsed dataset stays out of the probing process)


def sample_process(path, seed):
    try:
        import orjson
        loads = orjson.loads
    except ImportError:
        loads = json.loads
    with open(path, "rb") as file:
        locations = loads(file.read())["data"]
    randomness = random.Random(seed)
    parties, evses, targets = {}, [], {}
    for location in locations:
        party = location["party_id"]
        parties[party] = parties.get(party, 0) + 1
        for evse in location.get("evses") or []:
            if evse.get("evse_id"):
                evses.append((party, evse["evse_id"]))
            for connector in evse.get("connectors") or []:
                targets.setdefault(party, []).append((location["id"], evse["uid"], connector["id"]))
    print(json.dumps({
        "locations": len(locations), "country": locations[0]["country_code"], "parties": parties,
        "evses": sum(len(location.get("evses") or []) for location in locations),
        "evse_sample": randomness.sample(evses, min(len(evses), 5000)),
        "push_targets": {party: randomness.sample(rows, min(len(rows), 5000)) for party, rows in targets.items()},
    }))


# The run


class Latency:
    def __init__(self, options, work):
        self.options, self.work = options, work
        self.binary = options.binary
        self.tables, self.versions = {}, {}

    def prepare(self):
        if self.binary is None:
            progress("building the release binary (swift build -c release --product chargereg)")
            bench.output(["swift", "build", "--package-path", ROOT, "-c", "release", "--product", "chargereg"])
            self.binary = os.path.join(ROOT, ".build", "release", "chargereg")

    def generate(self, locations, seed):
        path = os.path.join(self.work, f"generated-{locations}-seed{seed}.json")
        progress(f"generating {locations} locations (seed {seed})")
        bench.output([self.binary, "generate", "--locations", str(locations), "--seed", str(seed), "--out", path])
        facts = json.loads(bench.output([sys.executable, os.path.abspath(__file__), "--sample", path, str(seed)]))
        facts["path"] = path
        return facts

    def dataset(self):
        self.main = self.generate(self.options.locations, 1)
        self.second = self.generate(self.options.second_locations, 2)
        self.country = self.main["country"]
        # The operator that pushes and whose Sender is pulled: the largest party present in both files.
        shared = [p for p in self.main["parties"] if p in self.second["parties"] and p in self.main["push_targets"]]
        if not shared:
            raise BenchError("the two generated datasets share no party")
        self.party = max(shared, key=lambda p: self.main["parties"][p])
        self.code = f"{self.country}*{self.party}"
        # EVSEs of the other parties: the full pull may mark the pulled party's locations removed.
        self.evse_ids = [evse for party, evse in self.main["evse_sample"] if party != self.party] or \
            [evse for _, evse in self.main["evse_sample"]]
        self.push_targets = os.path.join(self.work, "push_targets.txt")
        with open(self.push_targets, "w") as lines:
            lines.writelines(" ".join(target) + "\n" for target in self.main["push_targets"][self.party])
        progress(f"pushing and pulled operator: {self.code} ({self.main['parties'][self.party]} locations in the "
                 f"main dataset, {self.second['parties'][self.party]} in the second)")

    def sender_database(self):
        """The operator's own register, SQLite, holding the second dataset: the Sender we pull."""
        self.sender = os.path.join(self.work, "sender.sqlite")
        progress(f"the operator's Sender: ingesting {self.second['locations']} locations (seed 2) into SQLite")
        bench.output([self.binary, "migrate", "--database", self.sender])
        bench.output([self.binary, "ingest", "--database", self.sender, self.second["path"]])

    # One backend

    def backend(self, name, database):
        label = bench.BACKENDS[name]
        postgres = name == "postgresql"
        bench.output([self.binary, "migrate", "--database", database])
        stats = bench.output([self.binary, "stats", "--database", database])
        if not re.search(r"^locations\s+0\b", stats, re.M):
            raise BenchError(f"the {label} database must be empty to start with; `chargereg stats` says:\n{stats}")
        progress(f"{label}: ingesting {self.main['locations']} locations (seed 1)")
        status, out, err, seconds = run_command(
            [self.binary, "ingest", "--database", database, self.main["path"], "--quiet"])
        if status != 0:
            raise BenchError(f"ingest of the main dataset exited {status}: {err.strip()[-2000:]}")
        progress(f"{label}: ingested in {seconds:.1f} s; registering {self.code} as a pushing operator")
        pusher = bench.Bench(SimpleNamespace(binary=self.binary), self.work)
        pusher.country = self.country
        pusher.register_pusher(database, SimpleNamespace(push_party=self.party))
        self.token = pusher.token

        rows, notes = {}, []
        for workload, method in (("idle", self.idle), ("full quality scan", self.scan), ("pushes", self.pushes),
                                 ("full pull", self.pull), ("file ingest", self.ingest)):
            progress(f"{label}: {workload}")
            rows[workload] = method(database, postgres, notes)
            worst = max((latencies[-1] for latencies, _ in rows[workload]["probes"].values() if latencies),
                        default=0)
            progress(f"{label}: {workload}: {rows[workload]['window']}; slowest probe {worst:.1f} ms")
        return rows, notes

    def measure(self, server, workload):
        """Probes `server` through a warm-up and then `workload()`, which returns its window
        (perf_counter start and end) and a description; the probes started in the window count."""
        with Prober(server.port, self.evse_ids, self.options.probe_rate) as prober:
            time.sleep(WARM_UP_SECONDS)
            start, end, description = workload()
        server.watch.poll()
        return {"probes": prober.window(start, end), "window": description, "server_errors": server.watch.server_errors}

    def server_notes(self, workload, server, notes):
        server.watch.poll()
        if server.watch.server_errors:
            notes.append(f"{workload}: the server answered {server.watch.server_errors} requests with a 5xx status")
        for line in server.watch.other[-5:]:
            notes.append(f"{workload}: the server logged `{line.strip()[:300]}`")

    def idle(self, database, postgres, notes):
        with Serve(self, database, "idle") as server:
            server.wait_for_scans(1)

            def workload():
                start = time.perf_counter()
                time.sleep(self.options.push_seconds)
                return start, time.perf_counter(), f"{self.options.push_seconds} s"
            row = self.measure(server, workload)
            self.server_notes("idle", server, notes)
        return row

    def change_one_connector(self, port):
        """Pushes a new max_amperage (the stored one plus one) for one connector of the pushing party."""
        with open(self.push_targets) as lines:
            location, evse, connector = lines.readline().split()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", f"/api/v1/locations/{self.country}/{self.party}/{location}")
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise BenchError(f"reading location {location}: HTTP {response.status}: {body[:300]!r}")
        current = next((c.get("max_amperage") or 16 for e in json.loads(body)["location"].get("evses") or []
                        if e.get("uid") == evse for c in e.get("connectors") or [] if c.get("id") == connector), 16)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        connection.request(
            "PATCH", f"/ocpi/2.2.1/receiver/locations/{self.country}/{self.party}/{location}/{evse}/{connector}",
            json.dumps({"max_amperage": current + 1, "last_updated": stamp}),
            {"Authorization": f"Token {self.token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or json.loads(body).get("status_code") != 1000:
            raise BenchError(f"the push of one connector: HTTP {response.status}: {body[:300]!r}")
        connection.close()

    def scan(self, database, postgres, notes):
        with Serve(self, database, "scan") as server:
            server.wait_for_scans(1)
            result = {}

            def workload():
                start = time.perf_counter()
                result["run"] = run_command([self.binary, "quality", "--rescan", "--quiet", "--database", database,
                                             "--format", "csv", "--out", os.path.join(self.work, "quality.csv")])
                return start, time.perf_counter(), f"`quality --rescan`, {result['run'][3]:.1f} s"
            row = self.measure(server, workload)
            status, out, err, seconds = result["run"]
            notes.append(f"full quality scan: `chargereg quality --rescan` exited {status} after {seconds:.1f} s"
                         + (f": `{err.strip()[-500:]}`" if status != 0 else ""))
            self.server_notes("full quality scan", server, notes)
        return row

    def scorecard_delay(self, server):
        """Seconds from one pushed change to its operator's scorecard being recomputed."""
        def computed_at():
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            connection.request("GET", f"/api/v1/quality/operators/{self.country}*{self.party}")
            response = connection.getresponse()
            body = response.read()
            connection.close()
            return json.loads(body).get("computed_at") if response.status == 200 else None
        before = computed_at()
        start = time.perf_counter()
        self.change_one_connector(server.port)
        while computed_at() == before:
            if time.perf_counter() - start > 600:
                raise BenchError("the operator's scorecard did not change within 600 s of a push")
            time.sleep(0.05)
        return time.perf_counter() - start

    def pushes(self, database, postgres, notes):
        with Serve(self, database, "pushes") as server:
            server.wait_for_scans(1)
            idle_delay = self.scorecard_delay(server)
            result = {}

            def workload():
                start = time.perf_counter()
                prefix = f"/ocpi/2.2.1/receiver/locations/{self.country}/{self.party}"
                text = bench.output([sys.executable, os.path.abspath(__file__), "--push", str(server.port),
                                     self.token, prefix, self.push_targets, str(self.options.push_rate),
                                     str(self.options.push_seconds)])
                end = time.perf_counter()
                result.update(json.loads(text))
                return start, end, (f"{result['sent']} pushes in {result['seconds']:.1f} s "
                                    f"({result['sent'] / result['seconds']:.0f}/s), {result['failed']} failed")
            row = self.measure(server, workload)
            push = (f"pushes: {self.options.push_rate}/s asked for {self.options.push_seconds} s from "
                    f"{PUSH_CONNECTIONS} connections: {result['sent']} sent, {result['sent'] / result['seconds']:.1f}/s "
                    f"achieved, **{result['failed']} failed**")
            if result["sent"]:
                push += f"; push latency p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, max {result['max']:.1f} ms"
            if result["examples"]:
                push += "; e.g. " + "; ".join(f"`{example[:200]}`" for example in result["examples"])
            notes.append(push)
            notes.append(f"pushes: one push reached its operator's scorecard after **{idle_delay:.1f} s** on the "
                         f"idle server before the stream, and one more after the stream after "
                         f"**{self.scorecard_delay(server):.1f} s** (the server looks for changes every 2 s)")
            self.server_notes("pushes", server, notes)
        return row

    def pull(self, database, postgres, notes):
        with Serve(self, self.sender, "sender") as sender:
            sender.wait_for_scans(1)
            versions = f"http://127.0.0.1:{sender.port}/ocpi/versions"
            bench.output([self.binary, "feeds", "add", self.code, "--versions-url", versions, "--database", database])
            with Serve(self, database, "pull") as server:
                server.wait_for_scans(1)
                result = {}

                def workload():
                    start = time.perf_counter()
                    result["run"] = run_command(
                        [self.binary, "pull", "--database", database, "--party", self.code, "--full", "--quiet"])
                    return start, time.perf_counter(), f"`pull --full`, {result['run'][3]:.1f} s"
                row = self.measure(server, workload)
                status, out, err, seconds = result["run"]
                printed = " ".join((out + err).split())
                notes.append(f"full pull: `chargereg pull --party {self.code} --full` (Sender: `chargereg serve` on "
                             f"SQLite with the {self.second['locations']} seed-2 locations) exited {status} after "
                             f"{seconds:.1f} s and printed: `{printed[:600]}`")
                server.watch.poll()
                if server.watch.pulls:
                    notes.append("full pull: the server's own scheduler pulled too: "
                                 + "; ".join(line for _, line in server.watch.pulls))
                self.server_notes("full pull", server, notes)
            sender.watch.poll()
            if sender.watch.server_errors:
                notes.append(f"full pull: the Sender answered {sender.watch.server_errors} requests with a 5xx status")
        return row

    def ingest(self, database, postgres, notes):
        with Serve(self, database, "ingest") as server:
            server.wait_for_scans(1)
            result = {}

            def workload():
                start = time.perf_counter()
                result["run"] = run_command(
                    [self.binary, "ingest", "--database", database, self.second["path"], "--quiet"])
                return start, time.perf_counter(), f"`ingest`, {result['run'][3]:.1f} s"
            row = self.measure(server, workload)
            status, out, err, seconds = result["run"]
            summary = " ".join(line.strip() for line in (out + err).splitlines()[:2])
            notes.append(f"file ingest: `chargereg ingest` of the {self.second['locations']} seed-2 locations exited "
                         f"{status} after {seconds:.1f} s: `{summary[:400]}`")
            if status != 0:
                notes.append(f"file ingest failed: `{err.strip()[-500:]}`")
            self.server_notes("file ingest", server, notes)
        return row

    # The report

    def machine(self):
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
        with open("/proc/meminfo") as meminfo:
            memory = int(meminfo.readline().split()[1]) / 1024 / 1024
        try:
            system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
        except OSError:
            system = platform.system()
        return f"{model}, {os.cpu_count()} cores, {memory:.1f} GiB · {system} · Linux {platform.release()}"

    @staticmethod
    def cell(latencies, errors):
        if not latencies:
            return f"no answers ({len(errors)} errors)" if errors else "no requests"
        p50, p99, worst = percentile(latencies, 0.5), percentile(latencies, 0.99), latencies[-1]
        text = (f"{p50:.1f} / {f'**{p99:.1f}**' if p99 >= TARGET_P99_MS else f'{p99:.1f}'} / "
                f"{f'**{worst:.1f}**' if worst >= TARGET_MAX_MS else f'{worst:.1f}'} (n={len(latencies)})")
        if errors:
            text += f", **{len(errors)} errors**"
        return text

    def report(self, started):
        lines = [
            f"**{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}** · {self.machine()}",
            "",
            f"Probe latency while background work runs: p50 / p99 / max in ms (n = requests answered 200 in the "
            f"window); **bold** is over the target (p99 {TARGET_P99_MS} ms, max {TARGET_MAX_MS} ms) or errors. Each "
            f"probe runs on its own keep-alive connection, "
            + (f"{self.options.probe_rate} requests a second, each timed from when it was due"
               if self.options.probe_rate else "back to back") + f". Main dataset: `chargereg generate "
            f"--locations {self.main['locations']} --seed 1` ({self.main['locations']:,} locations, "
            f"{self.main['evses']:,} EVSEs); second: `--locations {self.second['locations']} --seed 2` "
            f"({self.second['evses']:,} EVSEs). Pushing and pulled operator: {self.code}. "
            f"Binary: `{self.binary}`.",
        ]
        for name, (rows, notes) in self.tables.items():
            version = f" ({self.versions[name]})" if name in self.versions else ""
            lines += ["", f"### {bench.BACKENDS[name]}{version}", "",
                      "| workload | window | " + " | ".join(PROBES) + " |", "|---|---|" + "---|" * len(PROBES)]
            for workload in WORKLOADS:
                row = rows[workload]
                cells = [self.cell(*row["probes"][probe]) for probe in PROBES]
                lines.append(f"| {workload} | {row['window']} | " + " | ".join(cells) + " |")
            errors = [f"{probe} during {workload}: {', '.join(sorted(set(e[:120] for e in rows[workload]['probes'][probe][1])))[:300]}"
                      for workload in WORKLOADS for probe in PROBES if rows[workload]["probes"][probe][1]]
            lines += [""] + [f"- {note}" for note in notes] + [f"- probe errors, {error}" for error in errors]
        return "\n".join(lines) + "\n"

    def run(self):
        started = time.time()
        self.prepare()
        self.dataset()
        self.sender_database()
        cluster = None
        try:
            for name in self.options.backends:
                if name == "sqlite":
                    database = os.path.join(self.work, "latency.sqlite")
                else:
                    if self.options.postgres is None:
                        progress("starting a throwaway PostgreSQL cluster")
                        cluster = bench.PostgresCluster(self.work).__enter__()
                    database = self.options.postgres or cluster.conninfo
                    self.versions[name] = "PostgreSQL " + bench.output(
                        ["psql", "-X", database, "-tAc", "show server_version"]).split()[0]
                self.tables[name] = self.backend(name, database)
            return self.report(started)
        finally:
            if cluster:
                cluster.__exit__()


def main():
    if sys.argv[1:2] == ["--sample"]:
        sample_process(sys.argv[2], int(sys.argv[3]))
        return 0
    if sys.argv[1:2] == ["--push"]:
        port, token, prefix, targets, rate, seconds = sys.argv[2:8]
        push_process(int(port), token, prefix, targets, float(rate), float(seconds))
        return 0
    parser = argparse.ArgumentParser(
        description="Probe latency (healthz, EVSE lookup, list page) while background work runs: a quality scan, "
                    "a file ingest, a full pull and pushes, on SQLite and PostgreSQL (issue #20).",
        epilog="A small run: --locations 5000 --second-locations 2000 --backends sqlite (a few minutes).")
    parser.add_argument("--locations", type=int, default=330_000,
                        help="generated locations in the register (default 330000, about 1M EVSEs)")
    parser.add_argument("--second-locations", type=int, default=50_000,
                        help="locations of the second dataset (seed 2) for the file ingest and the pull (default 50000)")
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default both)")
    parser.add_argument("--postgres", metavar="CONNINFO",
                        help="an empty PostgreSQL database to use (default: a throwaway local cluster)")
    parser.add_argument("--binary", help="the chargereg binary to measure (default: build the release binary)")
    parser.add_argument("--work", help="folder for the files (default: a temporary folder, removed afterwards)")
    parser.add_argument("--push-seconds", type=int, default=10,
                        help="seconds of the pushes and of the idle baseline (default 10)")
    parser.add_argument("--push-rate", type=int, default=200, help="pushes a second (default 200)")
    parser.add_argument("--probe-rate", type=int, default=50,
                        help="requests a second of each probe (default 50; 0: back to back)")
    parser.add_argument("--out", help="write the Markdown tables here (default: standard output)")
    options = parser.parse_args()
    options.backends = [b.strip() for b in options.backends.split(",") if b.strip()]
    for name, value, least in (("--locations", options.locations, 10),
                               ("--second-locations", options.second_locations, 10),
                               ("--push-seconds", options.push_seconds, 1), ("--push-rate", options.push_rate, 1),
                               ("--probe-rate", options.probe_rate, 0)):
        if value < least:
            parser.error(f"{name} must be at least {least}, not {value}")
    unknown = [b for b in options.backends if b not in bench.BACKENDS]
    if unknown or not options.backends:
        parser.error(f"--backends: unknown {', '.join(unknown) or '(none given)'}; choose from sqlite, postgresql")
    if options.binary:
        options.binary = os.path.abspath(options.binary)
        if not (os.path.isfile(options.binary) and os.access(options.binary, os.X_OK)):
            parser.error(f"--binary {options.binary}: not an executable file")

    work = os.path.abspath(options.work or tempfile.mkdtemp(prefix="chargereg-latency-"))
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)  # the postgres user (throwaway cluster) works inside
    for leftover in os.listdir(work):
        if leftover.startswith(("latency.sqlite", "sender.sqlite")) or leftover == "pg":
            path = os.path.join(work, leftover)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    try:
        table = Latency(options, work).run()
    except BenchError as error:
        print(f"latency: failed: {error}", file=sys.stderr)
        return 1
    finally:
        if not options.work:
            shutil.rmtree(work, ignore_errors=True)
    if options.out:
        with open(options.out, "w") as out:
            out.write(table)
        progress(f"tables written to {options.out}")
    else:
        sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
