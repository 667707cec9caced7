package dev.tally.dashboard.report;

import jakarta.ws.rs.core.Response;

import dev.tally.platform.ApiException;

/** The reports' {@code format} parameter and their CSV answers, shared by every report resource. */
public final class CsvDownload {

    private CsvDownload() {}

    /** True for {@code format=csv}, false for none or {@code json}; anything else is a 400. */
    public static boolean wanted(String format) {
        if (format == null || format.isBlank() || format.equals("json")) {
            return false;
        }
        if (format.equals("csv")) {
            return true;
        }
        throw ApiException.badRequest("format: '" + format + "' is not json or csv");
    }

    /** {@code t} as a CSV attachment named after the report, table and period. */
    public static Response of(String name, Period p, String table, Table t) {
        return attachment("tally-" + name + "-" + table + "-" + p.from() + "-" + p.to() + ".csv", t);
    }

    /** {@code t} as a CSV attachment (RFC 4180, {@link Tables#csvCell}) under the file name given. */
    public static Response attachment(String fileName, Table t) {
        String file = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
        return Response.ok(Tables.csv(t), "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                .build();
    }
}
