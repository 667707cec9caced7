package dev.tally.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.platform.TestStack;

/** The hand-written usage event equals, byte for byte, what the app's ObjectMapper writes, escapes and non-ASCII text included. */
@QuarkusTest
@WithTestResource(TestStack.class)
class UsageEventJsonTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void handWrittenUsageEventsEqualTheDataBindingOutput() throws Exception {
        List<UsageData> cases = List.of(
                new UsageData(
                        "req-1",
                        "key-1 ünïcode then ascii",
                        "emp-1",
                        "team-1",
                        "openai",
                        "gpt-4o-mini",
                        "chat.completions",
                        false,
                        200,
                        UsageData.OUTCOME_OK,
                        1200,
                        340,
                        512,
                        0,
                        64,
                        1_234_567L,
                        true,
                        false,
                        812,
                        null,
                        null),
                new UsageData(
                        "req-2",
                        null,
                        null,
                        "00000000-0000-0000-0000-000000000000",
                        "anthropic",
                        "claude \"sonnet\" \\ é \u2028 \u0001 \b\f\t\n\r\u001f \uD83D\uDE00 tail / <>&'",
                        "messages",
                        true,
                        499,
                        UsageData.OUTCOME_CLIENT_CANCELLED,
                        0,
                        Long.MAX_VALUE,
                        0,
                        7,
                        0,
                        null,
                        false,
                        true,
                        0,
                        35L,
                        "claude-opus-4"),
                new UsageData(
                        "req-3",
                        "key-3",
                        null,
                        "team-3",
                        "anthropic",
                        "claude-haiku",
                        "messages",
                        false,
                        200,
                        UsageData.OUTCOME_OK,
                        1,
                        2,
                        0,
                        0,
                        0,
                        5L,
                        true,
                        false,
                        3,
                        null,
                        null,
                        null,
                        "code-review",
                        "pr-17:run.2",
                        "anthropic-sdk-python"),
                new UsageData(
                        null, null, null, null, null, null, null, false, 0, null, 0, 0, 0, 0, 0, 0L, true, false, -1,
                        0L, null));
        for (UsageData d : cases) {
            CloudEvent<UsageData> e = CloudEvent.of(
                    "id-" + d.requestId(),
                    "/tally/gateway",
                    CloudEvent.USAGE_TYPE,
                    d.teamId(),
                    Instant.parse("2026-11-27T18:50:01.123456789Z"),
                    d);
            assertThat(new String(UsageEventJson.write(e), StandardCharsets.UTF_8))
                    .isEqualTo(new String(mapper.writeValueAsBytes(e), StandardCharsets.UTF_8));
        }
        CloudEvent<UsageData> bare = new CloudEvent<>(null, null, null, null, null, null, null, null);
        assertThat(new String(UsageEventJson.write(bare), StandardCharsets.UTF_8))
                .isEqualTo(new String(mapper.writeValueAsBytes(bare), StandardCharsets.UTF_8));
        CloudEvent<UsageData> wholeSecond = CloudEvent.of(
                "x", "/s", CloudEvent.USAGE_TYPE, "t", Instant.parse("2026-11-27T18:50:00Z"), cases.get(0));
        assertThat(new String(UsageEventJson.write(wholeSecond), StandardCharsets.UTF_8))
                .isEqualTo(new String(mapper.writeValueAsBytes(wholeSecond), StandardCharsets.UTF_8));
    }
}
