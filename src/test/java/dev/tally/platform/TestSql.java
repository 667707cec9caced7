package dev.tally.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

import javax.sql.DataSource;

/**
 * One-number SQL reads for tests that check what reached the database (the real embedded
 * PostgreSQL of the test app): {@code count(ds, "SELECT count(*) FROM t WHERE a = ?", value)}.
 * Unchecked, so it can stand in an Awaitility condition.
 */
public final class TestSql {

    private TestSql() {}

    /**
     * The first column of the first row as a long; each parameter bound in order, a collection as a
     * PostgreSQL {@code uuid[]} (for {@code = ANY (?)}), anything else with {@code setObject}.
     */
    public static long count(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof Collection<?> values) {
                    ps.setArray(i + 1, c.createArrayOf("uuid", values.toArray()));
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row from " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
