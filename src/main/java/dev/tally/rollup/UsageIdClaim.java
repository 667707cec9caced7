package dev.tally.rollup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.postgresql.PGConnection;

/**
 * Claims a batch's usage event ids in {@code usage_event_id}, inside the batch's transaction, and
 * says which were new: only those are counted. Every id is claimed, whoever produced it and however
 * it reached the topic (docs/adr/0017).
 *
 * <p>Optimistic: the plain insert of all of them usually succeeds (no repeats), which costs one
 * index insert per id and nothing else. When it hits a unique violation, the savepoint undoes it;
 * the ids already stored are then looked up and only the others inserted. Should another consumer
 * insert one of them in between (only possible during a rebalance), the second unique violation
 * rolls the whole batch back and it is read again.
 *
 * <p>The ids go in in the index's own order. The gateway's ids grow with time (UUID version 7,
 * {@link dev.tally.events.EventIds}), so a sorted batch is appended at the B-tree's right edge,
 * page after page, instead of landing on a random page per id.
 */
final class UsageIdClaim {

    private static final String SEEN_USAGE_IDS = """
            SELECT k.id FROM unnest(?::uuid[]) AS k(id) JOIN usage_event_id u ON u.id = k.id""";

    private static final String UNIQUE_VIOLATION = "23505";

    /** PostgreSQL's order of {@code uuid}: its sixteen bytes compared unsigned, left to right. */
    static final Comparator<UUID> INDEX_ORDER = (a, b) -> {
        int hi = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return hi != 0 ? hi : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    private UsageIdClaim() {}

    /** Inserts the events' ids and returns the ids (as the events spell them) that were new. */
    static Set<String> claim(Connection c, Collection<UsageEvent> events) throws SQLException {
        Set<String> claimed = new HashSet<>(events.size() * 2);
        if (events.isEmpty()) {
            return claimed;
        }
        Map<UUID, UsageEvent> byKey = new HashMap<>(events.size() * 2);
        for (UsageEvent e : events) {
            // two ids with one key (the same UUID in upper and lower case) are one event
            byKey.putIfAbsent(e.dedupeKey(), e);
        }
        List<UUID> keys = new ArrayList<>(byKey.keySet());
        keys.sort(INDEX_ORDER);
        Savepoint sp = c.setSavepoint();
        try {
            insertIds(c, keys, byKey);
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(sp);
            try (PreparedStatement ps = c.prepareStatement(SEEN_USAGE_IDS)) {
                ps.setArray(1, c.createArrayOf("uuid", keys.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byKey.remove(rs.getObject(1, UUID.class));
                    }
                }
            }
            keys.removeIf(k -> !byKey.containsKey(k));
            insertIds(c, keys, byKey);
        }
        for (UsageEvent e : byKey.values()) {
            claimed.add(e.id());
        }
        return claimed;
    }

    /**
     * COPY rather than INSERT … SELECT: COPY writes the heap in multi-row batches (one WAL record
     * per page instead of per row), which is most of the cost of one row per call. Binary rather
     * than text: the server then parses no uuid and no date per row, which halved the COPY of
     * 300,000 ids (docs/adr/0017).
     */
    private static void insertIds(Connection c, List<UUID> keys, Map<UUID, UsageEvent> byKey) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        ByteBuffer rows = ByteBuffer.allocate(COPY_HEADER.length + keys.size() * ROW_BYTES + 2);
        rows.put(COPY_HEADER);
        for (UUID key : keys) {
            rows.putShort((short) 2)
                    .putInt(16)
                    .putLong(key.getMostSignificantBits())
                    .putLong(key.getLeastSignificantBits())
                    .putInt(4)
                    .putInt((int) (utcDay(byKey.get(key)).toEpochDay() - PG_EPOCH_DAY));
        }
        rows.putShort((short) -1);
        try {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY usage_event_id (id, day) FROM STDIN (FORMAT binary)",
                            new ByteArrayInputStream(rows.array()));
        } catch (IOException e) {
            throw new SQLException("COPY of usage event ids failed: " + e.getMessage(), e);
        }
    }

    /**
     * PostgreSQL's binary COPY header: signature, flags (none), header extension length (none).
     * Each row is then a field count, and per field its length and bytes (big-endian).
     */
    private static final byte[] COPY_HEADER = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
    };

    /** Field count (2), uuid length (4) and 16 bytes, date length (4) and days (4). */
    private static final int ROW_BYTES = 2 + 4 + 16 + 4 + 4;

    /** A binary {@code date} counts days from 2000-01-01. */
    private static final long PG_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();

    /** The UTC day of {@code usage_event_id}: only its retention reads it (not a calendar day). */
    private static LocalDate utcDay(UsageEvent e) {
        return LocalDate.ofInstant(e.time(), ZoneOffset.UTC);
    }
}
