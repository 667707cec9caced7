package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * One read of what the aggregator wrote, in ONE snapshot (a read-only repeatable-read transaction)
 * that starts by reading {@code rollup_version}: everything read after it is exactly what that version
 * stands for, so a value built from it may be cached under it ({@link dev.tally.platform.cache.StampedCache})
 * and reused until the aggregator commits again (docs/adr/0006-dashboard-rollups-and-cache.md).
 */
public final class RollupSnapshot {

    /** Work done in the snapshot, given the connection and the version read first. */
    @FunctionalInterface
    public interface Work<T> {
        T read(Connection c, long version) throws SQLException;
    }

    /** Work done in the snapshot that reads the versions it needs itself (a report: {@link ReportVersions}). */
    @FunctionalInterface
    public interface Body<T> {
        T read(Connection c) throws SQLException;
    }

    private RollupSnapshot() {}

    /**
     * Runs {@code work} in a fresh snapshot. {@code workMem} (e.g. {@code "32MB"}, or null for the
     * server's default) is set for this transaction only, for reads that sort or hash many rows.
     */
    public static <T> T read(DataSource dataSource, String workMem, Work<T> work) throws SQLException {
        return run(dataSource, workMem, c -> work.read(c, version(c)));
    }

    /** Runs {@code body} in a fresh snapshot, as {@link #read} does, without reading {@code rollup_version}. */
    public static <T> T run(DataSource dataSource, String workMem, Body<T> body) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                if (workMem != null) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET LOCAL work_mem = '" + workMem + "'");
                    }
                }
                T result = body.read(c);
                c.commit();
                return result;
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(true);
            }
        }
    }

    private static long version(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM rollup_version");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
