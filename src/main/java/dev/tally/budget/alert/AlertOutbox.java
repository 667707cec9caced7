package dev.tally.budget.alert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.CloudEvent;
import dev.tally.events.DeliveryListener;
import dev.tally.events.EventPublisher;
import dev.tally.events.Topics;

/**
 * Alerts in {@code budget_alert}, whose primary key (the event id: budget, period, kind, threshold)
 * is the dedupe however many instances evaluate and however often they restart. An alert is inserted
 * in the evaluating transaction and published after its commit; Kafka's acknowledgement marks it
 * published, and one still unmarked after a while (the instance stopped in between) is published
 * again with the same id, which consumers dedupe on.
 */
final class AlertOutbox implements DeliveryListener {

    private final ObjectMapper json;
    private final EventPublisher publisher;
    private final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();

    AlertOutbox(ObjectMapper json, EventPublisher publisher) {
        this.json = json;
        this.publisher = publisher;
    }

    /**
     * Records the alert unless one with its id exists, or one recorded under its {@code legacyId} (the
     * id's form without the period's kind) for the same kind of period; true when this call recorded it
     * (then publish it).
     */
    boolean insert(Connection c, CloudEvent<AlertData> event, String legacyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget_alert (id, budget_id, kind, event) "
                + "SELECT ?, ?, ?, ?::jsonb WHERE NOT EXISTS (SELECT 1 FROM budget_alert "
                + "WHERE id = ? AND event -> 'data' ->> 'period' = ?) ON CONFLICT (id) DO NOTHING")) {
            ps.setString(1, event.id());
            ps.setObject(2, event.data().budgetId());
            ps.setString(3, event.data().kind().json());
            ps.setString(4, write(event));
            ps.setString(5, legacyId);
            ps.setString(6, event.data().period().json());
            return ps.executeUpdate() == 1;
        }
    }

    void publish(CloudEvent<?> event) {
        publisher.publish(Topics.ALERTS, event);
    }

    @Override
    public void delivered(String topic, String id, int partition, long offset) {
        if (Topics.ALERTS.equals(topic)) {
            acknowledged.add(id);
        }
    }

    /** Marks what Kafka acknowledged, then publishes again what is still unmarked after {@code after}. */
    int sweep(Connection c, Duration after) throws SQLException {
        List<String> acked = new ArrayList<>();
        for (String id; (id = acknowledged.poll()) != null; ) {
            acked.add(id);
        }
        if (!acked.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE budget_alert SET published_at = now() WHERE id = ANY (?) AND published_at IS NULL")) {
                ps.setArray(1, c.createArrayOf("text", acked.toArray()));
                ps.executeUpdate();
            }
        }
        int again = 0;
        // the next try waits as long again: the retried row's created_at moves to now
        try (PreparedStatement ps = c.prepareStatement("UPDATE budget_alert SET created_at = now() WHERE id IN ("
                + "SELECT id FROM budget_alert WHERE published_at IS NULL AND created_at < now() - make_interval(secs => ?) "
                + "ORDER BY created_at LIMIT 100 FOR UPDATE SKIP LOCKED) RETURNING event::text")) {
            ps.setDouble(1, after.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    publish(read(rs.getString(1)));
                    again++;
                }
            }
        }
        return again;
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private CloudEvent<JsonNode> read(String s) {
        try {
            return json.readValue(s, new TypeReference<CloudEvent<JsonNode>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored alert is unreadable: " + e.getMessage(), e);
        }
    }
}
