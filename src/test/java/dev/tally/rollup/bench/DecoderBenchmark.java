package dev.tally.rollup.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.tally.events.CloudEvent;
import dev.tally.events.TokenKind;
import dev.tally.events.UsageData;
import dev.tally.rollup.EventDecoder;

/**
 * CPU cost of decoding and validating one usage event, on one thread, without Kafka or the
 * database: 200,000 gateway-shaped events, three warm-up rounds, then five measured rounds.
 * Run with {@code ./mvnw test -DtestExcludedGroups=none -Dtest=DecoderBenchmark}.
 */
@Tag("benchmark")
class DecoderBenchmark {

    @Test
    void decodeRate() throws Exception {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            String team = UUID.randomUUID().toString();
            UsageData d = new UsageData(
                    UUID.randomUUID().toString(),
                    UUID.randomUUID().toString(),
                    UUID.randomUUID().toString(),
                    team,
                    "openai",
                    "gpt-4o-mini",
                    "chat.completions",
                    true,
                    200,
                    "ok",
                    1200 + i % 100,
                    300,
                    0,
                    0,
                    0,
                    123_456L,
                    true,
                    false,
                    900,
                    120L,
                    null);
            events.add(mapper.writeValueAsBytes(CloudEvent.of(
                    UUID.randomUUID().toString(), "/tally/gateway", CloudEvent.USAGE_TYPE, team, Instant.now(), d)));
        }
        EventDecoder decoder = new EventDecoder();
        long sink = 0;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            for (byte[] e : events) {
                sink += decoder.usage(e, null).tokens(TokenKind.INPUT);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "decode round %d: %,.0f events/s (%.2f µs/event)%s%n",
                    round, events.size() / s, s * 1e6 / events.size(), round < 3 ? " warm-up" : "");
        }
        System.out.println("checksum " + sink);
    }
}
