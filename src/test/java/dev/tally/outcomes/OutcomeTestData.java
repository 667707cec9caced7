package dev.tally.outcomes;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Rows and fixtures for the outcome flow tests; every test makes its own teams and employees. */
public final class OutcomeTestData {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private OutcomeTestData() {
    }

    public static UUID team(DataSource ds, String name) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement find = c.prepareStatement("SELECT id FROM team WHERE name = ?")) {
                find.setString(1, name);
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        return rs.getObject(1, UUID.class);
                    }
                }
            }
            UUID id = UUID.randomUUID();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO team (id, name, department) VALUES (?, ?, ?)")) {
                ins.setObject(1, id);
                ins.setString(2, name);
                ins.setString(3, "Engineering");
                ins.executeUpdate();
            }
            return id;
        }
    }

    public static UUID employee(DataSource ds, UUID teamId, String email, String githubLogin) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = ds.getConnection();
                PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO employee (id, email, name, team_id, github_login) VALUES (?, ?, ?, ?, ?)")) {
            ins.setObject(1, id);
            ins.setString(2, email);
            ins.setString(3, email.substring(0, email.indexOf('@')));
            ins.setObject(4, teamId);
            ins.setString(5, githubLogin);
            ins.executeUpdate();
        }
        return id;
    }

    /** A {@code usage_daily} row as the aggregator writes it: {@code requests} gateway calls that day. */
    public static void usage(DataSource ds, LocalDate day, UUID teamId, UUID employeeId, long requests) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ins = c.prepareStatement("INSERT INTO usage_daily (day, team_id, employee_id, provider, "
                        + "model, requests) VALUES (?, ?, ?, 'anthropic', 'claude-sonnet-4-5', ?)")) {
            ins.setObject(1, day);
            ins.setObject(2, teamId);
            ins.setObject(3, employeeId);
            ins.setLong(4, requests);
            ins.executeUpdate();
        }
    }

    public static ObjectNode fixture(String path) {
        try (InputStream in = OutcomeTestData.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the test classpath");
            }
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(String path) {
        try (InputStream in = OutcomeTestData.class.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The {@code pull_request} closed+merged fixture, moved to {@code repo#number} by {@code author}: every
     * field that names them is rewritten (URLs included) so the payload stays self-consistent.
     */
    public static ObjectNode mergedPr(String repo, int number, String author, String mergedAt, String... labels) {
        String json;
        try {
            json = MAPPER.writeValueAsString(fixture("github/webhooks/pull_request.closed.merged.json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        json = json.replace("Codertocat/Hello-World/pull/2", repo + "/pull/" + number)
                .replace("Codertocat/Hello-World/pulls/2", repo + "/pulls/" + number)
                .replace("Codertocat/Hello-World/issues/2", repo + "/issues/" + number)
                .replace("Codertocat/Hello-World", repo);
        try {
            ObjectNode p = (ObjectNode) MAPPER.readTree(json);
            p.put("number", number);
            ObjectNode pr = (ObjectNode) p.get("pull_request");
            pr.put("number", number);
            ((ObjectNode) pr.get("user")).put("login", author);
            pr.put("merged_at", mergedAt);
            pr.put("closed_at", mergedAt);
            var ls = pr.putArray("labels");
            for (String l : labels) {
                ls.addObject().put("id", Math.abs(l.hashCode())).put("name", l).put("color", "ededed").put("default", false);
            }
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
