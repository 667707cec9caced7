package dev.tally.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.jboss.logging.Logger;

/**
 * A durable FIFO of events on local disk, for the time Kafka cannot take them: append-only segment
 * files ({@code 00000000000000000001.seg}, …) of length-prefixed records, each with a CRC32C of its
 * payload; an {@code ack} file holding the position up to which records have been acknowledged by
 * Kafka. A segment is deleted only when every record in it is acknowledged.
 *
 * <p>One writer and one reader (the publisher's two threads); every method is synchronized. After
 * a crash, the first record that is cut short or fails its checksum ends its segment: the tail is
 * truncated away at open (it was never acknowledged to anyone as durable, since {@link #sync} had
 * not returned for it).
 *
 * <p>Record layout: {@code int payloadLength, int crc32c(payload), payload}; payload:
 * {@code short topicLen, topic, short keyLen (-1 = null), key, short idLen, id, value…}.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Spool.class);

    static final byte[] MAGIC = {'T', 'S', 'P', '1'};
    static final int HEADER = MAGIC.length;
    static final int RECORD_HEADER = 8;
    /** No event comes near this; a larger length field is corruption, not a record. */
    static final int MAX_RECORD = 16 * 1024 * 1024;
    private static final String SUFFIX = ".seg";
    private static final String ACK_FILE = "ack";

    /** A position in the spool: segment id and byte offset in it. */
    public record Position(long segment, long offset) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            int c = Long.compare(segment, o.segment);
            return c != 0 ? c : Long.compare(offset, o.offset);
        }
    }

    /** A record read back, with the position just after it (what to acknowledge). */
    public record Entry(SpoolRecord record, Position next) {
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;

    /** Sealed segments: id → size in bytes (valid records only). */
    private final TreeMap<Long, Long> sealed = new TreeMap<>();
    private long activeId;
    private FileChannel active;
    private long writePos;
    private long flushedPos;
    private Position acked;
    private Position read;
    private long readChannelId = -1;
    private FileChannel readChannel;
    private long records;
    private long corrupt;
    private boolean closed;

    private Spool(Path dir, long maxBytes, long segmentBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
    }

    /** Opens (or creates) the spool in {@code dir}, recovering what a previous run left. */
    public static Spool open(Path dir, long maxBytes, long segmentBytes) throws IOException {
        Spool s = new Spool(dir, maxBytes, Math.max(segmentBytes, 1024));
        s.recover();
        return s;
    }

    private void recover() throws IOException {
        Files.createDirectories(dir);
        List<Long> ids;
        try (Stream<Path> files = Files.list(dir)) {
            ids = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(SUFFIX))
                    .map(n -> n.substring(0, n.length() - SUFFIX.length()))
                    .filter(n -> n.chars().allMatch(Character::isDigit) && !n.isEmpty())
                    .map(Long::parseLong).sorted().toList();
        }
        Position ack = readAckFile();
        long first = ids.isEmpty() ? 1 : ids.get(0);
        if (ack == null || !ids.contains(ack.segment())) {
            ack = new Position(first, HEADER);
        }
        for (long id : ids) {
            Path file = segment(id);
            if (id < ack.segment()) {
                Files.deleteIfExists(file);
                continue;
            }
            long start = id == ack.segment() ? ack.offset() : HEADER;
            long[] scan = scan(file, start);
            long count = scan[0];
            long validEnd = scan[1];
            long size = Files.size(file);
            if (validEnd < size) {
                LOG.warnf("spool segment %s: %d bytes after the last whole record dropped (cut short by a crash)",
                        file.getFileName(), size - validEnd);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(validEnd);
                    ch.force(true);
                }
            }
            if (count == 0) {
                Files.deleteIfExists(file);
                continue;
            }
            sealed.put(id, validEnd);
            records += count;
        }
        long last = ids.isEmpty() ? 0 : ids.get(ids.size() - 1);
        activeId = last + 1;
        openActive();
        acked = sealed.isEmpty() ? new Position(activeId, HEADER)
                : ack.segment() == sealed.firstKey() ? ack : new Position(sealed.firstKey(), HEADER);
        read = acked;
        writeAckFile();
        if (records > 0) {
            LOG.infof("spool %s holds %d events (%d bytes) from an earlier run", dir, records, bytes());
        }
    }

    /** Counts whole, valid records from {@code start}; returns {count, end of the last valid record}. */
    private static long[] scan(Path file, long start) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer magic = ByteBuffer.allocate(HEADER);
            if (size < HEADER || readFully(ch, magic, 0) < HEADER || !java.util.Arrays.equals(magic.array(), MAGIC)) {
                return new long[] {0, 0};
            }
            long pos = Math.max(start, HEADER);
            long count = 0;
            while (true) {
                Object r = readAt(ch, pos, size);
                if (!(r instanceof SpoolRecord rec)) {
                    return new long[] {count, pos};
                }
                pos += RECORD_HEADER + encodedPayloadLength(rec);
                count++;
            }
        }
    }

    // ---- writing -------------------------------------------------------------------------------

    /**
     * Appends records in order until the spool is full; returns how many were written. They are
     * durable only after {@link #sync()}.
     */
    public synchronized int append(List<SpoolRecord> batch) throws IOException {
        ensureOpen();
        int n = 0;
        for (SpoolRecord r : batch) {
            ByteBuffer buf = encode(r);
            if (bytes() + buf.remaining() > maxBytes) {
                break;
            }
            if (writePos > HEADER && writePos + buf.remaining() > segmentBytes) {
                roll();
            }
            while (buf.hasRemaining()) {
                writePos += active.write(buf, writePos);
            }
            records++;
            n++;
        }
        return n;
    }

    /** fsync: everything appended so far survives a crash and becomes readable. */
    public synchronized void sync() throws IOException {
        ensureOpen();
        if (flushedPos != writePos) {
            active.force(false);
            flushedPos = writePos;
        }
    }

    private void roll() throws IOException {
        active.force(false);
        active.close();
        sealed.put(activeId, writePos);
        activeId++;
        openActive();
    }

    private void openActive() throws IOException {
        Path file = segment(activeId);
        active = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        active.write(ByteBuffer.wrap(MAGIC), 0);
        active.force(true);
        syncDirectory();
        writePos = HEADER;
        flushedPos = HEADER;
    }

    // ---- reading -------------------------------------------------------------------------------

    /** Up to {@code max} records after the last one read (synced records only). */
    public synchronized List<Entry> read(int max) throws IOException {
        ensureOpen();
        List<Entry> out = new ArrayList<>();
        while (out.size() < max) {
            boolean isActive = read.segment() == activeId;
            long limit = isActive ? flushedPos : sealed.getOrDefault(read.segment(), -1L);
            if (limit < 0) {
                // the segment was acknowledged and deleted under us, or never existed: go on to the next
                read = nextSegment(read.segment());
                continue;
            }
            if (read.offset() >= limit) {
                if (isActive) {
                    break;
                }
                read = nextSegment(read.segment());
                continue;
            }
            FileChannel ch = readChannel(read.segment());
            Object r = readAt(ch, read.offset(), limit);
            if (!(r instanceof SpoolRecord rec)) {
                corrupt++;
                LOG.errorf("spool segment %d is damaged at byte %d (%s): skipping the rest of it",
                        read.segment(), read.offset(), r);
                read = isActive ? new Position(activeId, flushedPos) : nextSegment(read.segment());
                continue;
            }
            read = new Position(read.segment(), read.offset() + RECORD_HEADER + encodedPayloadLength(rec));
            out.add(new Entry(rec, read));
        }
        return out;
    }

    /** Reading starts again at the first record not acknowledged (after a failed replay). */
    public synchronized void rewind() {
        read = acked;
    }

    /**
     * Records up to {@code upTo} are acknowledged by Kafka: the segments before it are deleted and
     * the position is saved, so a restart does not send them again.
     */
    public synchronized void ack(Position upTo, int count) throws IOException {
        ensureOpen();
        if (upTo.compareTo(acked) <= 0) {
            return;
        }
        acked = upTo;
        records = Math.max(0, records - count);
        if (read.compareTo(acked) < 0) {
            read = acked;
        }
        while (!sealed.isEmpty() && sealed.firstKey() < acked.segment()
                || !sealed.isEmpty() && sealed.firstKey() == acked.segment() && acked.offset() >= sealed.firstEntry().getValue()) {
            long id = sealed.pollFirstEntry().getKey();
            if (readChannelId == id) {
                closeReadChannel();
            }
            Files.deleteIfExists(segment(id));
            if (acked.segment() == id) {
                acked = nextSegment(id);
                if (read.compareTo(acked) < 0) {
                    read = acked;
                }
            }
        }
        writeAckFile();
    }

    /** True when every record written has been synced and acknowledged. */
    public synchronized boolean isDrained() {
        return writePos == flushedPos && acked.equals(new Position(activeId, writePos));
    }

    /** Starts an empty active segment once everything is acknowledged, giving the disk space back. */
    public synchronized void clear() throws IOException {
        ensureOpen();
        if (!isDrained() || writePos == HEADER) {
            return;
        }
        closeReadChannel();
        active.close();
        Files.deleteIfExists(segment(activeId));
        activeId++;
        openActive();
        acked = new Position(activeId, HEADER);
        read = acked;
        records = 0;
        writeAckFile();
    }

    // ---- state ---------------------------------------------------------------------------------

    /** Records not yet acknowledged. */
    public synchronized long records() {
        return records;
    }

    /** Bytes on disk not yet acknowledged (segment headers included). */
    public synchronized long bytes() {
        long total = 0;
        for (Map.Entry<Long, Long> e : sealed.entrySet()) {
            total += e.getValue();
        }
        total += writePos;
        long ackSegmentStart = acked.segment() == activeId || sealed.containsKey(acked.segment()) ? acked.offset() : 0;
        return Math.max(0, total - ackSegmentStart);
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Records skipped because they were damaged on disk (never expected; counted for the health check). */
    public synchronized long corrupt() {
        return corrupt;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        closeReadChannel();
        if (active != null) {
            active.force(false);
            active.close();
            if (writePos == HEADER) {
                // nothing in it: leave no empty segment behind
                Files.deleteIfExists(segment(activeId));
            }
        }
    }

    // ---- encoding ------------------------------------------------------------------------------

    static ByteBuffer encode(SpoolRecord r) {
        byte[] topic = r.topic().getBytes(StandardCharsets.UTF_8);
        byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
        byte[] id = (r.id() == null ? "" : r.id()).getBytes(StandardCharsets.UTF_8);
        int payload = 2 + topic.length + 2 + (key == null ? 0 : key.length) + 2 + id.length + r.value().length;
        ByteBuffer buf = ByteBuffer.allocate(RECORD_HEADER + payload);
        buf.position(RECORD_HEADER);
        buf.putShort((short) topic.length).put(topic);
        buf.putShort((short) (key == null ? -1 : key.length));
        if (key != null) {
            buf.put(key);
        }
        buf.putShort((short) id.length).put(id);
        buf.put(r.value());
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), RECORD_HEADER, payload);
        buf.putInt(0, payload).putInt(4, (int) crc.getValue());
        buf.position(0);
        return buf;
    }

    static int encodedPayloadLength(SpoolRecord r) {
        return 2 + r.topic().getBytes(StandardCharsets.UTF_8).length
                + 2 + (r.key() == null ? 0 : r.key().getBytes(StandardCharsets.UTF_8).length)
                + 2 + (r.id() == null ? 0 : r.id().getBytes(StandardCharsets.UTF_8).length)
                + r.value().length;
    }

    /** The record at {@code pos}, or a String saying why there is none (end, cut short, bad checksum). */
    private static Object readAt(FileChannel ch, long pos, long limit) throws IOException {
        if (pos + RECORD_HEADER > limit) {
            return pos == limit ? "end" : "record header cut short";
        }
        ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER);
        if (readFully(ch, head, pos) < RECORD_HEADER) {
            return "record header cut short";
        }
        int len = head.getInt(0);
        int crc = head.getInt(4);
        if (len < 6 || len > MAX_RECORD) {
            return "impossible record length " + len;
        }
        if (pos + RECORD_HEADER + len > limit) {
            return "record cut short";
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        if (readFully(ch, payload, pos + RECORD_HEADER) < len) {
            return "record cut short";
        }
        CRC32C c = new CRC32C();
        c.update(payload.array(), 0, len);
        if ((int) c.getValue() != crc) {
            return "checksum mismatch";
        }
        try {
            payload.flip();
            String topic = string(payload, payload.getShort());
            short keyLen = payload.getShort();
            String key = keyLen < 0 ? null : string(payload, keyLen);
            String id = string(payload, payload.getShort());
            byte[] value = new byte[payload.remaining()];
            payload.get(value);
            return new SpoolRecord(topic, key, id, value);
        } catch (RuntimeException e) {
            return "malformed record: " + e.getMessage();
        }
    }

    private static String string(ByteBuffer b, int len) {
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    // ---- files ---------------------------------------------------------------------------------

    private Path segment(long id) {
        return dir.resolve(String.format("%020d%s", id, SUFFIX));
    }

    private Position nextSegment(long id) {
        Long next = sealed.higherKey(id);
        return new Position(next != null ? next : activeId, HEADER);
    }

    /** The active segment is read through its write channel, which changes when it rolls: never cached. */
    private FileChannel readChannel(long id) throws IOException {
        if (id == activeId) {
            return active;
        }
        if (readChannelId != id) {
            closeReadChannel();
            readChannel = FileChannel.open(segment(id), StandardOpenOption.READ);
            readChannelId = id;
        }
        return readChannel;
    }

    private void closeReadChannel() {
        if (readChannel != null) {
            try {
                readChannel.close();
            } catch (IOException ignored) {
                // read-only channel: nothing to lose
            }
        }
        readChannel = null;
        readChannelId = -1;
    }

    private Position readAckFile() throws IOException {
        try {
            String[] f = Files.readString(dir.resolve(ACK_FILE), StandardCharsets.UTF_8).trim().split("\\s+");
            return new Position(Long.parseLong(f[0]), Long.parseLong(f[1]));
        } catch (NoSuchFileException e) {
            return null;
        } catch (RuntimeException e) {
            LOG.warnf("spool ack file unreadable (%s): replaying from the oldest segment", e.getMessage());
            return null;
        }
    }

    /** Written aside and renamed, so a crash leaves the old position or the new one, never half of one. */
    private void writeAckFile() throws IOException {
        Path tmp = dir.resolve(ACK_FILE + ".tmp");
        Files.writeString(tmp, acked.segment() + " " + acked.offset() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(ACK_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can fsync a directory; the file's own fsync still holds its data
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("spool " + dir + " is closed");
        }
    }
}
