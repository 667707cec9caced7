package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.gateway.admission.Admission;
import dev.tally.gateway.admission.AdmissionCheck;
import dev.tally.platform.TestStack;
import dev.tally.platform.share.SharedLimits;

/**
 * Admission before work, over a real socket: a call refused on its headers is answered while its
 * body has not even been sent, and the fake provider, which counts every request head it gets,
 * sees nothing of it.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class AdmissionOrderTest {

    static UsageEvents events;

    @Inject
    Admission admission;

    @Inject
    DataSource dataSource;

    @Inject
    SharedLimits limits;

    @BeforeAll
    static void consumer() {
        events = new UsageEvents();
    }

    @AfterAll
    static void close() {
        events.close();
    }

    @Test
    void theChainsRunKeyDrainHeadersRunWorkloadSizeRateInFlightBeforeTheBodyAndModelTokensRouteAfterIt() {
        assertThat(admission.chain(AdmissionCheck.Phase.PRE_BODY, Api.CHAT_COMPLETIONS))
                .containsExactly(
                        "KeyCheck",
                        "DrainCheck",
                        "HeaderCountCheck",
                        "RunIdCheck",
                        "WorkloadCheck",
                        "BodySizeCheck",
                        "RateLimitCheck",
                        "InFlightCheck",
                        "PreBodyProbeCheck");
        // PreBodyProbeCheck (450) and ProbeCheck (500) are tests' checks: checks added as beans take their
        // place in the chain
        assertThat(admission.chain(AdmissionCheck.Phase.POST_BODY, Api.MESSAGES))
                .containsExactly(
                        "ModelAllowedCheck", "TokenReservationCheck", "BudgetCheck", "ProbeCheck", "RouteCheck");
        // counting tokens is free: nothing to reserve
        assertThat(admission.chain(AdmissionCheck.Phase.POST_BODY, Api.COUNT_TOKENS))
                .doesNotContain("TokenReservationCheck");
        assertThat(admission.chain(AdmissionCheck.Phase.PRE_BODY, Api.MODELS)).containsExactly("KeyCheck");
    }

    @Test
    void aMissingKeyIsRefusedBeforeTheBodyArrives() throws Exception {
        String head = assertRefusedBeforeTheBody(null, 1_000, 401, false);
        // nobody's call: not recorded (HostileInputTest shows nothing is written)
        assertThat(RawHttp.header(head, "connection")).isEqualToIgnoringCase("close");
    }

    @Test
    void anUnknownKeyIsRefusedBeforeTheBodyArrives() throws Exception {
        assertRefusedBeforeTheBody("tly_00000000000000000000000000000000unknown", 1_000, 401, false);
    }

    @Test
    void anAnnouncedBodyOverTheLimitIsRefusedBeforeItArrives() throws Exception {
        Admin.Key key = Admin.newKey();
        // the fake provider's gateway allows 1M
        String head = assertRefusedBeforeTheBody(key.key(), 10_000_000, 413, true);
        assertThat(RawHttp.header(head, "connection")).isEqualToIgnoringCase("close");
    }

    @Test
    void aRateLimitedKeyIsRefusedBeforeTheBodyArrives() throws Exception {
        Admin.Key key = Admin.newKey(Map.of("requestsPerMinute", 1));
        assertThat(given().header("Authorization", "Bearer " + key.key())
                        .contentType(ContentType.JSON)
                        .body("{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                        .post("/v1/chat/completions")
                        .statusCode())
                .isEqualTo(200);
        String head = assertRefusedBeforeTheBody(key.key(), 1_000, 429, true);
        assertThat(RawHttp.header(head, "retry-after")).isNotBlank();
    }

    @Test
    void aKeysLimitsAreExchangedWithTheOtherGatewaysOnceItIsUsed() {
        Admin.Key key = Admin.newKey(Map.of("requestsPerMinute", 5));
        assertThat(given().header("Authorization", "Bearer " + key.key())
                        .contentType(ContentType.JSON)
                        .body("{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                        .post("/v1/chat/completions")
                        .statusCode())
                .isEqualTo(200);
        // this gateway's use of the key and its claim, published by its own exchange thread
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            long[] published = published("key:" + key.keyId() + ":rpm");
            assertThat(published).isNotNull();
            assertThat(published[0]).isEqualTo(1);
            assertThat(published[1]).isBetween(1L, 5L);
        });
    }

    /** {used, claimed} this gateway published for a counter, or null. */
    long[] published(String counter) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT used, claimed FROM shared_claim WHERE instance_id = ? AND counter = ?")) {
            ps.setObject(1, limits.instance());
            ps.setString(2, counter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        }
    }

    /**
     * Sends only the head of a call announcing {@code contentLength} bytes, never the body, and
     * asserts the refusal arrives anyway, that the provider got no request, and, if
     * {@code recorded}, that the call is recorded once as rejected. Returns the response head.
     */
    static String assertRefusedBeforeTheBody(String key, long contentLength, int status, boolean recorded)
            throws Exception {
        int requestsBefore = FakeProvider.REQUESTS.get();
        String head;
        try (RawHttp c = new RawHttp()) {
            c.send(
                    "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                            + "Content-Length: " + contentLength,
                    null);
            head = c.readHead(); // times out (and fails) if the gateway waited for the body
        }
        assertThat(RawHttp.status(head)).isEqualTo(status);
        assertThat(FakeProvider.REQUESTS.get()).isEqualTo(requestsBefore);
        if (!recorded) {
            return head;
        }
        String requestId = RawHttp.header(head, "x-request-id");
        JsonNode d = events.await(requestId).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("rejected");
        assertThat(d.path("status").asInt()).isEqualTo(status);
        assertThat(d.path("model").isNull()).isTrue();
        assertThat(events.count(requestId)).isEqualTo(1);
        return head;
    }
}
