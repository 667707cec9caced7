# Tally as a container image (used by docker-compose.yml). Multi-stage: builds the AOT package with the
# project's Maven wrapper on JDK 25 (docs/startup.md#aot-package: the jar, then a training run that writes
# the JDK's AOT cache beside it), then runs it through the ./tally launcher on the same JDK image.
#
# Both stages are the same image and the package sits at the same path in both (/app/target/quarkus-app):
# the AOT cache works only on the exact JDK build that trained it (a JRE image is another build of the
# runtime, so the runtime stage is the JDK image) and only where it was trained, with the jars' sizes and
# times as they were (COPY --from keeps them). Where one of those does not hold, the launcher or the JDK
# says so in a line at start and Tally starts without the cache, as the default package does.
FROM eclipse-temurin:25-jdk AS build
# The training run starts the embedded PostgreSQL, which refuses to run as root; as root Tally would run it
# in a user namespace, which Docker's default seccomp profile does not allow. So the build has an account.
RUN useradd --uid 10002 --create-home --shell /usr/sbin/nologin build && mkdir /app && chown build:build /app
USER build
WORKDIR /app
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY kafka kafka
COPY dashboards dashboards
COPY src src
# the training run starts Tally on its embedded broker and database in the build (about 2 minutes);
# -Dmdep.skip leaves out the dependency plugin's one execution, unpacking Keycloak for the OIDC tests
RUN ./mvnw -B -q package -DskipTests -Dmdep.skip=true -Paot

FROM eclipse-temurin:25-jdk
# Tally runs as an unprivileged account of its own, never root. The base image (Ubuntu 24.04) runs as
# root and ships no service account (its `ubuntu` login, uid 1000, is the id of many hosts' first user),
# so `tally` gets a fixed id above the usual host range: Kubernetes' runAsNonRoot can only verify a
# numeric USER, and a bind-mounted data directory needs `chown 10001:10001`. The application files stay
# root-owned and read-only to it; only the data directory is its own (a named volume copies this owner).
RUN groupadd --gid 10001 tally \
 && useradd --uid 10001 --gid tally --home-dir /var/lib/tally --no-create-home --shell /usr/sbin/nologin tally \
 && mkdir -p /var/lib/tally && chown tally:tally /var/lib/tally && chmod 700 /var/lib/tally
WORKDIR /app
COPY --from=build /app/target/quarkus-app/ /app/target/quarkus-app/
COPY dashboards /app/dashboards
COPY tally /app/tally
ENV TALLY_DATA_DIR=/var/lib/tally
# health, metrics and OpenAPI on the management port: reachable from the container network (probes,
# Prometheus) but not published with the public port
ENV QUARKUS_MANAGEMENT_HOST=0.0.0.0
USER 10001:10001
EXPOSE 8080 9000
# The base image's entrypoint first (it adds /certificates to the JVM trust store when USE_SYSTEM_CA_CERTS
# is set, into a temporary store when not root), then the launcher, which execs the JVM with the cache and
# the JIT flags for this JDK and the container's CPU quota (docs/startup.md). Extra JVM flags: JAVA_OPTS.
ENTRYPOINT ["/__cacert_entrypoint.sh", "/app/tally"]
