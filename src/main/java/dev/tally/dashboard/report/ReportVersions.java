package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.Date;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The versions a report's cached parts are checked against, read first in the report's snapshot, in
 * one query: {@code identity_version} (teams and people; moved by a trigger in every transaction that
 * changes them) and the {@code rollup_month_version} of each month the report touches (moved by the
 * aggregator in every transaction that writes a row of that month). A month never written has no
 * row: version 0, and its first write makes it 1.
 */
record ReportVersions(long identity, Map<LocalDate, Long> months) {

    private static final String SQL = "SELECT NULL::date AS month, version FROM identity_version UNION ALL"
            + " SELECT month, version FROM rollup_month_version WHERE month BETWEEN ? AND ?";

    /** The versions of identity and of the months from {@code from}'s to {@code to}'s. */
    static ReportVersions read(Connection c, LocalDate from, LocalDate to) throws SQLException {
        long[] identity = {0};
        Map<LocalDate, Long> months = new HashMap<>();
        RollupReader.query(
                c,
                SQL,
                rs -> {
                    LocalDate month = rs.getObject("month", LocalDate.class);
                    if (month == null) {
                        identity[0] = rs.getLong("version");
                    } else {
                        months.put(month, rs.getLong("version"));
                    }
                },
                Date.valueOf(from.withDayOfMonth(1)),
                Date.valueOf(to.withDayOfMonth(1)));
        return new ReportVersions(identity[0], months);
    }

    long month(LocalDate first) {
        return months.getOrDefault(first, 0L);
    }

    /** The stamp of a value read from the months {@code from}'s to {@code to}'s: their versions in order. */
    List<Long> stamp(LocalDate from, LocalDate to) {
        return MonthRollups.months(from, to).stream().map(this::month).toList();
    }
}
