# Tally as a container image (used by docker-compose.yml). Multi-stage: builds the jar with the
# project's Maven wrapper, then runs it on a JRE.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY kafka kafka
COPY dashboards dashboards
COPY src src
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# Tally runs as an unprivileged account of its own, never root. The base image (Ubuntu 24.04) runs as
# root and ships no service account (its `ubuntu` login, uid 1000, is the id of many hosts' first user),
# so `tally` gets a fixed id above the usual host range: Kubernetes' runAsNonRoot can only verify a
# numeric USER, and a bind-mounted data directory needs `chown 10001:10001`. The application files stay
# root-owned and read-only to it; only the data directory is its own (a named volume copies this owner).
RUN groupadd --gid 10001 tally \
 && useradd --uid 10001 --gid tally --home-dir /var/lib/tally --no-create-home --shell /usr/sbin/nologin tally \
 && mkdir -p /var/lib/tally && chown tally:tally /var/lib/tally && chmod 700 /var/lib/tally
WORKDIR /app
COPY --from=build /src/target/quarkus-app/ /app/
COPY dashboards /app/dashboards
ENV TALLY_DATA_DIR=/var/lib/tally
# health, metrics and OpenAPI on the management port: reachable from the container network (probes,
# Prometheus) but not published with the public port
ENV QUARKUS_MANAGEMENT_HOST=0.0.0.0
USER 10001:10001
EXPOSE 8080 9000
# The base image's entrypoint first (it adds /certificates to the JVM trust store when USE_SYSTEM_CA_CERTS
# is set, into a temporary store when not root), then Tally.
ENTRYPOINT ["/__cacert_entrypoint.sh", "java", "-jar", "/app/quarkus-run.jar"]
