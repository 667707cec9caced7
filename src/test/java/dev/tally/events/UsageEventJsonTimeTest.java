package dev.tally.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The event's time is written without {@link Instant#toString}, and the writer's buffer is reused
 * from event to event: both checked without the app (the byte-for-byte oracle against the app's
 * ObjectMapper is {@link UsageEventJsonTest}).
 */
class UsageEventJsonTimeTest {

    private static final UsageData DATA = data("gpt-4o-mini");

    @Test
    void theTimeIsWrittenAsInstantToStringWouldWriteIt() {
        SplittableRandom random = new SplittableRandom(16);
        long last9999 = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-100_000_000_000L, last9999 + 100_000_000L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            assertTimeWritten(Instant.ofEpochSecond(seconds, nanos));
        }
        for (String edge : new String[] {
            "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "2000-02-29T12:00:00.100Z",
            "2100-03-01T00:00:00.000001Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z"
        }) {
            assertTimeWritten(Instant.parse(edge));
        }
    }

    @Test
    void anEventAfterAVeryLongOneIsWrittenWhole() {
        String before = write("gpt-4o-mini");
        String huge = "m".repeat(200_000);
        assertThat(write(huge)).contains("\"model\":\"" + huge + "\"");
        assertThat(write("gpt-4o-mini")).isEqualTo(before);
        assertThat(write("gpt")).isEqualTo(before.replace("gpt-4o-mini", "gpt"));
    }

    private static void assertTimeWritten(Instant t) {
        CloudEvent<UsageData> e = CloudEvent.of("id-1", "/tally/gateway", CloudEvent.USAGE_TYPE, "team-1", t, DATA);
        assertThat(new String(UsageEventJson.write(e), StandardCharsets.UTF_8))
                .as("%s", t)
                .contains(",\"time\":\"" + t + "\",\"datacontenttype\"");
    }

    private static String write(String model) {
        UsageData d = data(model);
        Instant t = Instant.parse("2026-12-02T12:00:00.5Z");
        return new String(
                UsageEventJson.write(CloudEvent.of("id-1", "/tally/gateway", CloudEvent.USAGE_TYPE, "team-1", t, d)),
                StandardCharsets.UTF_8);
    }

    private static UsageData data(String model) {
        return new UsageData(
                "req-1",
                "key-1",
                "emp-1",
                "team-1",
                "openai",
                model,
                "chat.completions",
                false,
                200,
                UsageData.OUTCOME_OK,
                12,
                34,
                0,
                0,
                0,
                1_234L,
                true,
                false,
                8,
                null,
                null);
    }
}
