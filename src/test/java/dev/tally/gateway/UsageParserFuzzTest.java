package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fuzzes the usage parser with any provider response body, in both wire formats and both ways the
 * gateway reads usage: streamed from a JSON body, and from an already parsed tree (the SSE events). It
 * finds usage or none; it never throws. Seeds and kept crashes:
 * {@code src/test/resources/dev/tally/gateway/UsageParserFuzzTestInputs/parse/}.
 */
class UsageParserFuzzTest {

    @FuzzTest
    void parse(byte[] body) {
        JsonNode tree;
        try {
            tree = UsageParser.MAPPER.readTree(body);
        } catch (IOException e) {
            tree = null;
        }
        for (Api.Wire wire : Api.Wire.values()) {
            Usage fromBody = new Usage();
            boolean found = UsageParser.fromResponseBody(body, 0, body.length, wire, fromBody);
            assertThat(fromBody.complete).isEqualTo(found);
            if (tree != null) {
                Usage fromTree = new Usage();
                UsageParser.apply(tree.get("usage"), wire, fromTree);
                UsageParser.apply(tree.path("message").get("usage"), wire, fromTree);
            }
        }
    }
}
