package dev.tally.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tally.alert.channel.AlertEvents.InvalidAlert;

/**
 * What the alert intake makes of a message on {@code tally.alerts.v1}: the alert and its channels,
 * or a refusal that names what is wrong (the consumer logs it and skips the message; that it goes
 * on to the next is {@code AlertDeliveryTest}'s).
 */
class AlertEventsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final UUID TEAM = UUID.fromString("0d1a6f0e-5b7e-4d63-9a43-3b8c0c1e2f10");
    static final UUID CHANNEL = UUID.fromString("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");

    @Test
    void aBudgetsAlertIsReadWithItsFiguresAndChannels() throws Exception {
        ObjectNode e = AlertTopic.threshold("a-1", TEAM, "Search", List.of(CHANNEL));

        AlertEvents.Incoming in = parse(e);

        assertThat(in.alert().id()).isEqualTo("a-1");
        assertThat(in.alert().kind()).isEqualTo(AlertKind.THRESHOLD);
        assertThat(in.alert().threshold()).isEqualTo(80);
        assertThat(in.alert().spentNanos()).isEqualTo(400_000_000_000L);
        assertThat(in.alert().at()).isEqualTo(Instant.parse("2026-12-20T10:15:00Z"));
        assertThat(in.channelIds()).containsExactly(CHANNEL);
    }

    @Test
    void withoutItsOwnTimeAnAlertTakesTheEventsTime() throws Exception {
        ObjectNode e = AlertTopic.threshold("a-2", TEAM, "Search", List.of());
        ((ObjectNode) e.get("data")).remove("at");
        e.put("time", "2026-12-21T08:00:00Z");

        assertThat(parse(e).alert().at()).isEqualTo(Instant.parse("2026-12-21T08:00:00Z"));
    }

    @Test
    void eachMessageThatIsNoAlertIsRefusedNamingWhatIsWrong() {
        refused(new byte[0], "empty message");
        refused(new byte[AlertEvents.MAX_BYTES + 1], "more than " + AlertEvents.MAX_BYTES);
        refused("{not json".getBytes(StandardCharsets.UTF_8), "not JSON");
        refused("[1,2]".getBytes(StandardCharsets.UTF_8), "not a JSON object");

        Map<String, Consumer<ObjectNode>> breaks = Map.ofEntries(
                Map.entry(
                        "type is 'dev.tally.usage.v1', not dev.tally.alert.v1",
                        e -> e.put("type", "dev.tally.usage.v1")),
                Map.entry("id: missing", e -> e.remove("id")),
                Map.entry("id: missing or longer than 500 characters", e -> e.put("id", "x".repeat(501))),
                Map.entry("data: missing", e -> e.remove("data")),
                Map.entry("data.kind: 'nope' is not an alert kind", e -> data(e).put("kind", "nope")),
                Map.entry("data.kind: 'digest' is not an alert kind", e -> data(e).put("kind", "digest")),
                Map.entry("data.at: missing", e -> {
                    data(e).remove("at");
                    e.remove("time");
                }),
                Map.entry("data.at: not an ISO-8601 instant", e -> data(e).put("at", "yesterday")),
                Map.entry("time: not an ISO-8601 instant", e -> {
                    data(e).remove("at");
                    e.put("time", "noon");
                }),
                Map.entry("data.periodEnd: not an ISO-8601 instant", e -> data(e).put("periodEnd", "2027-01")),
                Map.entry("data.threshold: not a whole number", e -> data(e).put("threshold", "eighty")),
                Map.entry("data.spentNanos: not integer nano-dollars", e -> data(e).put("spentNanos", 1.5)),
                Map.entry("data.budgetId: 'b-1' is not a UUID", e -> data(e).put("budgetId", "b-1")),
                Map.entry("data.channelIds: not a list", e -> data(e).put("channelIds", CHANNEL.toString())),
                Map.entry(
                        "data.channelIds: 'slack' is not a UUID",
                        e -> data(e).putArray("channelIds").add("slack")));
        breaks.forEach((reason, change) -> {
            ObjectNode e = AlertTopic.threshold("a-3", TEAM, "Search", List.of(CHANNEL));
            change.accept(e);
            refused(e.toString().getBytes(StandardCharsets.UTF_8), reason);
        });
    }

    private static ObjectNode data(ObjectNode e) {
        return (ObjectNode) e.get("data");
    }

    private static AlertEvents.Incoming parse(ObjectNode e) throws InvalidAlert {
        return AlertEvents.parse(e.toString().getBytes(StandardCharsets.UTF_8), JSON);
    }

    private static void refused(byte[] value, String reason) {
        assertThatThrownBy(() -> AlertEvents.parse(value, JSON))
                .as(reason)
                .isInstanceOf(InvalidAlert.class)
                .hasMessageContaining(reason);
    }
}
