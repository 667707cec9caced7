#!/usr/bin/env bash
# The stalled-body attack of issue 11, measured on the packaged jar: N connections with one valid
# key each send a request head announcing `Content-Length: 32000000` (inside the default 32 MiB
# limit, so admission lets it through to the body) and then one byte, and hold the connection.
# Reports the JVM's resident memory (RSS) before, at its peak while the bodies are stalled, and
# after; the latency of normal calls (simulated provider, one at a time, 1 per 100 ms) before and
# while the attack holds; and how the stalled connections ended (408 after
# tally.gateway.body-timeout, the default 30 s). Targets (docs/gateway.md): RSS grows by < 128 MiB
# for 1,000 connections, each gets 408, and normal calls keep their latency.
# Build first: ./mvnw -B -q package -DskipTests
# Usage: bench/stalled-bodies.sh [connections=1000] [body-timeout=30s]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-1000}"
timeout="${2:-30s}"
jar="$root/target/quarkus-app/quarkus-run.jar"
[ -f "$jar" ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
[ "$(ulimit -n)" -gt $((n + 200)) ] || ulimit -n $((n + 1024))
data="$(mktemp -d)"
port="${PORT:-18481}"
kport="${KAFKA_PORT:-19481}"
mport="${MANAGEMENT_PORT:-19483}"
token="bench-$(date +%s%N)"
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$data"' EXIT

TALLY_DATA_DIR="$data" QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$mport TALLY_KAFKA_EMBEDDED_PORT=$kport TALLY_ADMIN_TOKEN="$token" \
  TALLY_GATEWAY_SIMULATE=true TALLY_GATEWAY_BODY_TIMEOUT="$timeout" \
  java -jar "$jar" > "$data/run.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$mport/q/health/ready" > /dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { echo "Tally exited; see the log:" >&2; cat "$data/run.log" >&2; exit 1; }
  sleep 0.2
done

api() { curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
id() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
team=$(api -d '{"name":"bench-stalled","department":"Engineering"}' "http://127.0.0.1:$port/api/admin/teams" | id id)
emp=$(api -d "{\"email\":\"stalled@example.com\",\"name\":\"Bench\",\"teamId\":\"$team\"}" \
  "http://127.0.0.1:$port/api/admin/employees" | id id)
# no per-key limits in the way: the attack is about memory, not rate
key=$(api -d "{\"employeeId\":\"$emp\",\"requestsPerMinute\":1000000,\"tokensPerMinute\":1000000000,\"maxInFlight\":100000}" \
  "http://127.0.0.1:$port/api/admin/keys" | id key)

PORT=$port KEY=$key N=$n PID=$pid python3 - <<'EOF'
import os, socket, statistics, threading, time, http.client

port, key, n, pid = int(os.environ["PORT"]), os.environ["KEY"], int(os.environ["N"]), int(os.environ["PID"])

def rss_mib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

def normal_calls(count):
    """Latency (ms) of normal calls, one at a time on one keep-alive connection."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = '{"model":"gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}'
    out = []
    for _ in range(count):
        t0 = time.perf_counter()
        c.request("POST", "/v1/chat/completions", body, {"Authorization": "Bearer " + key,
                                                         "Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        if r.status != 200:
            raise SystemExit(f"a normal call got {r.status}")
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.1)
    c.close()
    return out

SETTLE = 5  # calls (about half a second) right after the attack's connections opened

def summary(ms):
    q = statistics.quantiles(ms, n=100)
    return f"p50 {statistics.median(ms):.1f} ms, p99 {q[98]:.1f} ms"

normal_calls(50)  # warm-up
base_rss = rss_mib()
before = normal_calls(100)

head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        "Content-Type: application/json\r\nContent-Length: 32000000\r\n\r\n{").encode()
socks = []
t_open = time.monotonic()
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head)
    socks.append(s)
open_s = time.monotonic() - t_open

peak = [rss_mib()]
stop = threading.Event()
def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mib())
        time.sleep(0.1)
threading.Thread(target=sample, daemon=True).start()

during = normal_calls(100)

statuses = {}
for s in socks:
    s.settimeout(120)
    got = b""
    try:
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    status = got[9:12].decode() if got.startswith(b"HTTP/1.1 ") else "closed without an answer"
    statuses[status] = statuses.get(status, 0) + 1
    s.close()
stop.set()
after_rss = rss_mib()

print(f"| connections | open in | JVM RSS before | peak while stalled | growth | after | answers |")
print(f"| --- | --- | --- | --- | --- | --- | --- |")
print(f"| {n} | {open_s:.1f} s | {base_rss:.0f} MiB | {peak[0]:.0f} MiB | {peak[0] - base_rss:+.0f} MiB "
      f"| {after_rss:.0f} MiB | {', '.join(f'{v} × {k}' for k, v in sorted(statuses.items()))} |")
print()
print(f"normal calls before: {summary(before)}; while {n} bodies are stalled: {summary(during)}")
# where the slow ones fall: the first calls after the connections opened wait behind their heads
slowest = sorted(range(len(during)), key=lambda i: -during[i])[:3]
print("slowest calls while stalled: " + ", ".join(f"#{i + 1} of {len(during)}: {during[i]:.1f} ms" for i in slowest)
      + f"; without the first {SETTLE} calls: {summary(during[SETTLE:])}")
EOF
