package dev.tally.access.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import dev.tally.access.Viewer;
import dev.tally.access.Viewers;

/**
 * The audit log: every change to keys, users and roles, budgets, prices, tokens, repository rules
 * and imports, with who, when, from where, and the state before and after. Call
 * {@link #record(AuditTarget, AuditChange, Object, Object, Object)} inside the transaction that makes
 * the change, so that the entry and the change commit or roll back together. Entries cannot be
 * changed: there is no API for it and the table refuses UPDATE, DELETE and TRUNCATE (V700).
 */
@ApplicationScoped
public class AuditLog {

    /** Actor and source of changes made by Tally itself (first start, scheduled jobs). */
    public static final String SYSTEM = "system";

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final Viewers viewers;
    private final Clock clock;

    public AuditLog(DataSource dataSource, ObjectMapper json, Viewers viewers, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.viewers = viewers;
        this.clock = clock;
    }

    /**
     * Records a change made by the current caller. {@code before} and {@code after} are the
     * target's views (records, maps), written as JSON; null where there is none (a create has no
     * before, a delete no after). Never pass secrets: views hold prefixes and hashes' absence only.
     */
    @Transactional
    public void record(AuditTarget target, AuditChange change, Object targetId, Object before, Object after) {
        Optional<Viewer> viewer = viewers.find();
        insert(
                viewer.map(Viewer::actor).orElse(SYSTEM),
                viewer.map(Viewer::roleName).orElse(null),
                source(),
                target,
                change,
                targetId,
                before,
                after);
    }

    /** Records a change made by Tally itself, not by a caller (e.g. the admin account at first start). */
    @Transactional
    public void recordSystem(AuditTarget target, AuditChange change, Object targetId, Object before, Object after) {
        insert(SYSTEM, null, SYSTEM, target, change, targetId, before, after);
    }

    private void insert(
            String actor,
            String role,
            String source,
            AuditTarget target,
            AuditChange change,
            Object targetId,
            Object before,
            Object after) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO audit_log (at, actor, actor_role, source, action,"
                                + " target_kind, target_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, actor);
            ps.setString(3, role);
            ps.setString(4, source);
            ps.setString(5, target.key() + "." + change.key());
            ps.setString(6, target.key());
            ps.setString(7, targetId == null ? null : targetId.toString());
            ps.setString(8, toJson(before));
            ps.setString(9, toJson(after));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the audit log: " + e.getMessage(), e);
        }
    }

    /** The newest entries first, optionally of one target kind, at most {@code limit}. */
    public List<AuditEntry> list(Instant from, Instant to, String targetKind, int limit) {
        StringBuilder sql =
                new StringBuilder("SELECT id, at, actor, actor_role, source, action, target_kind, target_id,"
                        + " before::text, after::text FROM audit_log WHERE at >= ? AND at < ?");
        if (targetKind != null) {
            sql.append(" AND target_kind = ?");
        }
        sql.append(" ORDER BY at DESC, id DESC LIMIT ?");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setTimestamp(i++, Timestamp.from(from));
            ps.setTimestamp(i++, Timestamp.from(to));
            if (targetKind != null) {
                ps.setString(i++, targetKind);
            }
            ps.setInt(i, limit);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(
                            rs.getLong(1),
                            rs.getTimestamp(2).toInstant(),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8),
                            node(rs.getString(9)),
                            node(rs.getString(10))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log: " + e.getMessage(), e);
        }
    }

    private String toJson(Object o) {
        if (o == null) {
            return null;
        }
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit value is not JSON-serialisable: " + e.getMessage(), e);
        }
    }

    private JsonNode node(String s) {
        if (s == null) {
            return null;
        }
        try {
            return json.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client address of the current request, or "system" outside one. */
    static String source() {
        var request = Arc.container().instance(CurrentVertxRequest.class);
        if (!request.isAvailable() || !Arc.container().requestContext().isActive()) {
            return SYSTEM;
        }
        RoutingContext rc = request.get().getCurrent();
        if (rc == null) {
            return SYSTEM;
        }
        SocketAddress addr = rc.request().remoteAddress();
        return addr == null ? "unknown" : addr.hostAddress();
    }
}
