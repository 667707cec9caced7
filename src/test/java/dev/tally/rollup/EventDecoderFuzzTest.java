package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tally.events.TokenKind;

/**
 * Fuzzes the aggregator's decoder with any Kafka message value: a usage or outcome event within its caps,
 * or an {@link InvalidEventException} with a bounded reason (the message then goes to the DLQ), never
 * another exception, a hang or an allocation the message did not pay for. Seeds and kept crashes:
 * {@code src/test/resources/dev/tally/rollup/EventDecoderFuzzTestInputs/decode/}.
 */
class EventDecoderFuzzTest {

    private static final EventDecoder DECODER = new EventDecoder();
    private static final Instant RECORD_TIME = Instant.parse("2026-03-01T12:00:00Z");

    @FuzzTest
    void decode(byte[] value) {
        try {
            UsageEvent u = DECODER.usage(value, RECORD_TIME);
            assertThat(u.id()).isNotBlank().hasSizeLessThanOrEqualTo(EventDecoder.MAX_ID);
            assertThat(u.teamId()).isNotNull();
            for (TokenKind kind : TokenKind.values()) {
                assertThat(u.tokens(kind)).isBetween(0L, EventDecoder.MAX_TOKENS);
            }
            assertThat(u.costNanos()).isBetween(0L, EventDecoder.MAX_COST_NANOS);
        } catch (InvalidEventException e) {
            assertReason(e);
        }
        try {
            OutcomeEvent o = DECODER.outcome(value);
            assertThat(o.id()).isNotBlank().hasSizeLessThanOrEqualTo(EventDecoder.MAX_ID);
            assertThat(o.teamId()).isNotNull();
            assertThat(o.occurredAt()).isNotNull();
        } catch (InvalidEventException e) {
            assertReason(e);
        }
    }

    private static void assertReason(InvalidEventException e) {
        // the reason is stored with the DLQ entry: always said, never unbounded
        assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(2 * EventDecoder.MAX_REASON);
    }
}
