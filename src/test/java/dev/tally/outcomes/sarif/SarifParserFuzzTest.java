package dev.tally.outcomes.sarif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Fuzzes what {@code POST /api/outcomes/sarif} does with a body: Jackson reads it (malformed JSON is a
 * 400), then {@link SarifParser} takes the tree and {@link FindingIdentity} decides each result's identity;
 * any tree gives results or a {@link SarifException} that names the JSON path (a 400), never another
 * exception. Seeds and kept crashes:
 * {@code src/test/resources/dev/tally/outcomes/sarif/SarifParserFuzzTestInputs/parse/}.
 */
class SarifParserFuzzTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant UPLOADED = Instant.parse("2026-03-01T12:00:00Z");
    private static final Set<String> SEVERITIES =
            Set.of("critical", "high", "medium", "low", "none", "note", "warning", "error");

    @FuzzTest
    void parse(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            return; // SarifService answers 400 "malformed JSON"
        }
        List<SarifResult> results;
        try {
            results = SarifParser.parse(root, UPLOADED);
        } catch (SarifException e) {
            assertThat(e.getMessage()).startsWith("$");
            return;
        }
        for (SarifResult r : results) {
            assertThat(r.tool()).isNotBlank();
            assertThat(r.ruleId()).isNotBlank();
            assertThat(r.severity()).isIn(SEVERITIES);
            assertThat(r.scannedAt()).isNotNull();
            r.displayLocation();
        }
        assertThat(FindingIdentity.decide(results, Set.of())).hasSameSizeAs(results);
    }
}
