package dev.tally.access.self;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.tally.access.AccessConfig;
import dev.tally.access.Viewer;
import dev.tally.dashboard.report.Period;
import dev.tally.identity.CreatedKey;
import dev.tally.identity.EmployeeView;
import dev.tally.identity.IdentityService;
import dev.tally.identity.KeyView;
import dev.tally.identity.NewKey;
import dev.tally.platform.ApiException;

/**
 * Self-service for every employee: their own usage and their own gateway keys. Everything is
 * scoped to the caller's employee record; another person's key is "not found", never "forbidden",
 * so key ids tell nothing.
 */
@ApplicationScoped
public class SelfService {

    private final DataSource dataSource;
    private final IdentityService identity;
    /** Active keys one employee may hold at once (revoked and expired ones do not count). */
    private final int maxActiveKeys;

    public SelfService(DataSource dataSource, IdentityService identity, AccessConfig config) {
        this.dataSource = dataSource;
        this.identity = identity;
        this.maxActiveKeys = config.maxKeysPerEmployee();
    }

    public MyUsage usage(Viewer viewer, Period period) {
        if (viewer.employeeId() == null) {
            return new MyUsage(null, viewer.name(), viewer.login(), null, period, null, List.of(), List.of());
        }
        EmployeeView e = identity.employee(viewer.employeeId());
        String team = identity.team(e.teamId()).name();
        List<UsageRow> models = new ArrayList<>();
        // usage_daily is per day, team, employee, provider and model: this reads one person's rows only.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                SELECT model, string_agg(DISTINCT provider, ', ' ORDER BY provider), sum(requests), sum(error_requests),
                       sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cost_nanos), sum(unpriced_requests)
                  FROM usage_daily WHERE employee_id = ? AND day BETWEEN ? AND ?
                 GROUP BY model ORDER BY sum(cost_nanos) DESC, sum(requests) DESC, model""")) {
            ps.setObject(1, e.id());
            ps.setDate(2, Date.valueOf(period.from()));
            ps.setDate(3, Date.valueOf(period.to()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    models.add(new UsageRow(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getLong(8),
                            rs.getLong(9)));
                }
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("reading your usage failed: " + ex.getMessage(), ex);
        }
        UsageRow total = new UsageRow("Total", "", 0, 0, 0, 0, 0, 0, 0);
        for (UsageRow m : models) {
            total = new UsageRow(
                    "Total",
                    "",
                    total.requests() + m.requests(),
                    total.errorRequests() + m.errorRequests(),
                    total.inputTokens() + m.inputTokens(),
                    total.outputTokens() + m.outputTokens(),
                    total.cacheReadTokens() + m.cacheReadTokens(),
                    total.costNanos() + m.costNanos(),
                    total.unpricedRequests() + m.unpricedRequests());
        }
        return new MyUsage(e.id(), e.name(), e.email(), team, period, total, models, identity.keys(e.id()));
    }

    public List<KeyView> keys(Viewer viewer) {
        return identity.keys(employee(viewer));
    }

    /** A new key of one's own; the key is in the answer only. */
    @Transactional
    public CreatedKey createKey(Viewer viewer, String name) {
        UUID employee = employee(viewer);
        String n = name == null ? "" : name.trim();
        if (n.isEmpty() || n.length() > 200) {
            throw ApiException.badRequest("name: give the key a name of 1 to 200 characters (where will you use it?)");
        }
        long active = identity.keys(employee).stream()
                .filter(k -> "active".equals(k.status()))
                .count();
        if (active >= maxActiveKeys) {
            throw ApiException.conflict(
                    "you already have " + active + " active keys: revoke one you no longer use first");
        }
        return identity.createKey(NewKey.of(employee, n));
    }

    /** Revokes one of one's own keys. */
    @Transactional
    public KeyView revokeKey(Viewer viewer, UUID keyId) {
        UUID employee = employee(viewer);
        KeyView k;
        try {
            k = identity.key(keyId);
        } catch (ApiException e) {
            throw ApiException.notFound("you have no key with id " + keyId);
        }
        if (!employee.equals(k.employeeId())) {
            throw ApiException.notFound("you have no key with id " + keyId);
        }
        return identity.revokeKey(keyId);
    }

    private static UUID employee(Viewer viewer) {
        if (viewer.employeeId() == null) {
            throw new ApiException(
                    403,
                    "your sign-in (" + viewer.login() + ") matches no employee's e-mail:"
                            + " ask an admin to add you as an employee");
        }
        return viewer.employeeId();
    }
}
