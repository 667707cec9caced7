package dev.tally.dashboard;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.demo.DemoHistory;
import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.demo.DemoOrg;
import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.UsageData;

/**
 * Realistic rollups for page tests and screenshots: the demo org's history (DemoHistory), summed
 * the way the aggregator sums events, written straight into the V2 tables for fresh teams.
 */
public final class DemoRollups {

    private DemoRollups() {
    }

    public static List<SeededTeam> load(DataSource ds, int days, boolean markDemo) {
        RollupFixture f = new RollupFixture(ds);
        List<SeededTeam> teams = new ArrayList<>();
        for (DemoOrg.TeamProfile p : DemoOrg.TEAMS) {
            UUID id = f.team(p.name(), p.department());
            teams.add(new SeededTeam(p, id, f.employees(id, p.people())));
            if (markDemo) {
                f.markDemo(id);
            }
        }
        Map<List<Object>, long[]> usage = new HashMap<>();
        Map<List<Object>, Long> outcomeDaily = new HashMap<>();
        List<CloudEvent<OutcomeData>> outcomes = new ArrayList<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int i = days - 1; i >= 0; i--) {
            LocalDate day = today.minusDays(i);
            DemoHistory.day(teams, day, (double) (days - i) / days, e -> {
                if (e.data() instanceof UsageData u) {
                    long[] a = usage.computeIfAbsent(List.of(day, UUID.fromString(u.teamId()), UUID.fromString(u.employeeId()),
                            u.provider(), u.model()), k -> new long[7]);
                    a[0]++;
                    a[1] += u.inputTokens();
                    a[2] += u.outputTokens();
                    a[3] += u.cacheReadTokens();
                    a[4] += u.costNanos() == null ? 0 : u.costNanos();
                    a[5] += u.priced() ? 0 : 1;
                    a[6] += u.priced() ? 0 : u.inputTokens() + u.outputTokens() + u.cacheReadTokens();
                } else {
                    @SuppressWarnings("unchecked")
                    CloudEvent<OutcomeData> o = (CloudEvent<OutcomeData>) e;
                    outcomes.add(o);
                    outcomeDaily.merge(List.of(day, UUID.fromString(o.data().teamId()), o.data().kind(), o.data().aiAssisted()), 1L, Long::sum);
                }
            });
        }
        ObjectMapper json = new ObjectMapper();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_daily (day, team_id, employee_id, provider, model,"
                    + " requests, input_tokens, output_tokens, cache_read_tokens, cost_nanos, unpriced_requests, unpriced_tokens)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (Map.Entry<List<Object>, long[]> e : usage.entrySet()) {
                    List<Object> k = e.getKey();
                    long[] a = e.getValue();
                    ps.setDate(1, Date.valueOf((LocalDate) k.get(0)));
                    ps.setObject(2, k.get(1));
                    ps.setObject(3, k.get(2));
                    ps.setString(4, (String) k.get(3));
                    ps.setString(5, (String) k.get(4));
                    for (int i = 0; i < 7; i++) {
                        ps.setLong(6 + i, a[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outcome (id, kind, team_id, employee_id, ai_assisted,"
                    + " attribution, source, ref, occurred_at, severity, value_hours) VALUES (?,?,?,?,?,?::jsonb,?,?,?,?,?)")) {
                for (CloudEvent<OutcomeData> e : outcomes) {
                    OutcomeData o = e.data();
                    ps.setString(1, e.id() + ":" + o.teamId());
                    ps.setString(2, o.kind());
                    ps.setObject(3, UUID.fromString(o.teamId()));
                    ps.setObject(4, o.employeeId() == null ? null : UUID.fromString(o.employeeId()));
                    ps.setBoolean(5, o.aiAssisted());
                    ps.setString(6, json.writeValueAsString(o.attribution()));
                    ps.setString(7, o.source());
                    ps.setString(8, o.ref());
                    ps.setObject(9, o.occurredAt().atOffset(ZoneOffset.UTC));
                    ps.setString(10, o.severity());
                    ps.setBigDecimal(11, o.valueHours());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO outcome_daily (day, team_id, kind, ai_assisted, outcomes, value_hours) VALUES (?,?,?,?,?,?)")) {
                for (Map.Entry<List<Object>, Long> e : outcomeDaily.entrySet()) {
                    ps.setDate(1, Date.valueOf((LocalDate) e.getKey().get(0)));
                    ps.setObject(2, e.getKey().get(1));
                    ps.setString(3, (String) e.getKey().get(2));
                    ps.setBoolean(4, (Boolean) e.getKey().get(3));
                    ps.setLong(5, e.getValue());
                    ps.setBigDecimal(6, BigDecimal.ZERO);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return teams;
    }
}
