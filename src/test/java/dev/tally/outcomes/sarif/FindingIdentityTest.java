package dev.tally.outcomes.sarif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class FindingIdentityTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    static ObjectNode corpus(String name) throws Exception {
        try (InputStream in = FindingIdentityTest.class.getClassLoader().getResourceAsStream("sarif/corpus/" + name)) {
            return (ObjectNode) MAPPER.readTree(in);
        }
    }

    static List<FindingIdentity.Decided> decide(ObjectNode log, Set<String> placeholders) throws Exception {
        return FindingIdentity.decide(SarifParser.parse(log, NOW), placeholders);
    }

    static long distinctKeys(List<FindingIdentity.Decided> d) {
        return d.stream()
                .map(x -> x.result().tool() + "|" + x.result().ruleId() + "|" + x.key())
                .distinct()
                .count();
    }

    @Test
    void fingerprintsThatDiscriminateAreTheIdentity() throws Exception {
        List<FindingIdentity.Decided> d = decide(corpus("codeql-action-valid.sarif"), Set.of());
        assertThat(d).extracting(FindingIdentity.Decided::fallback).containsOnlyNulls();
        assertThat(d.get(1).key())
                .isEqualTo("fp:primaryLocationLineHash=39fa2ee980eb94b0:1,primaryLocationStartColumnFingerprint=4");
    }

    @Test
    void aContextHashRepeatedOnDifferentLinesIsAPlaceholderSoThoseResultsUseTheirLocation() throws Exception {
        // flawfinder hashes the line's text: the same `char buf[64];` in two functions gets the same hash.
        List<FindingIdentity.Decided> d = decide(corpus("flawfinder.sarif"), Set.of());
        assertThat(d.stream().filter(x -> x.fallback() != null))
                .hasSize(4)
                .allSatisfy(x -> assertThat(x.fallback()).startsWith("fingerprints contextHash/v1 repeat across"));
        assertThat(distinctKeys(d)).isEqualTo(8);
    }

    @Test
    void aKnownPlaceholderIsNeverAnIdentityEvenOnASingleResult() throws Exception {
        List<FindingIdentity.Decided> d = decide(corpus("semgrep-oss-requires-login.sarif"), Set.of("requires login"));
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.fallback())
                    .isEqualTo("fingerprints matchBasedId/v1 holds the known placeholder \"requires login\"");
            assertThat(x.key()).startsWith("loc:targets/basic/stupid.py:3:12-3:26#s");
        });
    }

    @Test
    void semgrepOssWritingOnePlaceholderOnManyResultsKeepsEveryDistinctFinding() throws Exception {
        // Derived from the corpus file (not itself tool output): its one result copied to three more
        // places, and once onto the same place, as a larger Semgrep OSS run writes them.
        ObjectNode log = corpus("semgrep-oss-requires-login.sarif");
        ArrayNode results = (ArrayNode) log.at("/runs/0/results");
        ObjectNode first = (ObjectNode) results.get(0);
        for (int line : new int[] {7, 11, 11, 3}) {
            ObjectNode copy = first.deepCopy();
            ((ObjectNode) copy.at("/locations/0/physicalLocation/region"))
                    .put("startLine", line)
                    .put("endLine", line);
            results.add(copy);
        }
        ((ObjectNode) results.get(3).at("/locations/0/physicalLocation/region")).put("startColumn", 20);
        // Without the configured placeholder the repetition alone gives it away.
        List<FindingIdentity.Decided> d = decide(log, Set.of());
        assertThat(d).allSatisfy(x -> assertThat(x.fallback()).contains("repeat across different rules or locations"));
        // lines 3, 7, 11 (column 12) and 11 (column 20) are four findings; the second result on line 3 repeats the
        // first
        assertThat(distinctKeys(d)).isEqualTo(4);
    }

    @Test
    void partialFingerprintsSharedByTwoRulesOnOneLineStillIdentify() throws Exception {
        // CodeQL's primaryLocationLineHash hashes the line: two rules on one line share it, which is fine.
        ObjectNode log = corpus("codeql-action-valid.sarif");
        ObjectNode second = (ObjectNode) log.at("/runs/1/results/1");
        second.set("locations", log.at("/runs/1/results/0/locations").deepCopy());
        second.set(
                "partialFingerprints",
                log.at("/runs/1/results/0/partialFingerprints").deepCopy());
        List<FindingIdentity.Decided> d = decide(log, Set.of());
        assertThat(d).extracting(FindingIdentity.Decided::fallback).containsOnlyNulls();
        assertThat(distinctKeys(d)).isEqualTo(3);
    }

    @Test
    void aContainerScannerPointingEveryResultAtLineOneKeepsEachPackageApart() throws Exception {
        List<FindingIdentity.Decided> d = decide(corpus("trivy-alpine-310.sarif"), Set.of());
        assertThat(d).hasSize(8).allSatisfy(x -> assertThat(x.fallback()).isEqualTo("the tool gives no fingerprints"));
        assertThat(distinctKeys(d)).isEqualTo(8);
        // the key depends on the result alone: the same result gets the same key in any upload
        assertThat(decide(corpus("trivy-alpine-310.sarif"), Set.of()).get(5).key())
                .isEqualTo(d.get(5).key());
    }
}
