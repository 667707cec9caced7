package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.vertx.core.buffer.Buffer;

/**
 * Fuzzes the SSE tap with any provider stream cut into chunks at any points. Whatever the bytes: it
 * never throws; how the stream is cut changes neither what the client gets nor the usage read; and
 * unless the usage-only chunk is being dropped, the client gets exactly the provider's bytes. Seeds and
 * kept crashes: {@code src/test/resources/dev/tally/gateway/SseTapFuzzTestInputs/tap/} (the last bytes
 * of a seed choose the wire, the mode and the cuts; the rest is the stream).
 */
class SseTapFuzzTest {

    @FuzzTest
    void tap(FuzzedDataProvider data) {
        // bit 0 picks OpenAI's wires or Anthropic's (as consumeBoolean did, so older seeds keep theirs), bit 1
        // the Responses API among OpenAI's
        byte choice = data.consumeByte();
        Api.Wire wire = (choice & 1) == 0
                ? Api.Wire.ANTHROPIC
                : (choice & 2) == 0 ? Api.Wire.OPENAI : Api.Wire.OPENAI_RESPONSES;
        boolean dropUsageChunk = data.consumeBoolean();
        int[] cuts = new int[data.consumeInt(0, 8)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 4096);
        }
        byte[] stream = data.consumeRemainingAsBytes();

        Usage whole = new Usage();
        byte[] wholeOut = run(new SseTap(wire, dropUsageChunk, whole), stream, new int[0]);
        Usage cut = new Usage();
        byte[] cutOut = run(new SseTap(wire, dropUsageChunk, cut), stream, cuts);

        assertThat(cutOut).isEqualTo(wholeOut);
        assertThat(cut.toString()).isEqualTo(whole.toString());
        assertThat(cut.streamedTextChars).isEqualTo(whole.streamedTextChars);
        if (!dropUsageChunk) {
            assertThat(wholeOut).isEqualTo(stream);
        }
    }

    private static byte[] run(SseTap tap, byte[] stream, int[] cuts) {
        int[] at = Arrays.stream(cuts)
                .map(c -> Math.min(c, stream.length))
                .sorted()
                .toArray();
        Buffer out = Buffer.buffer();
        int from = 0;
        for (int to : at) {
            out.appendBuffer(tap.onChunk(Buffer.buffer(Arrays.copyOfRange(stream, from, to))));
            from = to;
        }
        out.appendBuffer(tap.onChunk(Buffer.buffer(Arrays.copyOfRange(stream, from, stream.length))));
        Buffer rest = tap.onEnd();
        if (rest != null) {
            out.appendBuffer(rest);
        }
        return out.getBytes();
    }
}
