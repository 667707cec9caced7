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
    public record Entry(SpoolRecord record, Position next) {}

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
                    .map(Long::parseLong)
                    .sorted()
                    .toList();
        }
        Position ack = readAckFile();
        long first = ids.isEmpty() ? 1 : ids.get(0);
        if (ack == null || !ids.contains(ack.segment())) {
            ack = new Position(first, SpoolFormat.HEADER);
        }
        for (long id : ids) {
            Path file = segment(id);
            if (id < ack.segment()) {
                Files.deleteIfExists(file);
                continue;
            }
            long start = id == ack.segment() ? ack.offset() : SpoolFormat.HEADER;
            long[] scan = SpoolFormat.scan(file, start);
            long count = scan[0];
            long validEnd = scan[1];
            long size = Files.size(file);
            if (validEnd < size) {
                LOG.warnf(
                        "spool segment %s: %d bytes after the last whole record dropped (cut short by a crash)",
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
        acked = sealed.isEmpty()
                ? new Position(activeId, SpoolFormat.HEADER)
                : ack.segment() == sealed.firstKey() ? ack : new Position(sealed.firstKey(), SpoolFormat.HEADER);
        read = acked;
        writeAckFile();
        if (records > 0) {
            LOG.infof("spool %s holds %d events (%d bytes) from an earlier run", dir, records, bytes());
        }
    }

    /**
     * Appends records in order until the spool is full; returns how many were written. They are
     * durable only after {@link #sync()}.
     */
    public synchronized int append(List<SpoolRecord> batch) throws IOException {
        ensureOpen();
        int n = 0;
        for (SpoolRecord r : batch) {
            ByteBuffer buf = SpoolFormat.encode(r);
            if (bytes() + buf.remaining() > maxBytes) {
                break;
            }
            if (writePos > SpoolFormat.HEADER && writePos + buf.remaining() > segmentBytes) {
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
        active = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        active.write(ByteBuffer.wrap(SpoolFormat.MAGIC), 0);
        active.force(true);
        syncDirectory();
        writePos = SpoolFormat.HEADER;
        flushedPos = SpoolFormat.HEADER;
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
            Object r = SpoolFormat.readAt(ch, read.offset(), limit);
            if (!(r instanceof SpoolRecord rec)) {
                corrupt++;
                LOG.errorf(
                        "spool segment %d is damaged at byte %d (%s): skipping the rest of it",
                        read.segment(), read.offset(), r);
                read = isActive ? new Position(activeId, flushedPos) : nextSegment(read.segment());
                continue;
            }
            read = new Position(
                    read.segment(), read.offset() + SpoolFormat.RECORD_HEADER + SpoolFormat.encodedPayloadLength(rec));
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
                || !sealed.isEmpty()
                        && sealed.firstKey() == acked.segment()
                        && acked.offset() >= sealed.firstEntry().getValue()) {
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
        if (!isDrained() || writePos == SpoolFormat.HEADER) {
            return;
        }
        closeReadChannel();
        active.close();
        Files.deleteIfExists(segment(activeId));
        activeId++;
        openActive();
        acked = new Position(activeId, SpoolFormat.HEADER);
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
            if (writePos == SpoolFormat.HEADER) {
                // nothing in it: leave no empty segment behind
                Files.deleteIfExists(segment(activeId));
            }
        }
    }

    // ---- files ---------------------------------------------------------------------------------

    private Path segment(long id) {
        return dir.resolve(String.format("%020d%s", id, SUFFIX));
    }

    private Position nextSegment(long id) {
        Long next = sealed.higherKey(id);
        return new Position(next != null ? next : activeId, SpoolFormat.HEADER);
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
            String[] f = Files.readString(dir.resolve(ACK_FILE), StandardCharsets.UTF_8)
                    .trim()
                    .split("\\s+");
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
