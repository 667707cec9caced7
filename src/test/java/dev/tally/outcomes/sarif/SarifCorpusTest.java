package dev.tally.outcomes.sarif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tally.outcomes.OutcomeTestData;
import dev.tally.platform.TestStack;

/**
 * Every file of {@code src/test/resources/sarif/corpus} (real output of real tools; origins and the
 * jq commands that derived these numbers are in its README) uploaded as a CI job would: the counts
 * Tally answers are the counts a security engineer gets by rule, file and line, and uploading the
 * file again finds nothing new.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class SarifCorpusTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // file,                           results, suppressed, findings, fell back
        "codeql-action-valid.sarif,        3,       0,          3,        0",
        "trivy-alpine-310.sarif,           8,       0,          8,        8",
        "semgrep-oss-requires-login.sarif, 1,       0,          1,        1",
        "semgrep-oss-nosemgrep.sarif,      2,       1,          1,        0",
        "eslint.sarif,                     7,       1,          6,        6",
        "flawfinder.sarif,                 8,       0,          8,        4"
    })
    void aRealToolsFileCountsItsDistinctFindingsAndAReUploadFindsNothingNew(
            String file, int results, int suppressed, int findings, int fellBack) {
        String repo = "corpus/" + file.replace('.', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        byte[] sarif = OutcomeTestData.bytes("sarif/corpus/" + file);
        JsonPath first = SarifUploadFlowTest.upload(repo, sarif)
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(first.getInt("results")).isEqualTo(results);
        assertThat(first.getInt("suppressed")).isEqualTo(suppressed);
        assertThat(first.getInt("findings")).isEqualTo(findings);
        assertThat(first.getInt("new")).isEqualTo(findings);
        assertThat(first.getList("ignored")).isEmpty();
        assertThat(first.getList("fellBack.count", Integer.class).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(fellBack);
        assertThat(first.getList("ids")).hasSize(findings).doesNotHaveDuplicates();

        JsonPath again = SarifUploadFlowTest.upload(repo, sarif)
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(again.getInt("new")).isZero();
        assertThat(again.getInt("known")).isEqualTo(findings);
        assertThat(again.getList("ids")).isEqualTo(first.getList("ids"));
    }
}
