# Shared lines of the bench scripts (source it): the Java drivers of the cluster runs, and the
# shared bench's mock provider.

# bench_driver_classpath: builds the package and the test classes if a driver is missing, resolves
# the test class path once (target/faults-classpath.txt), and sets DRIVER_CP for `java -cp`.
# Run from the repository's root; $1 is a driver class file under target/test-classes.
bench_driver_classpath() {
  if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -f "target/test-classes/$1" ]; then
    nice -n 10 ./mvnw -B -q package -DskipTests
  fi
  if [ ! -s target/faults-classpath.txt ] || [ pom.xml -nt target/faults-classpath.txt ]; then
    nice -n 10 ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/faults-classpath.txt >/dev/null
  fi
  DRIVER_CP="target/test-classes:target/classes:$(cat target/faults-classpath.txt)"
}

# bench_cpu_ticks <pid>...: the CPU time (user + system, all threads) the processes have used so far,
# in clock ticks (getconf CLK_TCK a second), from /proc; a process that is gone counts 0.
bench_cpu_ticks() {
  local t=0 p
  for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat") )); done
  echo "$t"
}

# bench_kafka <embedded port>: points the Tally about to start at BENCH_KAFKA (host:port, a Kafka outside its
# JVM such as kafka/run-broker.sh, as in production) or, when unset, at its embedded broker on that port.
bench_kafka() {
  if [ -n "${BENCH_KAFKA:-}" ]; then export TALLY_KAFKA_BOOTSTRAP_SERVERS=$BENCH_KAFKA; else export TALLY_KAFKA_EMBEDDED_PORT=$1; fi
}

# bench_launcher_line <tally log>: the line ./tally wrote when it started without a start-up cache
# (none for this JDK, or one trained on another build); it writes none when it used the cache.
bench_launcher_line() {
  grep -m1 "^tally: " "$1" || echo "tally: started with this package's start-up cache (trained on this JDK build)"
}

# bench_mock <work dir> <port> <shared bench dir>: compiles the bench's C mock provider into the work
# dir, starts it on 127.0.0.1:<port> and waits for its /health; sets MOCK_PID.
bench_mock() {
  gcc -O2 -pthread -o "$1/mock_llm" "$3/mock/mock_llm.c"
  "$1/mock_llm" -p "$2" >"$1/mock.log" 2>&1 &
  MOCK_PID=$!
  for _ in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$2/health" >/dev/null && return 0
    sleep 0.2
  done
  echo "the mock provider did not answer on port $2 (see $1/mock.log)" >&2
  return 1
}

# bench_nginx <work dir> <lines of the http block>: writes <work dir>/nginx/nginx.conf, nginx as the
# shared bench runs it (two workers, no access log, long keep-alive) around the upstreams and servers
# given, starts it as a background job and sets NGINX_PID. bench_proxy writes a server block.
bench_nginx() {
  mkdir -p "$1/nginx/tmp"
  cat >"$1/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
pid $1/nginx/nginx.pid;
error_log $1/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1/nginx/tmp/body;
  proxy_temp_path $1/nginx/tmp/proxy;
  fastcgi_temp_path $1/nginx/tmp/fastcgi;
  uwsgi_temp_path $1/nginx/tmp/uwsgi;
  scgi_temp_path $1/nginx/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
$2
}
EOF
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$1/nginx" -c "$1/nginx/nginx.conf" -e "$1/nginx/error.log" &
  NGINX_PID=$!
  sleep 1
}

# bench_proxy <port> <upstream name>: a server block for bench_nginx, a plain keep-alive reverse proxy
# that passes streams through as they arrive
bench_proxy() {
  echo "  server { listen 127.0.0.1:$1; location / { proxy_pass http://$2; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; proxy_read_timeout 300s; } }"
}
