package dev.tally.outcomes.sarif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

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
    void eachResultIsReadWithToolRuleSeverityLocationAndFingerprints() throws Exception {
        List<SarifResult> r = SarifParser.parse(load("codeql.sarif.json"), UPLOADED);
        assertThat(r).hasSize(3);
        assertThat(r).extracting(SarifResult::tool).containsOnly("CodeQL");
        assertThat(r)
                .extracting(SarifResult::ruleId)
                .containsExactly("js/sql-injection", "js/log-injection", "js/unused-local-variable");
        // security-severity 8.8 → high, 6.1 → medium; no security-severity → the rule's default level
        assertThat(r).extracting(SarifResult::severity).containsExactly("high", "medium", "note");
        assertThat(r.get(0).partial())
                .containsExactly(
                        entry("primaryLocationLineHash", "5e5c2b1d8f0a7c3e:1"),
                        entry("primaryLocationStartColumnFingerprint", "13"));
        assertThat(r.get(2).path()).isEqualTo("src/api/log.js");
        assertThat(r.get(2).displayLocation()).isEqualTo("src/api/log.js:3");
        assertThat(r.get(0).scannedAt()).isEqualTo(Instant.parse("2026-11-20T09:04:12Z"));
        assertThat(r).extracting(SarifResult::suppressed).containsOnly(false);
        assertThat(r).extracting(SarifResult::kind).containsOnly("fail");
    }

    @Test
    void rulesGivenAsAnObjectInsteadOfAnArrayHoldNoRuleAndTheResultsAreStillRead() throws Exception {
        // found by SarifParserFuzzTest (kept as crash-rules-an-object.sarif): an object has a size too,
        // and its get(index) is null, which threw a NullPointerException (a 500) instead
        ObjectNode log = load("codeql.sarif.json");
        ObjectNode driver = (ObjectNode) log.path("runs").path(0).path("tool").path("driver");
        driver.putObject("rules").put("id", "js/sql-injection");
        List<SarifResult> r = SarifParser.parse(log, UPLOADED);
        assertThat(r).hasSize(3);
        assertThat(r).extracting(SarifResult::ruleId).contains("js/sql-injection");
    }

    @Test
    void parsingTheSameLogTwiceGivesTheSameResults() throws Exception {
        assertThat(SarifParser.parse(load("codeql.sarif.json"), UPLOADED))
                .isEqualTo(SarifParser.parse(load("codeql.sarif.json"), UPLOADED.plusSeconds(3600)));
    }

    @Test
    void aResultsOwnLevelIsUsedWhenNoSecuritySeverityIsGiven() throws Exception {
        List<SarifResult> r = SarifParser.parse(load("ai-review.sarif.json"), UPLOADED);
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo("error");
            assertThat(x.displayLocation()).isEqualTo("config/settings.py:12");
            assertThat(x.scannedAt()).isEqualTo(UPLOADED);
        });
    }

    @Test
    void suppressionsSuppressUnlessEveryOneIsRejected() throws Exception {
        ObjectMapper m = MAPPER;
        assertThat(SarifParser.suppressed(m.readTree("[{\"kind\":\"inSource\"}]")))
                .isTrue();
        assertThat(SarifParser.suppressed(m.readTree("[{\"kind\":\"external\",\"status\":\"accepted\"}]")))
                .isTrue();
        assertThat(SarifParser.suppressed(m.readTree("[{\"kind\":\"external\",\"status\":\"underReview\"}]")))
                .isTrue();
        assertThat(SarifParser.suppressed(m.readTree("[{\"kind\":\"external\",\"status\":\"rejected\"}]")))
                .isFalse();
        assertThat(SarifParser.suppressed(m.readTree("[]"))).isFalse(); // the tool supports suppressions, none applies
        assertThat(SarifParser.suppressed(null)).isFalse();
    }

    @Test
    void regionsArePrecise() throws Exception {
        assertThat(SarifParser.region(MAPPER.readTree("{\"startLine\":2,\"startColumn\":7,\"endColumn\":10}")))
                .isEqualTo("2:7-2:10");
        assertThat(SarifParser.region(MAPPER.readTree("{\"startLine\":3,\"endLine\":5}")))
                .isEqualTo("3-5");
        assertThat(SarifParser.region(MAPPER.readTree("{\"startLine\":1}"))).isEqualTo("1");
        assertThat(SarifParser.region(MAPPER.readTree("{\"charOffset\":40,\"charLength\":8}")))
                .isEqualTo("char:40+8");
        assertThat(SarifParser.region(MAPPER.readTree("{}"))).isEmpty();
    }

    @Test
    void pathsFromDifferentCheckoutsNormaliseAlike() throws Exception {
        var bases = MAPPER.readTree("{\"SRCROOT\":{\"uri\":\"file:///home/runner/work/shop/shop/\"}}");
        assertThat(SarifPaths.normalise("file:///home/runner/work/shop/shop/src/app.js", bases))
                .isEqualTo("src/app.js");
        assertThat(SarifPaths.normalise("./src//lib/../app.js", null)).isEqualTo("src/app.js");
        assertThat(SarifPaths.normalise("src\\win\\My%20File.cs", null)).isEqualTo("src/win/My File.cs");
        assertThat(SarifPaths.normalise("file:///abs/x.c", null)).isEqualTo("/abs/x.c");
        assertThat(SarifPaths.normalise("  ", null)).isNull();
    }

    @Test
    void whatIsMissingIsNamedByItsJsonPath() throws Exception {
        ObjectNode noTool = load("codeql.sarif.json");
        ((ObjectNode) noTool.at("/runs/0/tool/driver")).remove("name");
        assertThatThrownBy(() -> SarifParser.parse(noTool, UPLOADED))
                .hasMessageStartingWith("$.runs[0].tool.driver.name:");

        ObjectNode noRule = load("codeql.sarif.json");
        ObjectNode second = (ObjectNode) noRule.at("/runs/0/results/1");
        second.remove("ruleId");
        second.remove("rule");
        second.remove("ruleIndex");
        assertThatThrownBy(() -> SarifParser.parse(noRule, UPLOADED))
                .hasMessageStartingWith("$.runs[0].results[1].ruleId:");

        ObjectNode badSeverity = load("codeql.sarif.json");
        ((ObjectNode) badSeverity.at("/runs/0/tool/driver/rules/1/properties")).put("security-severity", "severe");
        assertThatThrownBy(() -> SarifParser.parse(badSeverity, UPLOADED))
                .hasMessageStartingWith("$.runs[0].tool.driver.rules[1].properties.security-severity:");

        ObjectNode badLevel = load("ai-review.sarif.json");
        ((ObjectNode) badLevel.at("/runs/0/results/0")).put("level", "fatal");
        assertThatThrownBy(() -> SarifParser.parse(badLevel, UPLOADED))
                .hasMessageStartingWith("$.runs[0].results[0].level:");

        ObjectNode oldVersion = load("ai-review.sarif.json");
        oldVersion.put("version", "2.0.0");
        assertThatThrownBy(() -> SarifParser.parse(oldVersion, UPLOADED)).hasMessageStartingWith("$.version:");

        ObjectNode noRuns = load("ai-review.sarif.json");
        noRuns.remove("runs");
        assertThatThrownBy(() -> SarifParser.parse(noRuns, UPLOADED)).hasMessageStartingWith("$.runs:");

        ObjectNode resultsNotArray = load("ai-review.sarif.json");
        ((ObjectNode) resultsNotArray.at("/runs/0")).put("results", "none");
        assertThatThrownBy(() -> SarifParser.parse(resultsNotArray, UPLOADED))
                .hasMessageStartingWith("$.runs[0].results:");
    }

    @Test
    void aRunWithoutResultsIsFine() throws Exception {
        ObjectNode log = load("ai-review.sarif.json");
        ((ObjectNode) log.at("/runs/0")).remove("results");
        ((ArrayNode) log.get("runs")).add(load("codeql.sarif.json").at("/runs/0"));
        assertThat(SarifParser.parse(log, UPLOADED)).hasSize(3);
    }
}
