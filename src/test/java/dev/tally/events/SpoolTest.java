package dev.tally.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool on its own: order, durability across reopen, crash-cut tails, segments, the size bound. */
class SpoolTest {

    @TempDir
    Path dir;

    static SpoolRecord rec(int i) {
        return new SpoolRecord(
                "t",
                i % 3 == 0 ? null : "team-" + (i % 3),
                "id-" + i,
                ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    static List<SpoolRecord> recs(int from, int to) {
        return IntStream.range(from, to).mapToObj(SpoolTest::rec).toList();
    }

    static List<String> ids(List<Spool.Entry> entries) {
        return entries.stream().map(e -> e.record().id()).toList();
    }

    @Test
    void recordsComeBackInOrderWithTheirContentAndAckEmptiesIt() throws IOException {
        try (Spool s = Spool.open(dir, 1 << 20, 1 << 20)) {
            assertThat(s.isDrained()).isTrue();
            assertThat(s.append(recs(0, 5))).isEqualTo(5);
            assertThat(s.read(10)).as("nothing readable before sync").isEmpty();
            s.sync();
            assertThat(s.records()).isEqualTo(5);
            assertThat(s.bytes()).isPositive();
            List<Spool.Entry> read = s.read(10);
            assertThat(ids(read)).containsExactly("id-0", "id-1", "id-2", "id-3", "id-4");
            assertThat(read.get(0).record().key()).isNull();
            assertThat(read.get(1).record().key()).isEqualTo("team-1");
            assertThat(read.get(4).record().value()).isEqualTo(rec(4).value());
            assertThat(s.isDrained()).isFalse();
            s.ack(read.get(4).next(), 5);
            assertThat(s.records()).isZero();
            assertThat(s.bytes()).isZero();
            assertThat(s.isDrained()).isTrue();
        }
    }

    @Test
    void rewindReadsAgainFromTheFirstUnacknowledgedRecord() throws IOException {
        try (Spool s = Spool.open(dir, 1 << 20, 1 << 20)) {
            s.append(recs(0, 6));
            s.sync();
            List<Spool.Entry> first = s.read(2);
            s.ack(first.get(1).next(), 2);
            assertThat(ids(s.read(2))).containsExactly("id-2", "id-3");
            s.rewind();
            assertThat(ids(s.read(10))).containsExactly("id-2", "id-3", "id-4", "id-5");
        }
    }

    @Test
    void aReopenedSpoolHoldsExactlyTheUnacknowledgedRecords() throws IOException {
        try (Spool s = Spool.open(dir, 1 << 20, 1024)) {
            s.append(recs(0, 40));
            s.sync();
            List<Spool.Entry> read = s.read(15);
            s.ack(read.get(14).next(), 15);
        }
        try (Spool s = Spool.open(dir, 1 << 20, 1024)) {
            assertThat(s.records()).isEqualTo(25);
            assertThat(ids(s.read(100)))
                    .isEqualTo(IntStream.range(15, 40).mapToObj(i -> "id-" + i).toList());
            // new records go after the old ones
            s.append(recs(40, 42));
            s.sync();
            assertThat(ids(s.read(100))).containsExactly("id-40", "id-41");
        }
    }

    @Test
    void aRecordCutShortByACrashIsDroppedAndEverythingBeforeItKept() throws IOException {
        try (Spool s = Spool.open(dir, 1 << 20, 1 << 20)) {
            s.append(recs(0, 3));
            s.sync();
        }
        Path seg = segments().get(0);
        long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(size - 10); // the last record lost its last 10 bytes, as in a crash mid-write
        }
        try (Spool s = Spool.open(dir, 1 << 20, 1 << 20)) {
            assertThat(s.records()).isEqualTo(2);
            assertThat(ids(s.read(10))).containsExactly("id-0", "id-1");
            s.append(recs(3, 4));
            s.sync();
            assertThat(ids(s.read(10))).containsExactly("id-3");
        }
    }

    @Test
    void aRecordWithABadChecksumOrAHalfWrittenHeaderEndsTheSegment() throws IOException {
        try (Spool s = Spool.open(dir, 1 << 20, 1 << 20)) {
            s.append(recs(0, 3));
            s.sync();
        }
        Path seg = segments().get(0);
        long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'#'}), size - 3); // flip a byte inside the last record
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 1}), size); // and a header cut short after it
        }
        try (Spool s = Spool.open(dir, 1 << 20, 1 << 20)) {
            assertThat(s.records()).isEqualTo(2);
            assertThat(ids(s.read(10))).containsExactly("id-0", "id-1");
        }
    }

    @Test
    void segmentsRollAndAreDeletedOnlyOnceEveryRecordInThemIsAcknowledged() throws IOException {
        try (Spool s = Spool.open(dir, 1 << 20, 1024)) {
            s.append(recs(0, 60));
            s.sync();
            List<Path> before = segments();
            assertThat(before).hasSizeGreaterThan(3);
            List<Spool.Entry> all = s.read(100);
            assertThat(all).hasSize(60);
            // acknowledge up to the middle of the second segment
            Spool.Entry mid = all.stream()
                    .filter(e -> e.next().segment() == all.get(0).next().segment() + 1)
                    .toList()
                    .get(1);
            int upTo = all.indexOf(mid) + 1;
            s.ack(mid.next(), upTo);
            List<Path> after = segments();
            assertThat(after).doesNotContain(before.get(0)).contains(before.get(1));
            assertThat(s.records()).isEqualTo(60 - upTo);
            s.ack(all.get(59).next(), 60 - upTo);
            assertThat(s.isDrained()).isTrue();
            s.clear();
            assertThat(segments()).hasSize(1); // a fresh, empty active segment
            assertThat(s.bytes()).isZero();
        }
    }

    @Test
    void aFullSpoolRefusesWhatDoesNotFitAndTakesMoreOnceAcknowledged() throws IOException {
        List<SpoolRecord> same = IntStream.range(10, 30)
                .mapToObj(i -> new SpoolRecord("t", "k", "id-" + i, new byte[100]))
                .toList();
        int one = SpoolFormat.encode(same.get(0)).remaining();
        try (Spool s = Spool.open(dir, 10L * one, 1 << 20)) {
            assertThat(s.append(same.subList(0, 15))).isEqualTo(10);
            s.sync();
            assertThat(s.records()).isEqualTo(10);
            assertThat(s.bytes()).isEqualTo(10L * one);
            List<Spool.Entry> read = s.read(3);
            s.ack(read.get(2).next(), 3);
            assertThat(s.append(same.subList(15, 20))).isEqualTo(3);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> out = new ArrayList<>(
                    files.filter(p -> p.toString().endsWith(".seg")).sorted().toList());
            return out;
        }
    }
}
