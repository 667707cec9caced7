package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the gateway's request inspector with any request body: the model, stream flags and the body
 * with stream usage requested, or a {@link RequestInspector.BadRequest} (a 400 in the caller's format),
 * never another exception. A body the inspector accepts and then rewrites is inspected again and must
 * keep its model and ask for usage. Thin on purpose: it only calls the inspector's static API, so it can
 * follow the inspector wherever the gateway's restructuring puts it. Seeds and kept crashes:
 * {@code src/test/resources/dev/tally/gateway/RequestInspectorFuzzTestInputs/inspect/}.
 */
class RequestInspectorFuzzTest {

    @FuzzTest
    void inspect(byte[] body) throws RequestInspector.BadRequest {
        RequestInspector.Inspected first;
        try {
            first = RequestInspector.inspect(body);
        } catch (RequestInspector.BadRequest e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(first.model()).isNotBlank();
        byte[] rewritten;
        try {
            rewritten = RequestInspector.withIncludeUsage(body, first);
        } catch (RequestInspector.BadRequest e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        // what goes upstream is still one JSON object, with the same model, asking for usage
        RequestInspector.Inspected again = RequestInspector.inspect(rewritten);
        assertThat(again.model()).isEqualTo(first.model());
        assertThat(again.stream()).isEqualTo(first.stream());
        assertThat(again.includeUsage()).isTrue();
    }
}
