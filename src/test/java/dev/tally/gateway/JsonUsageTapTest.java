package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/** The usage of a JSON answer, read as its chunks pass, however the answer is cut into chunks. */
class JsonUsageTapTest {

    static Usage tap(String answer, Api.Wire wire, int chunk) {
        Usage u = new Usage();
        JsonUsageTap t = new JsonUsageTap(wire, u);
        byte[] b = answer.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) {
            t.onChunk(Buffer.buffer(Arrays.copyOfRange(b, i, Math.min(b.length, i + chunk))));
        }
        return u;
    }

    @Test
    void theTopLevelUsageIsReadAtEveryChunkBoundary() {
        String answer = FakeProvider.ANTHROPIC_JSON
                .replace("MODEL", "claude-sonnet-4-5")
                .replace("\"text\":\"Hello there!\"", "\"text\":\"x\",\"input\":{\"usage\":{\"input_tokens\":999}}");
        for (int chunk = 1; chunk <= answer.length(); chunk++) {
            Usage u = tap(answer, Api.Wire.ANTHROPIC, chunk);
            assertThat(u.input).as("chunks of %d", chunk).isEqualTo(50);
            assertThat(u.cacheRead).isEqualTo(2000);
            assertThat(u.cacheWrite).isEqualTo(1000);
            assertThat(u.cacheWrite1h).isEqualTo(200);
            assertThat(u.output).isEqualTo(400);
            assertThat(u.complete).isTrue();
        }
        Usage openAi = tap(FakeProvider.OPENAI_JSON.replace("MODEL", "gpt-4o"), Api.Wire.OPENAI, 7);
        assertThat(openAi.input).isEqualTo(176);
        assertThat(openAi.cacheRead).isEqualTo(1024);
        assertThat(openAi.reasoning).isEqualTo(64);
    }

    @Test
    void aResponsesAnswerNamesItsResponseByItsTopLevelIdOnly() {
        String answer = FakeProvider.responseObject("gpt-4o", "completed", FakeProvider.RESPONSES_USAGE);
        for (int chunk : new int[] {1, 9, 100_000}) {
            assertThat(tap(answer, Api.Wire.OPENAI_RESPONSES, chunk).responseId)
                    .as("chunk %d", chunk)
                    .isEqualTo(FakeProvider.RESPONSE_ID);
        }
        // the output items' ids are not the response's; other APIs' ids are not looked at
        assertThat(tap(
                                "{\"output\":[{\"id\":\"msg_1\"}],\"usage\":" + FakeProvider.RESPONSES_USAGE + "}",
                                Api.Wire.OPENAI_RESPONSES,
                                3)
                        .responseId)
                .isNull();
        assertThat(tap("{\"id\":{\"id\":\"resp_nested\"}}", Api.Wire.OPENAI_RESPONSES, 3).responseId)
                .isNull();
        assertThat(tap(FakeProvider.OPENAI_JSON.replace("MODEL", "gpt-4o"), Api.Wire.OPENAI, 7).responseId)
                .isNull();
    }

    @Test
    void anAnswerThatIsNotJsonOrHasNoUsageLeavesItUnreported() {
        assertThat(tap("<html>bad gateway</html>", Api.Wire.OPENAI, 5).reported).isFalse();
        assertThat(tap("{\"object\":\"list\",\"data\":[]}", Api.Wire.OPENAI, 5).reported)
                .isFalse();
    }

    @Test
    void anAnswerWithoutEndHoldsNoMoreThanTheTapsState() {
        Usage u = new Usage();
        JsonUsageTap t = new JsonUsageTap(Api.Wire.OPENAI, u);
        t.onChunk(Buffer.buffer("{\"object\":\"list\",\"data\":["));
        Buffer item =
                Buffer.buffer("{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0023064255,-0.009327292]},");
        for (int i = 0; i < 200_000; i++) { // 15 MB through the tap
            t.onChunk(item);
        }
        assertThat(t.done()).isFalse(); // still reading, holding only the parser's state
        assertThat(u.reported).isFalse();
        // a single string with no end: the tap gives up at its length limit instead of holding it
        t = new JsonUsageTap(Api.Wire.OPENAI, u);
        t.onChunk(Buffer.buffer("{\"id\":\""));
        Buffer letters = Buffer.buffer("a".repeat(64 * 1024));
        for (int i = 0; i < 200; i++) {
            t.onChunk(letters);
        }
        assertThat(t.done()).isTrue();
        assertThat(u.reported).isFalse();
    }

    @Test
    void absurdUsageInAJsonAnswerIsRefused() {
        Usage u = tap("{\"id\":\"x\",\"usage\":{\"prompt_tokens\":-3,\"completion_tokens\":5}}", Api.Wire.OPENAI, 4);
        assertThat(u.invalid).isEqualTo(UsageProblem.NEGATIVE);
        assertThat(u.reported).isFalse();
    }
}
