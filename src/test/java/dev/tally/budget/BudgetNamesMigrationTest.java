package dev.tally.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.tally.platform.share.ExchangeDatabase;

/**
 * V1670 on a database of its own: budgets a version before made without a name ("team <id> month")
 * are named as one made now would be; a name someone gave stays.
 */
class BudgetNamesMigrationTest {

    @Test
    void budgetsNamedByIdAreNamedAsANewOneWouldBeAndGivenNamesStay() throws Exception {
        String url = ExchangeDatabase.empty();
        Flyway.configure()
                .dataSource(url, ExchangeDatabase.username(), ExchangeDatabase.password())
                .target("1662")
                .load()
                .migrate();
        UUID team = UUID.randomUUID();
        UUID ada = UUID.randomUUID();
        UUID laptop = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        Map<String, UUID> budgets = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, ExchangeDatabase.username(), ExchangeDatabase.password());
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO team (id, name, department) VALUES ('" + team + "', 'Checkout', 'Engineering')");
            s.execute("INSERT INTO employee (id, email, name, team_id) VALUES ('" + ada
                    + "', 'ada@example.com', 'Ada', '" + team + "')");
            s.execute("INSERT INTO api_key (id, employee_id, name, key_hash, prefix) VALUES ('" + laptop + "', '" + ada
                    + "', 'laptop', repeat('a', 64), 'tly_AbCdEfGh')");
            budgets.put("team " + team + " month", insert(c, "team", team.toString(), "month"));
            budgets.put("employee " + ada + " week", insert(c, "employee", ada.toString(), "week"));
            budgets.put("key " + laptop + " day", insert(c, "key", laptop.toString(), "day"));
            budgets.put("department Engineering quarter", insert(c, "department", "Engineering", "quarter"));
            budgets.put("org month", insert(c, "org", null, "month"));
            budgets.put("team " + gone + " month", insert(c, "team", gone.toString(), "month"));
            budgets.put("Lunch money", insert(c, "team", team.toString(), "day", "Lunch money"));
        }

        Flyway.configure()
                .dataSource(url, ExchangeDatabase.username(), ExchangeDatabase.password())
                .load()
                .migrate();

        try (Connection c =
                DriverManager.getConnection(url, ExchangeDatabase.username(), ExchangeDatabase.password())) {
            assertThat(name(c, budgets.get("team " + team + " month"))).isEqualTo("Checkout team, monthly");
            assertThat(name(c, budgets.get("employee " + ada + " week"))).isEqualTo("Ada, weekly");
            assertThat(name(c, budgets.get("key " + laptop + " day"))).isEqualTo("key laptop (Ada), daily");
            assertThat(name(c, budgets.get("department Engineering quarter")))
                    .isEqualTo("Engineering department, quarterly");
            assertThat(name(c, budgets.get("org month"))).isEqualTo("Organisation, monthly");
            // a scope that no longer exists has no readable name to give: the budget keeps its own
            assertThat(name(c, budgets.get("team " + gone + " month"))).isEqualTo("team " + gone + " month");
            assertThat(name(c, budgets.get("Lunch money"))).isEqualTo("Lunch money");
        }
    }

    /** A budget as a version before V1670 named one made without a name: scope, id and period. */
    private static UUID insert(Connection c, String scope, String scopeId, String period) throws Exception {
        return insert(c, scope, scopeId, period, scope + (scopeId == null ? "" : " " + scopeId) + " " + period);
    }

    private static UUID insert(Connection c, String scope, String scopeId, String period, String name)
            throws Exception {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget (id, name, scope, scope_id, period, "
                + "amount_nanos, mode, thresholds, unpriced) VALUES (?, ?, ?, ?, ?, 1000, 'alert', '{50}', 'allow')")) {
            ps.setObject(1, id);
            ps.setString(2, name);
            ps.setString(3, scope);
            ps.setString(4, scopeId);
            ps.setString(5, period);
            ps.executeUpdate();
        }
        return id;
    }

    private static String name(Connection c, UUID budget) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM budget WHERE id = ?")) {
            ps.setObject(1, budget);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
