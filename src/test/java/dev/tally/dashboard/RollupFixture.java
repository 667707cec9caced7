package dev.tally.dashboard;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.Arc;

import dev.tally.events.CallOutcome;
import dev.tally.events.TokenKind;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.OutcomeEvent;
import dev.tally.rollup.RollupBatch;
import dev.tally.rollup.RollupStore;
import dev.tally.rollup.UsageEvent;

/**
 * Writes rollups for teams of the test's own through the aggregator's own store: each call is one
 * {@link RollupStore#apply} of a batch of events (on a partition of its own, so no real consumer's
 * offsets move), so every rollup table and {@code rollup_version} change exactly as they do for
 * Kafka traffic, and page and report tests depend neither on the aggregator's timing nor on each other.
 */
public class RollupFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource ds;
    private final RollupStore store =
            Arc.container().instance(RollupStore.class).get();
    private final OrgCalendar calendar =
            Arc.container().instance(OrgCalendar.class).get();

    public RollupFixture(DataSource ds) {
        this.ds = ds;
    }

    public UUID team(String name, String department) {
        UUID id = UUID.randomUUID();
        exec(
                "INSERT INTO team (id, name, department) VALUES (?, ?, ?)",
                id,
                name + " " + id.toString().substring(0, 6),
                department);
        return id;
    }

    /**
     * {@code n} new members of {@code team}, members since the epoch: the tests write usage for past days,
     * and a report counts a team's people in a period from its membership history ({@code team_membership}).
     */
    public List<UUID> employees(UUID team, int n) {
        List<UUID> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            exec(
                    "INSERT INTO employee (id, email, name, team_id) VALUES (?, ?, ?, ?)",
                    id,
                    id + "@example.test",
                    "Person " + id.toString().substring(0, 5),
                    team);
            exec("UPDATE team_membership SET valid_from = 'epoch' WHERE employee_id = ?", id);
            out.add(id);
        }
        return out;
    }

    /** A stay in a team: from {@code from} until {@code to} (exclusive; null: a member now). */
    public record Stay(UUID team, Instant from, Instant to) {}

    /**
     * Makes {@code employee}'s membership history exactly {@code stays} (the one with no end being the team
     * their employee row names): what the trigger on {@code employee} would have written, had they joined
     * and moved at those instants.
     */
    public void history(UUID employee, Stay... stays) {
        exec("DELETE FROM team_membership WHERE employee_id = ?", employee);
        for (Stay s : stays) {
            exec(
                    "INSERT INTO team_membership (employee_id, team_id, valid_from, valid_to) VALUES (?, ?, ?, ?)",
                    employee,
                    s.team(),
                    s.from().atOffset(ZoneOffset.UTC),
                    s.to() == null ? null : s.to().atOffset(ZoneOffset.UTC));
        }
    }

    /** Noon of a day in the organisation's zone: the day every rollup files it under. */
    public Instant noon(LocalDate day) {
        return day.atTime(12, 0).atZone(calendar.zone()).toInstant();
    }

    /**
     * {@code requests} calls of one person, model and day: the first {@code unpricedRequests} of a
     * model without a price, the rest priced; the first call carries the tokens, the first priced
     * one the cost.
     */
    public void usage(
            LocalDate day,
            UUID team,
            UUID employee,
            String model,
            long requests,
            long input,
            long output,
            long cacheRead,
            long costNanos,
            long unpricedRequests) {
        RollupBatch batch = new RollupBatch();
        for (long i = 0; i < requests; i++) {
            long[] tokens = new long[TokenKind.ALL.size()];
            if (i == 0) {
                tokens[TokenKind.INPUT.ordinal()] = input;
                tokens[TokenKind.OUTPUT.ordinal()] = output;
                tokens[TokenKind.CACHE_READ.ordinal()] = cacheRead;
            }
            boolean priced = i >= unpricedRequests;
            batch.add(new UsageEvent(
                    UUID.randomUUID().toString(),
                    noon(day),
                    team,
                    employee,
                    UsageEvent.NO_KEY,
                    model.startsWith("claude") ? "anthropic" : "openai",
                    model,
                    CallOutcome.OK,
                    tokens,
                    priced,
                    priced && i == unpricedRequests ? costNanos : 0));
        }
        apply(batch);
    }

    /** One priced call at an exact instant (for calendar edges), 10 input and 5 output tokens. */
    public void call(Instant at, UUID team, UUID employee, String model, long costNanos) {
        RollupBatch batch = new RollupBatch();
        batch.add(new UsageEvent(
                UUID.randomUUID().toString(),
                at,
                team,
                employee,
                UsageEvent.NO_KEY,
                "openai",
                model,
                CallOutcome.OK,
                new long[TokenKind.ALL.size()],
                true,
                costNanos));
        apply(batch);
    }

    /** One outcome event, counted as the aggregator counts it. */
    public void outcome(
            String id,
            LocalDate day,
            UUID team,
            UUID employee,
            String kind,
            boolean ai,
            String severity,
            BigDecimal valueHours,
            String attributionJson,
            String ref) {
        List<String> attribution;
        try {
            attribution = attributionJson == null
                    ? List.of()
                    : JSON.readValue(attributionJson, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(attributionJson, e);
        }
        RollupBatch batch = new RollupBatch();
        batch.add(new OutcomeEvent(
                id, kind, team, employee, ai, attribution, "test", ref, noon(day), severity, valueHours));
        apply(batch);
    }

    /** Applies a batch as the aggregator does, on a partition of its own. */
    public void apply(RollupBatch batch) {
        TopicPartition tp = new TopicPartition("fixture-" + UUID.randomUUID(), 0);
        batch.consumed(tp, 0);
        try {
            store.apply("rollup-fixture", batch, Map.of());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void markDemo(UUID team) {
        exec("INSERT INTO dashboard_demo_team (team_id) VALUES (?) ON CONFLICT DO NOTHING", team);
    }

    public void exec(String sql, Object... args) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
