package dev.tally.rollup;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One rollup table: key columns computed from a source row (an event, or an already summed row of
 * a finer table), value columns merged per key. {@link #write} folds a batch in memory and sends it
 * as ONE statement ({@code INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE}), rows in key
 * order, so two writers of the same rows always lock them in the same order and never deadlock.
 *
 * <p>Values are merged by their SQL type: {@code int8} and {@code numeric} add up, a bit string
 * ({@code bit(366)}, one bit per day) is OR-ed; a {@link Merge#MIN} or {@link Merge#MAX} column
 * (a run's first and last call) keeps the least or greatest.
 *
 * @param <S> what one source row is
 */
final class RollupTable<S> {

    /** How a value column merges: summed (numbers added, bit strings OR-ed), or the least or greatest kept. */
    enum Merge {
        SUM,
        MIN,
        MAX
    }

    /** A column: its name, SQL type, value for one source row and (value columns) how it merges. */
    record Column<S>(String name, String type, Function<S, Object> value, Merge merge) {
        Column(String name, String type, Function<S, Object> value) {
            this(name, type, value, Merge.SUM);
        }
    }

    private static final Comparator<List<Object>> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            int c = ((Comparable) a.get(i)).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    private final String table;
    private final List<Column<S>> keys;
    private final List<Column<S>> values;
    private final String sql;

    RollupTable(String table, List<Column<S>> keys, List<Column<S>> values) {
        this.table = table;
        this.keys = List.copyOf(keys);
        this.values = List.copyOf(values);
        List<Column<S>> all = new ArrayList<>(keys);
        all.addAll(values);
        this.sql = "INSERT INTO " + table + " AS t (" + names(all) + ") SELECT "
                + all.stream().map(c -> "u." + c.name() + "::" + c.type()).collect(Collectors.joining(", "))
                + " FROM unnest("
                + all.stream().map(c -> "?::" + arrayType(c.type()) + "[]").collect(Collectors.joining(", "))
                + ") AS u(" + names(all) + ") ON CONFLICT (" + names(keys) + ") DO UPDATE SET "
                + values.stream().map(RollupTable::update).collect(Collectors.joining(", "));
    }

    private static String update(Column<?> c) {
        String n = c.name();
        return switch (c.merge()) {
            case MIN -> n + " = LEAST(t." + n + ", EXCLUDED." + n + ")";
            case MAX -> n + " = GREATEST(t." + n + ", EXCLUDED." + n + ")";
            case SUM -> n + " = t." + n + (c.type().startsWith("bit") ? " | " : " + ") + "EXCLUDED." + n;
        };
    }

    /** A usage table: these keys, every {@link UsageMeasure} summed. */
    static <S> RollupTable<S> usage(String table, List<Column<S>> keys, Function<S, UsageSums> sums) {
        return new RollupTable<>(
                table,
                keys,
                UsageMeasure.ALL.stream()
                        .map(m -> new Column<S>(
                                m.column(), "int8", s -> sums.apply(s).get(m)))
                        .toList());
    }

    String table() {
        return table;
    }

    /** Folds the rows per key and upserts them; does nothing for no rows. */
    void write(Connection c, Iterable<S> rows) throws SQLException {
        Map<List<Object>, Object[]> folded = new TreeMap<>(KEY_ORDER);
        for (S row : rows) {
            List<Object> key = new ArrayList<>(keys.size());
            for (Column<S> k : keys) {
                key.add(k.value().apply(row));
            }
            Object[] acc = folded.get(key);
            if (acc == null) {
                acc = new Object[values.size()];
                folded.put(key, acc);
            }
            for (int i = 0; i < acc.length; i++) {
                acc[i] = merge(
                        values.get(i).merge(), acc[i], values.get(i).value().apply(row));
            }
        }
        if (folded.isEmpty()) {
            return;
        }
        int n = folded.size();
        Object[][] columns = new Object[keys.size() + values.size()][n];
        int r = 0;
        for (Map.Entry<List<Object>, Object[]> e : folded.entrySet()) {
            for (int k = 0; k < keys.size(); k++) {
                columns[k][r] = e.getKey().get(k);
            }
            for (int v = 0; v < values.size(); v++) {
                columns[keys.size() + v][r] = e.getValue()[v];
            }
            r++;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < columns.length; i++) {
                String type = (i < keys.size() ? keys.get(i) : values.get(i - keys.size())).type();
                ps.setArray(i + 1, c.createArrayOf(arrayType(type), encode(type, columns[i])));
            }
            ps.executeUpdate();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object merge(Merge how, Object acc, Object v) {
        if (acc == null) {
            return v;
        }
        if (how != Merge.SUM) {
            int c = ((Comparable) acc).compareTo(v);
            return how == Merge.MIN ? (c <= 0 ? acc : v) : (c >= 0 ? acc : v);
        }
        if (acc instanceof Long a) {
            return Math.addExact(a, (Long) v);
        }
        if (acc instanceof BigDecimal a) {
            return a.add((BigDecimal) v);
        }
        BitSet bits = (BitSet) ((BitSet) acc).clone();
        bits.or((BitSet) v);
        return bits;
    }

    /** uuid, int8 and bool go as typed arrays; dates, times, numerics and bit strings as text. */
    private static String arrayType(String type) {
        return switch (type) {
            case "uuid", "int8", "bool" -> type;
            default -> "text";
        };
    }

    private static Object[] encode(String type, Object[] values) {
        return switch (arrayType(type)) {
            case "uuid" -> Arrays.copyOf(values, values.length, UUID[].class);
            case "int8" -> Arrays.copyOf(values, values.length, Long[].class);
            case "bool" -> Arrays.copyOf(values, values.length, Boolean[].class);
            default -> {
                String[] out = new String[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = text(values[i], type);
                }
                yield out;
            }
        };
    }

    private static String text(Object v, String type) {
        if (v == null) {
            return null;
        }
        if (v instanceof BitSet b) {
            return bits(b, type);
        }
        return v instanceof BigDecimal d ? d.toPlainString() : v.toString();
    }

    /** A BitSet as a bit-string literal of the column's length ({@code bit(366)}): bit 0 first. */
    private static String bits(BitSet b, String type) {
        int len = Integer.parseInt(type.substring(type.indexOf('(') + 1, type.indexOf(')')));
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(b.get(i) ? '1' : '0');
        }
        return sb.toString();
    }

    private static String names(List<? extends Column<?>> cols) {
        return cols.stream().map(Column::name).collect(Collectors.joining(", "));
    }
}
