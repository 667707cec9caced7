package dev.tally.outcomes.sarif;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tally.identity.Team;
import dev.tally.outcomes.FakeGitHubApi;
import dev.tally.outcomes.OutcomeTestData;
import dev.tally.outcomes.OutcomeTopic;
import dev.tally.platform.TallyServices;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@WithTestResource(TallyServices.class)
@WithTestResource(FakeGitHubApi.class)
class SarifUploadFlowTest {

    @Inject
    DataSource ds;

    static ValidatableResponse upload(String repo, byte[] sarif) {
        return given().contentType("application/sarif+json")
                .header("Authorization", "Bearer " + TallyServices.ADMIN_TOKEN)
                .queryParam("repo", repo)
                .body(sarif)
                .post("/api/outcomes/sarif").then();
    }

    @Test
    void eachResultIsASecurityFindingOfTheRepositorysTeamAndAReUploadCountsNothingTwice() throws Exception {
        UUID team = OutcomeTestData.team(ds, FakeGitHubApi.CONFIG_TEAM);
        byte[] sarif = OutcomeTestData.bytes("sarif/codeql.sarif.json");
        List<String> first = upload("cfg-mapped/orders-service", sarif)
                .statusCode(200)
                .body("results", equalTo(3))
                .body("findings", equalTo(3))
                .body("teamId", equalTo(team.toString()))
                .body("tools", equalTo(List.of("CodeQL")))
                .extract().jsonPath().getList("ids", String.class);
        List<String> second = upload("cfg-mapped/orders-service", sarif).statusCode(200)
                .extract().jsonPath().getList("ids", String.class);
        assertThat(second).isEqualTo(first);
        assertThat(first).contains("sarif:CodeQL:cfg-mapped/orders-service:js/sql-injection:"
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
        assertThat(sql.at("/data/ref").asText()).isEqualTo("cfg-mapped/orders-service/src/db/orders.js:42 js/sql-injection");
        // Both uploads carry the same ids: the aggregator keeps one outcome per id (see OutcomesEndToEndTest).
    }

    @Test
    void findingsOfAConfiguredAiToolAreAiAssistedAndAnUnmappedRepositoryIsUnassigned() {
        String id = upload("nobody/ai-reviewed", OutcomeTestData.bytes("sarif/ai-review.sarif.json"))
                .statusCode(200)
                .body("teamId", equalTo(Team.UNASSIGNED.toString()))
                .extract().jsonPath().getList("ids", String.class).get(0);
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
                .statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("$.runs[0].tool.driver.name:"));

        upload("acme/x", "{\"version\":\"2.1.0\",".getBytes()).statusCode(400)
                .body("detail", containsString("malformed JSON"));
        upload("not-a-repo", OutcomeTestData.bytes("sarif/ai-review.sarif.json")).statusCode(400)
                .body("detail", containsString("owner/name"));
    }

    @Test
    void anUploadWithoutTheAdminTokenIsRefused() {
        given().contentType("application/json").queryParam("repo", "acme/x")
                .body(OutcomeTestData.bytes("sarif/ai-review.sarif.json"))
                .post("/api/outcomes/sarif").then().statusCode(401);
    }
}
