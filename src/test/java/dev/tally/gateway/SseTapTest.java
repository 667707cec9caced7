package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class SseTapTest {

    static final String OPENAI = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}],\"usage\":null}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":1200,"
            + "\"completion_tokens\":300,\"total_tokens\":1500,\"prompt_tokens_details\":{\"cached_tokens\":1024},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":64}}}\n\n"
            + "data: [DONE]\n\n";

    static final String ANTHROPIC =
            "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\","
                    + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"usage\":"
                    + "{\"input_tokens\":50,\"cache_creation_input_tokens\":1000,\"cache_read_input_tokens\":2000,"
                    + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":800,\"ephemeral_1h_input_tokens\":200},\"output_tokens\":1}}}\r\n\r\n"
                    + "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                    + "\"text_delta\",\"text\":\"Hi \\\"you\\\"\"}}\r\n\r\n"
                    + "event: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":400}}\r\n\r\n"
                    + "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n";

    /** A Responses API stream: usage only in response.completed, the text as deltas and again whole. */
    static final String RESPONSES =
            "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
                    + "\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[],"
                    + "\"metadata\":{\"usage\":\"the caller's own\"},\"usage\":null}}\n\n"
                    + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
                    + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hello \\\"you\\\"\"}\n\n"
                    + "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"sequence_number\":2,"
                    + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"Hello \\\"you\\\"\"}\n\n"
                    + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":3,\"response\":"
                    + "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":[{\"type\":\"message\","
                    + "\"content\":[{\"type\":\"output_text\",\"text\":\"Hello \\\"you\\\"\"}]}],"
                    + "\"metadata\":{\"usage\":\"the caller's own\"},\"usage\":" + FakeProvider.RESPONSES_USAGE
                    + "}}\n\n";

    @Test
    void responsesApiUsageIsReadFromResponseCompletedWhateverTheChunking() {
        for (int size : new int[] {1, 7, 64, 100_000}) {
            Usage u = new Usage();
            String out = feed(new SseTap(Api.Wire.OPENAI_RESPONSES, false, u), RESPONSES, size);
            assertThat(out).as("passed through untouched").isEqualTo(RESPONSES);
            assertThat(u.input).as("size %d", size).isEqualTo(176);
            assertThat(u.cacheRead).isEqualTo(1024);
            assertThat(u.output).isEqualTo(300);
            assertThat(u.reasoning).isEqualTo(64);
            assertThat(u.complete).isTrue();
        }
    }

    @Test
    void aResponsesStreamNamesItsResponseFromItsFirstEventEvenWhenCutBeforeItsEnd() {
        String cut = RESPONSES.substring(0, RESPONSES.indexOf("event: response.output_text.done"));
        for (String stream : new String[] {RESPONSES, cut}) {
            for (int size : new int[] {1, 7, 100_000}) {
                Usage u = new Usage();
                feed(new SseTap(Api.Wire.OPENAI_RESPONSES, false, u), stream, size);
                assertThat(u.responseId).as("size %d", size).isEqualTo("resp_1");
            }
        }
        // only the final event, and an id that could not be a path's: none taken from it
        String completedOnly = RESPONSES.substring(RESPONSES.indexOf("event: response.completed"));
        Usage fromFinal = new Usage();
        feed(new SseTap(Api.Wire.OPENAI_RESPONSES, false, fromFinal), completedOnly, 5);
        assertThat(fromFinal.responseId).isEqualTo("resp_1");
        Usage unsafe = new Usage();
        feed(new SseTap(Api.Wire.OPENAI_RESPONSES, false, unsafe), RESPONSES.replace("resp_1", "../x"), 7);
        assertThat(unsafe.responseId).isNull();
    }

    @Test
    void aResponsesStreamCutBeforeItsEndCountsTheDeltasOnce() {
        String cut = RESPONSES.substring(0, RESPONSES.indexOf("event: response.completed"));
        Usage u = new Usage();
        feed(new SseTap(Api.Wire.OPENAI_RESPONSES, false, u), cut, 16);
        assertThat(u.reported).isFalse();
        // "Hello \"you\"" is 13 bytes as sent; the .done event's repeat of it is not counted again
        assertThat(u.streamedTextChars).isEqualTo(13);
    }

    /** Feeds the stream in pieces of {@code size} bytes and returns what the client would get. */
    static String feed(SseTap tap, String stream, int size) {
        byte[] all = stream.getBytes(StandardCharsets.UTF_8);
        Buffer out = Buffer.buffer();
        for (int i = 0; i < all.length; i += size) {
            out.appendBuffer(tap.onChunk(Buffer.buffer(Arrays.copyOfRange(all, i, Math.min(all.length, i + size)))));
        }
        Buffer rest = tap.onEnd();
        if (rest != null) {
            out.appendBuffer(rest);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anthropicUsageIsReadFromMessageStartAndDeltaWhateverTheChunking() {
        for (int size : new int[] {1, 7, 64, 100_000}) {
            Usage u = new Usage();
            String out = feed(new SseTap(Api.Wire.ANTHROPIC, false, u), ANTHROPIC, size);
            assertThat(out).isEqualTo(ANTHROPIC);
            assertThat(u.input).isEqualTo(50);
            assertThat(u.cacheWrite).isEqualTo(1000);
            assertThat(u.cacheWrite1h).isEqualTo(200);
            assertThat(u.cacheRead).isEqualTo(2000);
            assertThat(u.output).isEqualTo(400);
            assertThat(u.complete).isTrue();
        }
    }

    @Test
    void aUsageLineIsPassedOnFirstAndParsedWhenTheRelayAsks() {
        Usage u = new Usage();
        SseTap tap = new SseTap(Api.Wire.ANTHROPIC, false, u);
        String start = ANTHROPIC.substring(0, ANTHROPIC.indexOf("event: content_block_delta"));

        Buffer out = tap.onChunk(Buffer.buffer(start));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(start);
        assertThat(u.input).as("not parsed before the event is written").isZero();
        tap.readUsageSeen();
        assertThat(u.input).isEqualTo(50);
        assertThat(u.cacheRead).isEqualTo(2000);
    }

    @Test
    void manyUsageLinesInOneReadAreReadInOrder() {
        Usage u = new Usage();
        SseTap tap = new SseTap(Api.Wire.ANTHROPIC, false, u);
        StringBuilder read = new StringBuilder();
        for (int output = 1; output <= 20; output++) {
            read.append(
                            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":")
                    .append(output)
                    .append("}}\n\n");
        }

        tap.onChunk(Buffer.buffer(read.toString()));
        tap.readUsageSeen();

        assertThat(u.output).as("the last report counts, not one held back").isEqualTo(20);
    }

    @Test
    void openAiUsageChunkIsRemovedWhenTheGatewayAskedForIt() {
        for (int size : new int[] {1, 13, 100_000}) {
            Usage u = new Usage();
            String out = feed(new SseTap(Api.Wire.OPENAI, true, u), OPENAI, size);
            assertThat(out).doesNotContain("prompt_tokens").doesNotContain("\"choices\":[]");
            assertThat(out).isEqualTo(OPENAI.replaceAll("data: \\{[^\\n]*\"choices\":\\[\\],[^\\n]*\\n\\n", ""));
            assertThat(out).contains("\"content\":\"Hello\"").endsWith("data: [DONE]\n\n");
            assertThat(u.input).isEqualTo(176);
            assertThat(u.cacheRead).isEqualTo(1024);
            assertThat(u.output).isEqualTo(300);
            assertThat(u.reasoning).isEqualTo(64);
        }
    }

    @Test
    void openAiStreamIsUntouchedWhenTheClientAskedForUsage() {
        Usage u = new Usage();
        assertThat(feed(new SseTap(Api.Wire.OPENAI, false, u), OPENAI, 5)).isEqualTo(OPENAI);
        assertThat(u.output).isEqualTo(300);
    }

    @Test
    void streamedTextIsMeasuredForAnEstimate() {
        Usage u = new Usage();
        feed(
                new SseTap(Api.Wire.ANTHROPIC, false, u),
                ANTHROPIC.substring(0, ANTHROPIC.indexOf("event: message_delta")),
                9);
        assertThat(u.complete).isFalse();
        assertThat(u.output).isEqualTo(1);
        // Hi \"you\" is 10 characters as sent (escapes included)
        assertThat(u.streamedTextChars).isEqualTo(10);
    }

    @Test
    void aLineWithoutEndIsPassedOnButNotHeld() {
        Usage u = new Usage();
        SseTap tap = new SseTap(Api.Wire.OPENAI, false, u);
        tap.onChunk(Buffer.buffer("data: {\"choices\":[{\"delta\":{\"content\":\""));
        Buffer letters = Buffer.buffer("a".repeat(64 * 1024));
        for (int i = 0; i < 100; i++) { // 6.4 MB of one line
            assertThat(tap.onChunk(letters).length()).isEqualTo(letters.length()); // passed on as it comes
        }
        assertThat(tap.heldBytes()).isZero();
        // the stream goes on normally after the line ends
        feed(tap, "\"}}]}\n\n" + OPENAI, 100);
        assertThat(u.input).isEqualTo(176);
    }

    @Test
    void anEventHeldBackForFilteringIsPassedOnOnceItOutgrowsTheLimit() {
        Usage u = new Usage();
        SseTap tap = new SseTap(Api.Wire.OPENAI, true, u);
        Buffer out = Buffer.buffer();
        out.appendBuffer(tap.onChunk(Buffer.buffer("data: {\"x\":\"")));
        Buffer letters = Buffer.buffer("a".repeat(64 * 1024));
        for (int i = 0; i < 100; i++) {
            out.appendBuffer(tap.onChunk(letters));
        }
        assertThat(tap.heldBytes()).isLessThanOrEqualTo(SseTap.MAX_LINE + letters.length());
        assertThat(out.length()).isGreaterThan(100 * letters.length() - SseTap.MAX_LINE - letters.length());
        out.appendBuffer(tap.onChunk(Buffer.buffer("\"}\n\n")));
        assertThat(out.length()).isEqualTo("data: {\"x\":\"".length() + 100 * letters.length() + "\"}\n\n".length());
    }

    @Test
    void oneSearchForEveryKeyFindsWhatASearchPerKeyFinds() {
        byte[][] keys = {
            "\"usage\"".getBytes(StandardCharsets.US_ASCII),
            "\"text\":\"".getBytes(StandardCharsets.US_ASCII),
            "\"thinking\":\"".getBytes(StandardCharsets.US_ASCII),
            "\"partial_json\":\"".getBytes(StandardCharsets.US_ASCII)
        };
        // lines made of the keys' own pieces, so keys overlap, repeat, run off the end and nearly match
        String[] pieces = {"\"", "usage", "text", "thinking", "partial_json", ":", "\\", "\"usage\"", "\"text\":\"", "x"
        };
        Random random = new Random(7);
        int[] at = new int[keys.length];
        int found = 0;
        for (int line = 0; line < 20_000; line++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
            int from = b.length == 0 ? 0 : random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            SseTap.findEach(b, from, to, keys, at);
            for (int k = 0; k < keys.length; k++) {
                assertThat(at[k])
                        .as("%s in [%d, %d) of %s", new String(keys[k], StandardCharsets.US_ASCII), from, to, sb)
                        .isEqualTo(firstIndexOf(b, from, to, keys[k]));
                found += at[k] >= 0 ? 1 : 0;
            }
        }
        assertThat(found).as("keys found in the lines").isGreaterThan(1_000);
    }

    /** The plain search: the first i in [from, to - needle.length] where the needle's bytes all match. */
    private static int firstIndexOf(byte[] b, int from, int to, byte[] needle) {
        for (int i = from; i + needle.length <= to; i++) {
            if (Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
