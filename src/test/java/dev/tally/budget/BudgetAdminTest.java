package dev.tally.budget;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import dev.tally.access.Access;
import dev.tally.gateway.Admin;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/** The budgets admin API over HTTP: the round trip, and a precise 400 for each kind of bad input. */
@QuarkusTest
@WithTestResource(TestStack.class)
class BudgetAdminTest {

    static ValidatableResponse post(Map<String, Object> body) {
        return given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/budgets")
                .then();
    }

    static Map<String, Object> teamBudget(String teamId, Object... more) {
        Map<String, Object> m = new HashMap<>(
                Map.of("scope", "team", "scopeId", teamId, "period", "month", "amountUsd", "250.00", "mode", "alert"));
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    @Test
    void aTeamLeadReadsTheBudgetsTheirTeamPagesShowOnly() {
        Admin.Key mine = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String own = post(teamBudget(mine.teamId(), "name", "Lead's team"))
                .statusCode(201)
                .extract()
                .path("id");
        String theirs = post(teamBudget(other.teamId(), "name", "Other team"))
                .statusCode(201)
                .extract()
                .path("id");
        String org = post(Map.of(
                        "name",
                        "Whole org " + UUID.randomUUID(),
                        "scope",
                        "org",
                        "period",
                        "month",
                        "amountUsd",
                        "1000",
                        "mode",
                        "alert"))
                .statusCode(201)
                .extract()
                .path("id");

        // a person's and a key's budget belong to their team's page, as on the page itself
        String person = post(Map.of(
                        "scope",
                        "employee",
                        "scopeId",
                        mine.employeeId(),
                        "period",
                        "month",
                        "amountUsd",
                        "20",
                        "mode",
                        "alert"))
                .statusCode(201)
                .extract()
                .path("id");
        String key = post(Map.of(
                        "scope", "key", "scopeId", mine.keyId(), "period", "day", "amountUsd", "5", "mode", "alert"))
                .statusCode(201)
                .extract()
                .path("id");
        String otherPerson = post(Map.of(
                        "scope",
                        "employee",
                        "scopeId",
                        other.employeeId(),
                        "period",
                        "month",
                        "amountUsd",
                        "20",
                        "mode",
                        "alert"))
                .statusCode(201)
                .extract()
                .path("id");

        List<String> seen = Access.teamLead(mine.teamId())
                .get("/api/reports/budgets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("budgets.budgetId", String.class);
        assertThat(seen).contains(own, person, key).doesNotContain(theirs, org, otherPerson);
        assertThat(Access.leader()
                        .get("/api/reports/budgets")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("budgets.budgetId", String.class))
                .contains(own, theirs, org);
        String csv = Access.teamLead(mine.teamId())
                .get("/api/reports/budgets?format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(csv).contains(own).doesNotContain(theirs).doesNotContain(org);
        Access.employee("nobody-" + UUID.randomUUID() + "@example.test")
                .get("/api/reports/budgets")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/budgets/" + org)
                .then()
                .statusCode(204);
    }

    @Test
    void aBudgetIsCreatedReadChangedAndDeleted() {
        Admin.Key key = Admin.newKey();
        String id = post(teamBudget(
                        key.teamId(), "name", "Platform monthly", "channelIds", List.of(Admin.newChannel())))
                .statusCode(201)
                .extract()
                .path("id");
        var got = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/budgets/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(got.getString("amountUsd")).isEqualTo("250");
        assertThat(got.getLong("amountNanos")).isEqualTo(250_000_000_000L);
        assertThat(got.getList("thresholds", Integer.class)).containsExactly(50, 80, 100);
        assertThat(got.getString("unpriced")).isEqualTo("allow");
        assertThat(got.getString("period")).isEqualTo("month");

        Map<String, Object> change = teamBudget(
                key.teamId(),
                "mode",
                "downgrade",
                "amountUsd",
                "10",
                "thresholds",
                List.of(90, 50),
                "downgrade",
                Map.of("fromPercent", 80, "models", Map.of("gpt-5*", "gpt-5-mini")));
        var changed = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(change)
                .put("/api/admin/budgets/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(changed.getString("mode")).isEqualTo("downgrade");
        assertThat(changed.getInt("downgrade.fromPercent")).isEqualTo(80);
        assertThat(changed.getString("downgrade.models.'gpt-5*'")).isEqualTo("gpt-5-mini");
        assertThat(changed.getList("thresholds", Integer.class)).containsExactly(50, 90);

        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/budgets/" + id)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/budgets/" + id)
                .then()
                .statusCode(404);
    }

    @Test
    void badInputGetsAPrecise400() {
        Admin.Key key = Admin.newKey();
        String team = key.teamId();
        post(teamBudget(team, "amountUsd", "-5"))
                .statusCode(400)
                .body("detail", containsString("amountUsd"))
                .body("detail", containsString("negative"));
        post(teamBudget(UUID.randomUUID().toString()))
                .statusCode(400)
                .body("detail", containsString("scopeId: no team"));
        post(teamBudget("1-1-1-1-1"))
                .statusCode(400)
                .body("detail", containsString("scopeId: not a team id (a UUID): 1-1-1-1-1"));
        post(teamBudget(team, "timezone", "Mars/Olympus"))
                .statusCode(400)
                .body("detail", containsString("unknown time zone Mars/Olympus"));
        post(teamBudget(team, "thresholds", List.of(50, 1001)))
                .statusCode(400)
                .body("detail", containsString("between 1 and 1000"));
        post(teamBudget(
                        team,
                        "mode",
                        "downgrade",
                        "downgrade",
                        Map.of("models", Map.of("claude-opus-*", "claude-unpriced-9"))))
                .statusCode(400)
                .body("detail", containsString("has no price"));
        post(teamBudget(
                        team,
                        "mode",
                        "downgrade",
                        "downgrade",
                        Map.of("models", Map.of("gpt-5*", "gpt-5-mini"), "fromPercent", 1200)))
                .statusCode(400)
                .body("detail", containsString("fromPercent"));
        post(teamBudget(team, "scope", "division"))
                .statusCode(400)
                .body("detail", containsString("scope: must be one of"));
        post(teamBudget(team, "period", "fortnight")).statusCode(400).body("detail", containsString("period:"));
        post(teamBudget(team, "amountUsd", "1.0000000001"))
                .statusCode(400)
                .body("detail", containsString("9 decimals"));
        post(teamBudget(team, "channelIds", List.of("not-a-uuid")))
                .statusCode(400)
                .body("detail", containsString("channelIds"));
        post(Map.of("scope", "org", "scopeId", team, "period", "month", "amountUsd", "1"))
                .statusCode(400)
                .body("detail", containsString("takes no scopeId"));
    }

    @Test
    void aFractionalPercentageIsRefusedNotTruncated() {
        String team = Admin.newKey().teamId();
        // 50.5 % is not 50 %, and a spike factor of 2.9 is not 2: each is a 400, nothing is stored
        // a field's error, whose detail starts with its name as every other bad field's does
        post(teamBudget(team, "thresholds", List.of(50.5, 100)))
                .statusCode(400)
                .body("detail", equalTo("thresholds: must be a whole number; got 50.5"));
        post(teamBudget(
                        team,
                        "mode",
                        "downgrade",
                        "downgrade",
                        Map.of("models", Map.of("gpt-5*", "gpt-5-mini"), "fromPercent", 90.5)))
                .statusCode(400)
                .body("detail", startsWith("downgrade.fromPercent: must be a whole number"));
        post(teamBudget(team, "spike", Map.of("factor", 2.9)))
                .statusCode(400)
                .body("detail", startsWith("spike.factor: must be a whole number"));
    }

    @Test
    void aDowngradeTargetNoProviderRoutesIsRefused() {
        Admin.Key key = Admin.newKey();
        // an admin gave it a price, but no routing rule sends it to a provider
        String model = "local-llama-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("input", "0.1", "output", "0.2", "cacheRead", "0", "cacheWrite", "0"))
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200);
        post(teamBudget(key.teamId(), "mode", "downgrade", "downgrade", Map.of("models", Map.of("gpt-5*", model))))
                .statusCode(400)
                .body("detail", containsString("no provider routes"));
    }

    @Test
    void resumingAPausedKeyLetsItCallAgainAndAnUnknownKeyIs404() {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/keys/" + UUID.randomUUID() + "/resume")
                .then()
                .statusCode(404);
        Admin.Key key = Admin.newKey();
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/keys/" + key.keyId() + "/resume")
                .then()
                .statusCode(204);
    }
}
