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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.tally.platform.Ports;

/**
 * A real Keycloak (the {@code keycloak-quarkus-dist} zip from Maven Central, unpacked into
 * target/keycloak by the build) in dev mode on free loopback ports, with the realm
 * {@code src/test/resources/keycloak/tally-realm.json} imported: client {@code tally}, groups
 * tally-leaders, payments-leads and engineers, and one person per role. Keycloak needs Java 21+:
 * {@code KEYCLOAK_JAVA_HOME}, else Temurin 25 where this project's machines have it. Its output is
 * in target/keycloak.log; it is stopped with the test class.
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

    @Override
    public Map<String, String> start() {
        Path home = Path.of(System.getProperty("keycloak.test.home", "target/keycloak/keycloak"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak at " + home + ": the build unpacks it (mvn process-test-resources)");
        }
        try {
            importRealm(home);
            int port = Ports.freePort();
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + Ports.freePort(),
                    "--import-realm", "--cache=local");
            pb.environment().put("JAVA_HOME", javaHome());
            pb.environment().remove("JAVA_OPTS");
            pb.redirectErrorStream(true).redirectOutput(Path.of("target", "keycloak.log").toFile());
            Instant started = Instant.now();
            process = pb.start();
            issuer = "http://127.0.0.1:" + port + "/realms/" + REALM;
            awaitReady(issuer + "/.well-known/openid-configuration", Duration.ofMinutes(5));
            LOG.infof("Keycloak ready at %s in %d s", issuer, Duration.between(started, Instant.now()).toSeconds());
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak did not start: " + e.getMessage(), e);
        }
        return Map.of(
                "tally.oidc.auth-server-url", issuer,
                "tally.oidc.client-id", CLIENT_ID,
                "tally.oidc.client-secret", CLIENT_SECRET,
                "tally.oidc.audience", CLIENT_ID,
                "tally.oidc.group-roles", "tally-leaders=leader,payments-leads=team_lead",
                // the test adds payments-leads → its team through the admin API
                "tally.oidc.default-role", "employee");
    }

    /**
     * Puts the realm file where --import-realm reads it. Keycloak imports a realm only once, so when
     * the file changed since the last run its dev database is removed and the realm imported anew.
     */
    private static void importRealm(Path home) throws IOException {
        Path dir = home.resolve("data/import");
        Files.createDirectories(dir);
        Path target = dir.resolve("tally-realm.json");
        byte[] realm;
        try (InputStream in = KeycloakServer.class.getResourceAsStream("/keycloak/tally-realm.json")) {
            realm = in.readAllBytes();
        }
        if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), realm)) {
            Path db = home.resolve("data/h2");
            if (Files.exists(db)) {
                try (Stream<Path> s = Files.walk(db)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
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

    private void awaitReady(String url, Duration max) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(max);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ": see target/keycloak.log");
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                // a start-up poll, not a test wait: Keycloak gives no other signal that it is ready
                process.waitFor(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Keycloak not ready after " + max.toSeconds() + " s: see target/keycloak.log");
    }

    @Override
    public void stop() {
        if (process != null) {
            // kc.sh may run Keycloak's JVM as its child: stop the whole tree
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
