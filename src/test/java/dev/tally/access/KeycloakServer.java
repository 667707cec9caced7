package dev.tally.access;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.jboss.logging.Logger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.tally.platform.Ports;
import dev.tally.platform.TestFiles;

/**
 * A real Keycloak (the {@code keycloak-quarkus-dist} zip from Maven Central, unpacked into
 * target/keycloak by the build) in dev mode on free loopback ports, with the realm
 * {@code src/test/resources/keycloak/tally-realm.json} imported: client {@code tally}, groups
 * tally-leaders, payments-leads and engineers, and one person per role. Keycloak needs Java 21+:
 * {@code KEYCLOAK_JAVA_HOME}, else Temurin 25 where this project's machines have it. Its output is
 * in target/keycloak.log. {@link KeycloakEarlyStart} launches it when the test run begins, so its
 * start-up overlaps other test classes; run alone, the test class starts and stops it itself.
 */
public class KeycloakServer implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(KeycloakServer.class);
    public static final String REALM = "tally";
    public static final String CLIENT_ID = "tally";
    public static final String CLIENT_SECRET = "tally-test-client-secret";

    private static String issuer;
    private Process process;

    /** http://127.0.0.1:port/realms/tally, once started. */
    public static String issuer() {
        return issuer;
    }

    /** System properties that hand a Keycloak started early (see {@link KeycloakEarlyStart}) to this resource. */
    static final String ISSUER_PROPERTY = "keycloak.test.issuer";

    @Override
    public Map<String, String> start() {
        // Quarkus loads test resources in its own class loader: what an early start left is in system properties
        String early = System.getProperty(ISSUER_PROPERTY);
        Instant waitFrom = Instant.now();
        if (early != null) {
            issuer = early;
            awaitReady(null, issuer + "/.well-known/openid-configuration", Duration.ofMinutes(5));
        } else {
            Launched l = launch();
            process = l.process();
            issuer = l.issuer();
            awaitReady(process, issuer + "/.well-known/openid-configuration", Duration.ofMinutes(5));
        }
        LOG.infof(
                "Keycloak ready at %s; this test class waited %d s for it",
                issuer, Duration.between(waitFrom, Instant.now()).toSeconds());
        return Map.of(
                "tally.oidc.auth-server-url", issuer,
                "tally.oidc.client-id", CLIENT_ID,
                "tally.oidc.client-secret", CLIENT_SECRET,
                "tally.oidc.audience", CLIENT_ID,
                "tally.oidc.group-roles", "tally-leaders=leader,payments-leads=team_lead",
                // the test adds payments-leads → its team through the admin API
                "tally.oidc.default-role", "employee");
    }

    record Launched(Process process, String issuer) {}

    /** Starts Keycloak (without waiting for it); its output goes to target/keycloak.log. */
    static Launched launch() {
        Path home = Path.of(System.getProperty("keycloak.test.home", "target/keycloak/keycloak"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(
                    "no Keycloak at " + home + ": the build unpacks it (mvn process-test-resources)");
        }
        try {
            importRealm(home);
            int port = Ports.freePort();
            ProcessBuilder pb = new ProcessBuilder(
                    home.resolve("bin/kc.sh").toString(),
                    "start-dev",
                    "--http-host=127.0.0.1",
                    "--http-port=" + port,
                    "--http-management-port=" + Ports.freePort(),
                    "--import-realm",
                    "--cache=local");
            pb.environment().put("JAVA_HOME", javaHome());
            pb.environment().remove("JAVA_OPTS");
            pb.redirectErrorStream(true)
                    .redirectOutput(Path.of("target", "keycloak.log").toFile());
            Process p = pb.start();
            return new Launched(p, "http://127.0.0.1:" + port + "/realms/" + REALM);
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak did not start: " + e.getMessage(), e);
        }
    }

    /** Stops Keycloak and what kc.sh started under it. */
    static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /**
     * Puts the realm file where --import-realm reads it. Keycloak imports a realm only once, so when
     * the file changed since the last run its dev database is removed and the realm imported anew.
     */
    static void importRealm(Path home) throws IOException {
        Path dir = home.resolve("data/import");
        Files.createDirectories(dir);
        Path target = dir.resolve("tally-realm.json");
        byte[] realm;
        try (InputStream in = KeycloakServer.class.getResourceAsStream("/keycloak/tally-realm.json")) {
            realm = in.readAllBytes();
        }
        if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), realm)) {
            Path db = home.resolve("data/h2");
            TestFiles.deleteTree(db);
            Files.write(target, realm);
        }
    }

    private static String javaHome() {
        String configured = System.getenv("KEYCLOAK_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : List.of("/usr/lib/jvm/temurin-25-jdk-amd64", "/usr/lib/jvm/temurin-21-jdk-amd64")) {
            if (Files.isExecutable(Path.of(candidate, "bin/java"))) {
                return candidate;
            }
        }
        if (Runtime.version().feature() >= 21) {
            return System.getProperty("java.home");
        }
        throw new IllegalStateException("Keycloak needs Java 21 or later: set KEYCLOAK_JAVA_HOME");
    }

    private static void awaitReady(Process process, String url, Duration max) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Awaitility.await("Keycloak at " + url + " (see target/keycloak.log)")
                .atMost(max)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (process != null && !process.isAlive()) {
                        throw new IllegalStateException(
                                "Keycloak exited with " + process.exitValue() + ": see target/keycloak.log");
                    }
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(URI.create(url))
                                                        .timeout(Duration.ofSeconds(5))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false; // not listening yet
                    }
                });
    }

    @Override
    public void stop() {
        if (process != null) {
            stop(process); // an early-started Keycloak is stopped by KeycloakEarlyStart at the end of the run
        }
    }
}
