package dev.tally.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The spool's file format: a segment starts with {@link #MAGIC}; each record is its payload length
 * and CRC32C (8 bytes), then topic, key (length -1 = none), id and value. {@link Spool} decides
 * what to write and when; this class only encodes and decodes.
 */
final class SpoolFormat {

    private SpoolFormat() {}

    static final byte[] MAGIC = {'T', 'S', 'P', '1'};
    static final int HEADER = MAGIC.length;
    static final int RECORD_HEADER = 8;
    /** No event comes near this; a larger length field is corruption, not a record. */
    static final int MAX_RECORD = 16 * 1024 * 1024;

    /** Counts whole, valid records from {@code start}; returns {count, end of the last valid record}. */
    static long[] scan(Path file, long start) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer magic = ByteBuffer.allocate(HEADER);
            if (size < HEADER || readFully(ch, magic, 0) < HEADER || !Arrays.equals(magic.array(), MAGIC)) {
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
        return 2
                + r.topic().getBytes(StandardCharsets.UTF_8).length
                + 2
                + (r.key() == null ? 0 : r.key().getBytes(StandardCharsets.UTF_8).length)
                + 2
                + (r.id() == null ? 0 : r.id().getBytes(StandardCharsets.UTF_8).length)
                + r.value().length;
    }

    /** The record at {@code pos}, or a String saying why there is none (end, cut short, bad checksum). */
    static Object readAt(FileChannel ch, long pos, long limit) throws IOException {
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

    static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
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
}
