package dev.tally.rollup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/** The {@link UsageMeasure}s of one rollup key or report group, read and written by name. */
public final class UsageSums {

    private static final int N = UsageMeasure.ALL.size();

    private final long[] values = new long[N];

    public long get(UsageMeasure m) {
        return values[m.index()];
    }

    /** Adds one counted event. Overflow is an error, never a wrapped total. */
    public UsageSums add(UsageEvent e) {
        for (int i = 0; i < N; i++) {
            values[i] =
                    Math.addExact(values[i], UsageMeasure.ALL.get(i).perEvent().applyAsLong(e));
        }
        return this;
    }

    public UsageSums add(UsageSums o) {
        for (int i = 0; i < N; i++) {
            values[i] = Math.addExact(values[i], o.values[i]);
        }
        return this;
    }

    /** Adds a row's columns, found by their names (a report's {@code sum(x) AS x}). */
    public UsageSums add(ResultSet rs) throws SQLException {
        for (int i = 0; i < N; i++) {
            values[i] =
                    Math.addExact(values[i], rs.getLong(UsageMeasure.ALL.get(i).column()));
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UsageSums s && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
