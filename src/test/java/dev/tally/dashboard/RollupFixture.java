package dev.tally.dashboard;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * Writes rollup rows the way the aggregator does (usage_daily, outcome, outcome_daily) for teams of
 * the test's own, so page and report tests do not depend on the aggregator or on each other.
 */
public class RollupFixture {

    private final DataSource ds;

    public RollupFixture(DataSource ds) {
        this.ds = ds;
    }

    public UUID team(String name, String department) {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO team (id, name, department) VALUES (?, ?, ?)", id, name + " " + id.toString().substring(0, 6), department);
        return id;
    }

    public List<UUID> employees(UUID team, int n) {
        List<UUID> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            exec("INSERT INTO employee (id, email, name, team_id) VALUES (?, ?, ?, ?)", id, id + "@example.test",
                    "Person " + id.toString().substring(0, 5), team);
            out.add(id);
        }
        return out;
    }

    /** One usage_daily row, upserted like the aggregator's batches. */
    public void usage(LocalDate day, UUID team, UUID employee, String model, long requests, long input, long output,
            long cacheRead, long costNanos, long unpricedRequests) {
        exec("INSERT INTO usage_daily (day, team_id, employee_id, provider, model, requests, input_tokens, output_tokens,"
                + " cache_read_tokens, cost_nanos, unpriced_requests, unpriced_tokens) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (day, team_id, employee_id, provider, model) DO UPDATE SET"
                + " requests = usage_daily.requests + excluded.requests, input_tokens = usage_daily.input_tokens + excluded.input_tokens,"
                + " output_tokens = usage_daily.output_tokens + excluded.output_tokens,"
                + " cache_read_tokens = usage_daily.cache_read_tokens + excluded.cache_read_tokens,"
                + " cost_nanos = usage_daily.cost_nanos + excluded.cost_nanos,"
                + " unpriced_requests = usage_daily.unpriced_requests + excluded.unpriced_requests,"
                + " unpriced_tokens = usage_daily.unpriced_tokens + excluded.unpriced_tokens",
                Date.valueOf(day), team, employee, model.startsWith("claude") ? "anthropic" : "openai", model, requests, input,
                output, cacheRead, costNanos, unpricedRequests, unpricedRequests > 0 ? input + output : 0L);
    }

    /** One outcome (outcome row + outcome_daily count), as the aggregator stores it. */
    public void outcome(String id, LocalDate day, UUID team, UUID employee, String kind, boolean ai, String severity,
            BigDecimal valueHours, String attributionJson, String ref) {
        exec("INSERT INTO outcome (id, kind, team_id, employee_id, ai_assisted, attribution, source, ref, occurred_at, severity,"
                + " value_hours) VALUES (?,?,?,?,?,?::jsonb,?,?,?,?,?)", id, kind, team, employee, ai,
                attributionJson == null ? "[]" : attributionJson, "test", ref,
                day.atTime(12, 0).atOffset(ZoneOffset.UTC), severity, valueHours);
        exec("INSERT INTO outcome_daily (day, team_id, kind, ai_assisted, outcomes, value_hours) VALUES (?,?,?,?,1,?)"
                + " ON CONFLICT (day, team_id, kind, ai_assisted) DO UPDATE SET outcomes = outcome_daily.outcomes + 1,"
                + " value_hours = outcome_daily.value_hours + excluded.value_hours",
                Date.valueOf(day), team, kind, ai, valueHours == null ? BigDecimal.ZERO : valueHours);
    }

    public void markDemo(UUID team) {
        exec("INSERT INTO dashboard_demo_team (team_id) VALUES (?) ON CONFLICT DO NOTHING", team);
    }

    public void exec(String sql, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
