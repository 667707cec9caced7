package dev.tally.outcomes;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Rows and fixtures for the outcome flow tests; every test makes its own teams and employees. */
public final class OutcomeTestData {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** An hour ago, so that outcomes dated by these payloads fall in every report period that ends today. */
    static final String RECENT = Instant.now()
            .minus(Duration.ofHours(1))
            .truncatedTo(ChronoUnit.SECONDS)
            .toString();

    private OutcomeTestData() {}

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
            try (PreparedStatement ins =
                    c.prepareStatement("INSERT INTO team (id, name, department) VALUES (?, ?, ?)")) {
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
    public static void usage(DataSource ds, LocalDate day, UUID teamId, UUID employeeId, long requests)
            throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ins =
                        c.prepareStatement("INSERT INTO usage_daily (day, team_id, employee_id, provider, "
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
                ls.addObject()
                        .put("id", Math.abs(l.hashCode()))
                        .put("name", l)
                        .put("color", "ededed")
                        .put("default", false);
            }
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The documented {@code pull_request_review_comment} {@code created} payload moved to {@code repo#number},
     * as comment {@code id} by {@code login} on {@code path} lines {@code startLine..line} (startLine null:
     * one line) of {@code commitId}, on a PR by {@code prAuthor}.
     */
    public static ObjectNode reviewComment(
            String repo,
            int number,
            long id,
            String login,
            String body,
            String path,
            Integer startLine,
            int line,
            String commitId,
            String prAuthor) {
        ObjectNode p = fixture("github/webhooks/pull_request_review_comment.created.json");
        ((ObjectNode) p.get("repository")).put("full_name", repo).put("name", repo.substring(repo.indexOf('/') + 1));
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("number", number);
        ((ObjectNode) pr.get("user")).put("login", prAuthor);
        ObjectNode c = (ObjectNode) p.get("comment");
        c.put("id", id)
                .put("body", body)
                .put("path", path)
                .put("line", line)
                .put("original_line", line)
                .put("side", "RIGHT")
                .put("commit_id", commitId)
                .put("original_commit_id", commitId)
                .put("html_url", "https://github.com/" + repo + "/pull/" + number + "#discussion_r" + id)
                .put("created_at", RECENT)
                .put("updated_at", RECENT);
        if (startLine == null) {
            c.putNull("start_line");
        } else {
            c.put("start_line", startLine).put("start_side", "RIGHT");
        }
        c.remove("in_reply_to_id");
        ((ObjectNode) c.get("user")).put("login", login).put("type", "Bot");
        return p;
    }

    /** A {@code pull_request_review_thread} {@code resolved} delivery of the thread the comment payload starts. */
    public static ObjectNode threadResolved(ObjectNode commentPayload, String resolver) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("action", "resolved");
        p.set("pull_request", commentPayload.get("pull_request").deepCopy());
        ObjectNode thread = p.putObject("thread");
        thread.put(
                "node_id", "PRRT_kwDOTally" + commentPayload.at("/comment/id").asLong());
        thread.putArray("comments").add(commentPayload.get("comment").deepCopy());
        p.set("repository", commentPayload.get("repository").deepCopy());
        ObjectNode sender = commentPayload.get("sender").deepCopy();
        sender.put("login", resolver);
        p.set("sender", sender);
        return p;
    }

    /** A {@code pull_request} {@code synchronize} delivery: the PR's head moved from {@code before} to {@code after}. */
    public static ObjectNode synchronize(String repo, int number, String prAuthor, String before, String after) {
        ObjectNode p = mergedPr(repo, number, prAuthor, RECENT);
        p.put("action", "synchronize").put("before", before).put("after", after);
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("merged", false).put("state", "open").putNull("merged_at").putNull("closed_at");
        pr.put("updated_at", RECENT);
        ((ObjectNode) pr.get("head")).put("sha", after);
        return p;
    }
}
