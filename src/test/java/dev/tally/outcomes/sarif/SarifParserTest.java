package dev.tally.outcomes.sarif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class SarifParserTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant UPLOADED = Instant.parse("2026-11-27T12:00:00Z");

    static ObjectNode load(String name) throws Exception {
        try (InputStream in = SarifParserTest.class.getClassLoader().getResourceAsStream("sarif/" + name)) {
            return (ObjectNode) MAPPER.readTree(in);
        }
    }

    @Test
    void eachResultBecomesAFindingWithToolRuleSeverityAndStableKey() throws Exception {
        List<SarifFinding> f = SarifParser.parse(load("codeql.sarif.json"), UPLOADED);
        assertThat(f).hasSize(3);
        assertThat(f).extracting(SarifFinding::tool).containsOnly("CodeQL");
        assertThat(f).extracting(SarifFinding::ruleId)
                .containsExactly("js/sql-injection", "js/log-injection", "js/unused-local-variable");
        // security-severity 8.8 → high, 6.1 → medium; no security-severity → the rule's default level
        assertThat(f).extracting(SarifFinding::severity).containsExactly("high", "medium", "note");
        assertThat(f.get(0).key()).isEqualTo(
                "fp:primaryLocationLineHash=5e5c2b1d8f0a7c3e:1,primaryLocationStartColumnFingerprint=13");
        assertThat(f.get(2).key()).isEqualTo("loc:src/api/log.js:3");
        assertThat(f.get(0).scannedAt()).isEqualTo(Instant.parse("2026-11-20T09:04:12Z"));
    }

    @Test
    void parsingTheSameLogTwiceGivesTheSameKeys() throws Exception {
        assertThat(SarifParser.parse(load("codeql.sarif.json"), UPLOADED))
                .isEqualTo(SarifParser.parse(load("codeql.sarif.json"), UPLOADED.plusSeconds(3600)));
    }

    @Test
    void aResultsOwnLevelIsUsedWhenNoSecuritySeverityIsGiven() throws Exception {
        List<SarifFinding> f = SarifParser.parse(load("ai-review.sarif.json"), UPLOADED);
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo("error");
            assertThat(x.key()).isEqualTo("loc:config/settings.py:12");
            assertThat(x.scannedAt()).isEqualTo(UPLOADED);
        });
    }

    @Test
    void whatIsMissingIsNamedByItsJsonPath() throws Exception {
        ObjectNode noTool = load("codeql.sarif.json");
        ((ObjectNode) noTool.at("/runs/0/tool/driver")).remove("name");
        assertThatThrownBy(() -> SarifParser.parse(noTool, UPLOADED)).hasMessageStartingWith("$.runs[0].tool.driver.name:");

        ObjectNode noRule = load("codeql.sarif.json");
        ObjectNode second = (ObjectNode) noRule.at("/runs/0/results/1");
        second.remove("ruleId");
        second.remove("rule");
        second.remove("ruleIndex");
        assertThatThrownBy(() -> SarifParser.parse(noRule, UPLOADED)).hasMessageStartingWith("$.runs[0].results[1].ruleId:");

        ObjectNode noLocation = load("codeql.sarif.json");
        ((ObjectNode) noLocation.at("/runs/0/results/2")).remove("locations");
        assertThatThrownBy(() -> SarifParser.parse(noLocation, UPLOADED)).hasMessageStartingWith(
                "$.runs[0].results[2].locations[0].physicalLocation.artifactLocation.uri:");

        ObjectNode badSeverity = load("codeql.sarif.json");
        ((ObjectNode) badSeverity.at("/runs/0/tool/driver/rules/1/properties")).put("security-severity", "severe");
        assertThatThrownBy(() -> SarifParser.parse(badSeverity, UPLOADED)).hasMessageStartingWith(
                "$.runs[0].tool.driver.rules[1].properties.security-severity:");

        ObjectNode badLevel = load("ai-review.sarif.json");
        ((ObjectNode) badLevel.at("/runs/0/results/0")).put("level", "fatal");
        assertThatThrownBy(() -> SarifParser.parse(badLevel, UPLOADED)).hasMessageStartingWith("$.runs[0].results[0].level:");

        ObjectNode oldVersion = load("ai-review.sarif.json");
        oldVersion.put("version", "2.0.0");
        assertThatThrownBy(() -> SarifParser.parse(oldVersion, UPLOADED)).hasMessageStartingWith("$.version:");

        ObjectNode noRuns = load("ai-review.sarif.json");
        noRuns.remove("runs");
        assertThatThrownBy(() -> SarifParser.parse(noRuns, UPLOADED)).hasMessageStartingWith("$.runs:");

        ObjectNode resultsNotArray = load("ai-review.sarif.json");
        ((ObjectNode) resultsNotArray.at("/runs/0")).put("results", "none");
        assertThatThrownBy(() -> SarifParser.parse(resultsNotArray, UPLOADED)).hasMessageStartingWith("$.runs[0].results:");
    }

    @Test
    void aRunWithoutResultsIsFine() throws Exception {
        ObjectNode log = load("ai-review.sarif.json");
        ((ObjectNode) log.at("/runs/0")).remove("results");
        ((ArrayNode) log.get("runs")).add(load("codeql.sarif.json").at("/runs/0"));
        assertThat(SarifParser.parse(log, UPLOADED)).hasSize(3);
    }
}
