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
