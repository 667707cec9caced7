package dev.tally.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One line of {@code kafka/topics.conf}. */
public record TopicDefinition(String name, int partitions, short replication, long retentionMs, String cleanupPolicy) {

    public static final String RESOURCE = "kafka/topics.conf";

    /** Parses the whitespace-separated file; '#' starts a comment. */
    public static List<TopicDefinition> parse(InputStream in) throws IOException {
        List<TopicDefinition> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                int hash = line.indexOf('#');
                String s = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (s.isEmpty()) {
                    continue;
                }
                String[] f = s.split("\\s+");
                if (f.length != 5) {
                    throw new IOException(RESOURCE + " line " + n + ": expected 5 fields "
                            + "(name partitions replication retention.ms cleanup.policy), got " + f.length);
                }
                try {
                    out.add(new TopicDefinition(
                            f[0], Integer.parseInt(f[1]), Short.parseShort(f[2]), Long.parseLong(f[3]), f[4]));
                } catch (NumberFormatException e) {
                    throw new IOException(RESOURCE + " line " + n + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    public static List<TopicDefinition> load() {
        try (InputStream in = TopicDefinition.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
