package dev.tally.access.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

import dev.tally.dashboard.report.CsvDownload;
import dev.tally.dashboard.report.Table;
import dev.tally.dashboard.report.Table.Cell;
import dev.tally.dashboard.report.Table.Column;
import dev.tally.dashboard.report.Table.Row;
import dev.tally.platform.ApiException;

/**
 * {@code GET /api/admin/audit}: the audit log as JSON, or CSV with {@code format=csv} (admins only).
 * Read-only: there is no method that changes an entry.
 */
@Path("/api/admin/audit")
@Blocking
public class AuditResource {

    static final int MAX_LIMIT = 10_000;

    private final AuditLog audit;
    private final Clock clock;

    public AuditResource(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Entries newest first: {@code from}/{@code to} (ISO instants) or {@code days} (default 30),
     * {@code target} (a kind: key, user, token, price, …), {@code limit} (default 1000).
     */
    @GET
    public Response list(
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("days") Integer days,
            @QueryParam("target") String target,
            @QueryParam("limit") Integer limit,
            @QueryParam("format") String format) {
        if (days != null && days < 1) {
            throw ApiException.badRequest("days: 1 or more");
        }
        Instant end = to == null ? clock.instant().plusSeconds(1) : instant("to", to);
        Instant start = from != null ? instant("from", from) : end.minus(Duration.ofDays(days == null ? 30 : days));
        int n = limit == null ? 1000 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw ApiException.badRequest("limit: 1 to " + MAX_LIMIT);
        }
        String kind = target(target);
        List<AuditEntry> entries = audit.list(start, end, kind, n);
        if (CsvDownload.wanted(format)) {
            return CsvDownload.attachment("tally-audit.csv", table(entries));
        }
        return Response.ok(entries, MediaType.APPLICATION_JSON).build();
    }

    static String target(String target) {
        if (target == null || target.isBlank()) {
            return null;
        }
        return Arrays.stream(AuditTarget.values())
                .map(AuditTarget::key)
                .filter(target::equals)
                .findFirst()
                .orElseThrow(() -> ApiException.badRequest("target: '" + target + "' is not one of "
                        + String.join(
                                ", ",
                                Arrays.stream(AuditTarget.values())
                                        .map(AuditTarget::key)
                                        .toList())));
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + ": '" + value + "' is not an ISO instant (2026-01-31T00:00:00Z)");
        }
    }

    static Table table(List<AuditEntry> entries) {
        List<Column> cols = List.of(
                new Column("At", "at", false),
                new Column("Actor", "actor", false),
                new Column("Role", "actor_role", false),
                new Column("Source", "source", false),
                new Column("Action", "action", false),
                new Column("Target kind", "target_kind", false),
                new Column("Target", "target_id", false),
                new Column("Before", "before", false),
                new Column("After", "after", false));
        List<Row> rows = new ArrayList<>();
        for (AuditEntry e : entries) {
            rows.add(new Row(
                    List.of(
                            Cell.plain(e.at()),
                            Cell.plain(e.actor()),
                            Cell.plain(e.actorRole()),
                            Cell.plain(e.source()),
                            Cell.plain(e.action()),
                            Cell.plain(e.targetKind()),
                            Cell.plain(e.targetId()),
                            Cell.plain(e.before()),
                            Cell.plain(e.after())),
                    ""));
        }
        return new Table("audit", "Audit log", cols, rows, null);
    }
}
