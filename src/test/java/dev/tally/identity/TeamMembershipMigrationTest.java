package dev.tally.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tally.platform.share.ExchangeDatabase;

/**
 * V1680 on a database of its own: existing employees become members of their current team since their
 * creation (the demo's people since the epoch), and from then on the trigger on {@code employee} keeps
 * the history at the writing transaction's time, whoever writes.
 */
class TeamMembershipMigrationTest {

    static final UUID CHECKOUT = UUID.randomUUID();
    static final UUID SEARCH = UUID.randomUUID();
    static final UUID DEMO = UUID.randomUUID();
    static final UUID ADA = UUID.randomUUID();
    static final UUID GRACE = UUID.randomUUID();
    static final UUID DEMO_PERSON = UUID.randomUUID();

    static String url;

    /** One stay as the table holds it. */
    record Stay(UUID team, Instant from, Instant to) {}

    @BeforeAll
    static void migrate() throws Exception {
        url = ExchangeDatabase.empty();
        Flyway.configure()
                .dataSource(url, ExchangeDatabase.username(), ExchangeDatabase.password())
                .target("1670")
                .load()
                .migrate();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO team (id, name, department) VALUES ('" + CHECKOUT + "', 'Checkout', 'Engineering'),"
                    + " ('" + SEARCH + "', 'Search', 'Engineering'), ('" + DEMO + "', 'Demo', 'Demo')");
            s.execute("INSERT INTO dashboard_demo_team (team_id) VALUES ('" + DEMO + "')");
            s.execute("INSERT INTO employee (id, email, name, team_id, created_at) VALUES"
                    + " ('" + ADA + "', 'ada@example.com', 'Ada', '" + CHECKOUT + "', '2024-03-05T09:00:00Z'),"
                    + " ('" + GRACE + "', 'grace@example.com', 'Grace', '" + SEARCH + "', '2025-11-20T16:30:00Z'),"
                    + " ('" + DEMO_PERSON + "', 'demo@example.com', 'Demo', '" + DEMO + "', '2026-01-01T00:00:00Z')");
        }
        Flyway.configure()
                .dataSource(url, ExchangeDatabase.username(), ExchangeDatabase.password())
                .load()
                .migrate();
    }

    @Test
    void existingEmployeesAreMembersOfTheirTeamSinceTheirCreationAndTheDemosSinceTheEpoch() throws Exception {
        try (Connection c = connect()) {
            assertThat(stays(c, ADA)).containsExactly(new Stay(CHECKOUT, Instant.parse("2024-03-05T09:00:00Z"), null));
            assertThat(stays(c, GRACE)).containsExactly(new Stay(SEARCH, Instant.parse("2025-11-20T16:30:00Z"), null));
            assertThat(stays(c, DEMO_PERSON)).containsExactly(new Stay(DEMO, Instant.EPOCH, null));
        }
    }

    @Test
    void aMoveEndsTheStayAndBeginsTheNextAtTheMovingTransactionsTime() throws Exception {
        UUID id = employee(CHECKOUT);
        Instant joined = only(id).from();
        Instant moved;
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            exec(c, "UPDATE employee SET team_id = ? WHERE id = ?", SEARCH, id);
            // a change of another column is no move
            exec(c, "UPDATE employee SET name = 'Renamed', team_id = ? WHERE id = ?", SEARCH, id);
            moved = now(c);
            c.commit();
            assertThat(stays(c, id)).containsExactly(new Stay(CHECKOUT, joined, moved), new Stay(SEARCH, moved, null));
        }
        assertThat(moved).isAfter(joined);
    }

    @Test
    void aDeletedEmployeeKeepsTheirStayEndedWhenTheyWereDeleted() throws Exception {
        UUID id = employee(CHECKOUT);
        Instant joined = only(id).from();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            exec(c, "DELETE FROM employee WHERE id = ?", id);
            Instant left = now(c);
            c.commit();
            assertThat(stays(c, id)).containsExactly(new Stay(CHECKOUT, joined, left));
        }
    }

    @Test
    void aStayBegunAndEndedInOneTransactionLeavesNoEmptyStay() throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            insertEmployee(c, id, CHECKOUT);
            exec(c, "UPDATE employee SET team_id = ? WHERE id = ?", SEARCH, id);
            Instant at = now(c);
            c.commit();
            assertThat(stays(c, id)).containsExactly(new Stay(SEARCH, at, null));
        }
        // moved away and back within one transaction: the stay goes on
        Instant joined = only(id).from();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            exec(c, "UPDATE employee SET team_id = ? WHERE id = ?", CHECKOUT, id);
            exec(c, "UPDATE employee SET team_id = ? WHERE id = ?", SEARCH, id);
            c.commit();
            assertThat(stays(c, id)).containsExactly(new Stay(SEARCH, joined, null));
        }
    }

    @Test
    void aCorrectionOfTheHistoryByHandMovesTheIdentityVersion() throws Exception {
        UUID id = employee(CHECKOUT);
        try (Connection c = connect()) {
            long before = identityVersion(c);
            exec(c, "UPDATE team_membership SET valid_from = 'epoch' WHERE employee_id = ?", id);
            assertThat(identityVersion(c)).isGreaterThan(before);
        }
    }

    private static UUID employee(UUID team) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = connect()) {
            insertEmployee(c, id, team);
        }
        return id;
    }

    private static void insertEmployee(Connection c, UUID id, UUID team) throws Exception {
        exec(
                c,
                "INSERT INTO employee (id, email, name, team_id) VALUES (?, ?, 'Someone', ?)",
                id,
                id + "@example.com",
                team);
    }

    private static Stay only(UUID id) throws Exception {
        try (Connection c = connect()) {
            List<Stay> stays = stays(c, id);
            assertThat(stays).hasSize(1);
            return stays.get(0);
        }
    }

    private static List<Stay> stays(Connection c, UUID employee) throws Exception {
        List<Stay> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT team_id, valid_from, valid_to FROM team_membership"
                + " WHERE employee_id = ? ORDER BY valid_from")) {
            ps.setObject(1, employee);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime to = rs.getObject(3, OffsetDateTime.class);
                    out.add(new Stay(
                            rs.getObject(1, UUID.class),
                            rs.getObject(2, OffsetDateTime.class).toInstant(),
                            to == null ? null : to.toInstant()));
                }
            }
        }
        return out;
    }

    /** The transaction's time: what the trigger stamps a stay with. */
    private static Instant now(Connection c) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static long identityVersion(Connection c) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM identity_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(url, ExchangeDatabase.username(), ExchangeDatabase.password());
    }
}
