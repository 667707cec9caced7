package dev.tally.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.intake.IntakeLimits;
import dev.tally.platform.TestStack;

/**
 * The outcome intake endpoints over raw sockets: the credential, the size limit and the bound on
 * concurrent parses are all checked before the body is read, so the answer comes while most of the
 * body has not even been sent.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class IntakeLimitsTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    AccessConfig config;

    @Inject
    IntakeLimits limits;

    @Test
    void anUnauthenticated30MbPostIsRefused401BeforeItsBodyIsRead() throws IOException {
        for (String path : List.of(IntakeLimits.OUTCOMES, IntakeLimits.SARIF + "?repo=acme/app", IntakeLimits.IMPORT)) {
            try (Socket s = socket()) {
                send(
                        s,
                        "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 30000000\r\n\r\n[{\"id\":");
                // only the headers and 7 bytes of 30 MB were sent: the answer must come anyway
                String response = readResponse(s);
                assertThat(response).as(path).startsWith("HTTP/1.1 401");
                assertThat(response).contains("application/problem+json");
            }
        }
    }

    @Test
    void aBodyOverTheEndpointsLimitIs413BeforeItIsRead() throws IOException {
        long tooBig = config.intake().outcomesMaxBody().asLongValue() + 1;
        try (Socket s = socket()) {
            send(
                    s,
                    "POST /api/outcomes HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                            + Access.tokenValue(Scope.OUTCOMES_WRITE)
                            + "\r\nContent-Type: application/json\r\nContent-Length: "
                            + tooBig + "\r\n\r\n[");
            String response = readResponse(s);
            assertThat(response).startsWith("HTTP/1.1 413").contains("at most " + (tooBig - 1) + " bytes");
        }
        // SARIF has a larger limit of its own: the same size is admitted there (and then found not to be SARIF)
        assertThat(config.intake().sarifMaxBody().asLongValue()).isGreaterThan(tooBig);
    }

    @Test
    void aBodyWithoutContentLengthIs411() throws IOException {
        try (Socket s = socket()) {
            send(
                    s,
                    "POST /api/outcomes/import HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                            + Access.tokenValue(Scope.OUTCOMES_WRITE) + "\r\nContent-Type: text/csv\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n5\r\nid,ki\r\n");
            assertThat(readResponse(s)).startsWith("HTTP/1.1 411");
        }
    }

    @Test
    void parsesBeyondTheBoundGet503WithRetryAfterAndTheBoundFreesWhenTheyEnd() throws IOException {
        int bound = config.intake().maxConcurrentParses();
        String token = Access.tokenValue(Scope.OUTCOMES_WRITE);
        String body = "[]";
        String head = "POST /api/outcomes HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + (body.length() + 100) + "\r\n\r\n";
        List<Socket> held = new ArrayList<>();
        try {
            // each of these is admitted and waits for the rest of its body, holding a parse slot
            for (int i = 0; i < bound; i++) {
                Socket s = socket();
                held.add(s);
                send(s, head + body);
            }
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> limits.available() == 0);
            try (Socket s = socket()) {
                send(s, head + body);
                String response = readResponse(s);
                assertThat(response).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: ");
            }
        } finally {
            for (Socket s : held) {
                s.close(); // a client that goes away frees its slot too
            }
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> limits.available() == bound);
        Access.token(Scope.OUTCOMES_WRITE)
                .contentType("application/json")
                .body("[]")
                .post("/api/outcomes")
                .then()
                .statusCode(org.hamcrest.Matchers.not(503));
    }

    private Socket socket() throws IOException {
        Socket s = new Socket(root.getHost(), root.getPort());
        s.setSoTimeout(15_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The status line, headers and as much of the body as arrives before the server closes or pauses. */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
                String text = got.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                if (end > 0 && text.contains("}")) {
                    break; // the problem+json body is one object
                }
            }
        } catch (SocketTimeoutException e) {
            // whatever arrived is the answer
        }
        return got.toString(StandardCharsets.UTF_8);
    }
}
