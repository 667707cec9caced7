package dev.tally.outcomes.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dev.tally.outcomes.FakeGitHubApi;
import dev.tally.platform.TestStack;

/**
 * The webhook body is capped at GitHub's 25 MB payload maximum, over a raw socket as a hostile sender
 * would send it: an announced larger body is refused before it is sent, a chunked one as soon as it
 * passes the cap, each with 413 problem+json; a signed payload under the cap is still taken.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class GitHubWebhookLimitTest {

    private static final String PATH = "/api/webhooks/github";

    @Test
    void aBodyAnnouncedLargerThanTheCapIsRefusedBeforeItIsSent() throws IOException {
        try (Socket s = socket()) {
            OutputStream out = s.getOutputStream();
            out.write(head("Content-Length: " + (GitHubWebhookResource.MAX_BODY + 1)));
            out.write('{'); // one byte of 25 MB: the answer must not wait for the rest
            out.flush();

            String response = readResponse(s.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response)
                    .contains("application/problem+json")
                    .contains("larger than GitHub's webhook payload maximum of 25 MB");
        }
    }

    @Test
    void aChunkedBodyIsRefusedOnceItPassesTheCap() throws IOException {
        byte[] chunk = new byte[1024 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        try (Socket s = socket()) {
            OutputStream out = s.getOutputStream();
            out.write(head("Transfer-Encoding: chunked"));
            long sent = 0;
            try {
                // 26 chunks of 1 MiB: one more than the cap; the server may answer and close before the end
                for (int i = 0; i < 26; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedByTheServer) {
                // the refusal came first: what counts is the answer below
            }

            String response = readResponse(s.getInputStream());

            assertThat(response).as("after %d bytes sent", sent).startsWith("HTTP/1.1 413");
            assertThat(response).contains("larger than GitHub's webhook payload maximum of 25 MB");
        }
    }

    @Test
    void aSignedPayloadUnderTheCapIsStillTaken() throws IOException {
        // a ping padded to 1 MiB: read through the capped stream, verified, parsed and answered
        String padding = " ".repeat(1024 * 1024);
        byte[] body = ("{\"zen\":\"Keep it logically awesome.\",\"hook_id\":109948940" + padding + "}")
                .getBytes(StandardCharsets.UTF_8);
        String signature = new WebhookSignature(FakeGitHubApi.WEBHOOK_SECRET).sign(body);
        try (Socket s = socket()) {
            OutputStream out = s.getOutputStream();
            out.write(head("Content-Length: " + body.length + "\r\n" + WebhookSignature.HEADER + ": " + signature));
            out.write(body);
            out.flush();

            String response = readResponse(s.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(response).contains("\"status\":\"pong\"").contains("Keep it logically awesome.");
        }
    }

    private static Socket socket() throws IOException {
        Socket s = new Socket("127.0.0.1", RestAssured.port);
        s.setSoTimeout(30_000);
        return s;
    }

    private static byte[] head(String extraHeaders) {
        return ("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "X-GitHub-Event: ping\r\nX-GitHub-Delivery: " + UUID.randomUUID() + "\r\n"
                        + "User-Agent: GitHub-Hookshot/044aadd\r\n" + extraHeaders + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The status line, headers and a Content-Length body (the server may close right after it). */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            seen.write(buf, 0, n);
            String text = seen.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                int length = contentLength(text.substring(0, end));
                if (text.length() - end - 4 >= length) {
                    return text;
                }
            }
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(
                        line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }
}
