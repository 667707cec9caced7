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
WORKDIR /app
COPY --from=build /src/target/quarkus-app/ /app/
COPY dashboards /app/dashboards
ENV TALLY_DATA_DIR=/var/lib/tally
# health, metrics and OpenAPI on the management port: reachable from the container network (probes,
# Prometheus) but not published with the public port
ENV QUARKUS_MANAGEMENT_HOST=0.0.0.0
RUN mkdir -p /var/lib/tally
EXPOSE 8080 9000
ENTRYPOINT ["java", "-jar", "/app/quarkus-run.jar"]
