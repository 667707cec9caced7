package dev.tally.outcomes.sarif;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.tally.identity.Team;
import dev.tally.outcomes.FakeGitHubApi;
import dev.tally.outcomes.OutcomeTestData;
import dev.tally.outcomes.OutcomeTopic;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class SarifUploadFlowTest {

    @Inject
    DataSource ds;

    static ValidatableResponse upload(String repo, byte[] sarif) {
        return given().contentType("application/sarif+json")
                .header("Authorization", "Bearer " + TallyServices.ADMIN_TOKEN)
                .queryParam("repo", repo)
                .body(sarif)
                .post("/api/outcomes/sarif")
                .then();
    }

    @Test
    void eachResultIsASecurityFindingOfTheRepositorysTeamAndAReUploadIsAllKnown() throws Exception {
        UUID team = OutcomeTestData.team(ds, FakeGitHubApi.CONFIG_TEAM);
        String repo = "cfg-mapped/orders-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] sarif = OutcomeTestData.bytes("sarif/codeql.sarif.json");
        List<String> first = upload(repo, sarif)
                .statusCode(200)
                .body("results", equalTo(3))
                .body("findings", equalTo(3))
                .body("new", equalTo(3))
                .body("known", equalTo(0))
                .body("suppressed", equalTo(0))
                .body("ignored", empty())
                .body("fellBack", equalTo(List.of(Map.of("reason", "the tool gives no fingerprints", "count", 1))))
                .body("teamId", equalTo(team.toString()))
                .body("tools", equalTo(List.of("CodeQL")))
                .extract()
                .jsonPath()
                .getList("ids", String.class);
        List<String> second = upload(repo, sarif)
                .statusCode(200)
                .body("new", equalTo(0))
                .body("known", equalTo(3))
                .extract()
                .jsonPath()
                .getList("ids", String.class);
        assertThat(second).isEqualTo(first);
        assertThat(first)
                .contains("sarif:CodeQL:" + repo + ":js/sql-injection:"
                        + "fp:primaryLocationLineHash=5e5c2b1d8f0a7c3e:1,primaryLocationStartColumnFingerprint=13");

        for (String id : first) {
            OutcomeTopic.Seen seen = OutcomeTopic.await(id);
            assertThat(seen.key()).isEqualTo(team.toString());
            assertThat(seen.event().at("/data/kind").asText()).isEqualTo("security_finding");
            assertThat(seen.event().at("/data/source").asText()).isEqualTo("sarif");
            assertThat(seen.event().at("/data/aiAssisted").asBoolean()).isFalse();
        }
        JsonNode sql = OutcomeTopic.await(first.get(0)).event();
        assertThat(sql.at("/data/severity").asText()).isEqualTo("high");
        assertThat(sql.at("/data/ref").asText()).isEqualTo(repo + "/src/db/orders.js:42 js/sql-injection");
        // Both uploads carry the same ids: the aggregator keeps one outcome per id (see OutcomesEndToEndTest).
    }

    @Test
    void suppressedBaselineAbsentAndPassingResultsAreNotOpenFindingsAndEachIsAccountedFor() {
        ObjectNode log = OutcomeTestData.fixture("sarif/codeql.sarif.json");
        ((ObjectNode) log.at("/runs/0/results/0"))
                .putArray("suppressions")
                .addObject()
                .put("kind", "external")
                .put("status", "accepted");
        ((ObjectNode) log.at("/runs/0/results/1")).put("baselineState", "absent");
        ((ObjectNode) log.at("/runs/0/results/2")).put("kind", "pass");
        ArrayNode results = (ArrayNode) log.at("/runs/0/results");
        ObjectNode rejected = results.get(0).deepCopy();
        ((ObjectNode) rejected.at("/suppressions/0")).put("status", "rejected");
        results.add(rejected);
        ObjectNode nowhere = results.get(1).deepCopy();
        nowhere.remove("locations");
        nowhere.remove("partialFingerprints");
        nowhere.remove("baselineState");
        results.add(nowhere);
        String repo = "acme/suppressed-" + UUID.randomUUID().toString().substring(0, 8);
        upload(repo, log.toString().getBytes())
                .statusCode(200)
                .body("results", equalTo(5))
                .body("suppressed", equalTo(1))
                .body("findings", equalTo(1)) // the suppression that was rejected
                .body("new", equalTo(1))
                .body(
                        "ignored.reason",
                        containsInAnyOrder(
                                "baselineState absent: the tool says it is gone since its baseline",
                                "kind pass: the rule reported no problem",
                                "no location (locations[0].physicalLocation.artifactLocation.uri) and no usable fingerprint"))
                .body("ignored.count", equalTo(List.of(1, 1, 1)));
    }

    @Test
    void aReportWhoseResultsAreAllSuppressedAddsNoOpenFindings() {
        // As an Anchore report lists vulnerabilities a policy allows: every result carries a suppression.
        ObjectNode log = OutcomeTestData.fixture("sarif/codeql.sarif.json");
        for (var r : log.at("/runs/0/results")) {
            ((ObjectNode) r)
                    .putArray("suppressions")
                    .addObject()
                    .put("kind", "external")
                    .put("status", "accepted")
                    .put("justification", "allowed by policy");
        }
        upload(
                        "acme/all-suppressed-" + UUID.randomUUID().toString().substring(0, 8),
                        log.toString().getBytes())
                .statusCode(200)
                .body("results", equalTo(3))
                .body("suppressed", equalTo(3))
                .body("findings", equalTo(0))
                .body("new", equalTo(0))
                .body("ids", empty());
    }

    @Test
    void theToolsBaselineSaysWhichFindingsAreNotNewEvenOnTheirFirstUpload() {
        ObjectNode log = OutcomeTestData.fixture("sarif/codeql.sarif.json");
        ((ObjectNode) log.at("/runs/0/results/0")).put("baselineState", "unchanged");
        ((ObjectNode) log.at("/runs/0/results/1")).put("baselineState", "updated");
        ((ObjectNode) log.at("/runs/0/results/2")).put("baselineState", "new");
        upload(
                        "acme/baseline-" + UUID.randomUUID().toString().substring(0, 8),
                        log.toString().getBytes())
                .statusCode(200)
                .body("findings", equalTo(3))
                .body("new", equalTo(1))
                .body("known", equalTo(2));
    }

    /** The codeql fixture's first result moved to {@code path:line}, with only the partial fingerprint {@code abc123:1}. */
    static ObjectNode result(String path, int line) {
        ObjectNode r = OutcomeTestData.fixture("sarif/codeql.sarif.json")
                .at("/runs/0/results/0")
                .deepCopy();
        ObjectNode physical = (ObjectNode) r.at("/locations/0/physicalLocation");
        ((ObjectNode) physical.get("artifactLocation")).put("uri", path);
        physical.putObject("region").put("startLine", line);
        r.putObject("partialFingerprints").put("primaryLocationLineHash", "abc123:1");
        return r;
    }

    static byte[] logOf(ObjectNode... results) {
        ObjectNode log = OutcomeTestData.fixture("sarif/codeql.sarif.json");
        ArrayNode list = ((ObjectNode) log.at("/runs/0")).putArray("results");
        for (ObjectNode r : results) {
            list.add(r);
        }
        return log.toString().getBytes();
    }

    @Test
    void aFindingIdentifiedByItsFingerprintKeepsItsIdWhenALaterUploadRepeatsTheFingerprintElsewhere() {
        String repo = "acme/moved-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> first = upload(repo, logOf(result("src/a.js", 10)))
                .statusCode(200)
                .body("new", equalTo(1))
                .body("fellBack", empty())
                .extract()
                .jsonPath()
                .getList("ids", String.class);
        // The fingerprint now repeats at a second location, so this upload cannot use it as an identity.
        List<String> second = upload(repo, logOf(result("src/a.js", 10), result("src/b.js", 20)))
                .statusCode(200)
                .body("findings", equalTo(2))
                .body("new", equalTo(1))
                .body("known", equalTo(1))
                .extract()
                .jsonPath()
                .getList("ids", String.class);
        assertThat(second).hasSize(2).contains(first.get(0));
    }

    @Test
    void aWrongContentTypeIsA415NamingWhatToSend() {
        given().contentType("text/plain")
                .header("Authorization", "Bearer " + TallyServices.ADMIN_TOKEN)
                .queryParam("repo", "acme/x")
                .body(OutcomeTestData.bytes("sarif/ai-review.sarif.json"))
                .post("/api/outcomes/sarif")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("Content-Type text/plain is not accepted here: send application/sarif+json or "
                                + "application/json or application/octet-stream"));
        // curl --data-binary without -H sends a form type
        given().contentType("application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + TallyServices.ADMIN_TOKEN)
                .queryParam("repo", "acme/x")
                .body("{}")
                .post("/api/outcomes/sarif")
                .then()
                .statusCode(415)
                .body("detail", containsString("send application/sarif+json"));
    }

    @Test
    void findingsOfAConfiguredAiToolAreAiAssistedAndAnUnmappedRepositoryIsUnassigned() {
        String id = upload("nobody/ai-reviewed", OutcomeTestData.bytes("sarif/ai-review.sarif.json"))
                .statusCode(200)
                .body("teamId", equalTo(Team.UNASSIGNED.toString()))
                .extract()
                .jsonPath()
                .getList("ids", String.class)
                .get(0);
        JsonNode e = OutcomeTopic.await(id).event();
        assertThat(e.at("/data/aiAssisted").asBoolean()).isTrue();
        assertThat(OutcomeTopic.attribution(e)).containsExactly("sarif-tool:Claude Code Security Review");
        assertThat(e.at("/data/severity").asText()).isEqualTo("error");
    }

    @Test
    void aSarifLackingWhatTallyNeedsIsA400NamingTheJsonPath() {
        ObjectNode noTool = OutcomeTestData.fixture("sarif/codeql.sarif.json");
        ((ObjectNode) noTool.at("/runs/0/tool/driver")).remove("name");
        upload("acme/x", noTool.toString().getBytes())
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("$.runs[0].tool.driver.name:"));

        upload("acme/x", "{\"version\":\"2.1.0\",".getBytes())
                .statusCode(400)
                .body("detail", containsString("malformed JSON"));
        upload("not-a-repo", OutcomeTestData.bytes("sarif/ai-review.sarif.json"))
                .statusCode(400)
                .body("detail", containsString("owner/name"));
    }

    @Test
    void anUploadWithoutTheAdminTokenIsRefused() {
        given().contentType("application/json")
                .queryParam("repo", "acme/x")
                .body(OutcomeTestData.bytes("sarif/ai-review.sarif.json"))
                .post("/api/outcomes/sarif")
                .then()
                .statusCode(401);
    }
}
