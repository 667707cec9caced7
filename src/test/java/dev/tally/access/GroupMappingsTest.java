package dev.tally.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.tally.access.audit.AuditLog;
import dev.tally.access.sso.GroupMapping;
import dev.tally.access.sso.GroupMappings;
import dev.tally.access.sso.TestSsoConfig;
import dev.tally.identity.IdentityService;
import dev.tally.platform.TestStack;

/**
 * What SSO groups grant, without a provider: the admin API's mappings (set, refused, deleted), the
 * highest role and the union of teams over a person's groups, and the configuration's
 * {@code TALLY_OIDC_GROUP_ROLES} / {@code TALLY_OIDC_GROUP_TEAMS} under the API's entries. The
 * sign-in itself, through a real Keycloak, is {@link OidcSignInTest}'s.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class GroupMappingsTest {

    @Inject
    GroupMappings mappings;

    @Inject
    DataSource dataSource;

    @Inject
    AuditLog audit;

    @Inject
    IdentityService identity;

    String suffix;
    String teamA;
    String teamAName;
    String teamB;
    String teamBName;

    @BeforeEach
    void teams() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        teamAName = "Groups A " + suffix;
        teamBName = "Groups B " + suffix;
        teamA = team(teamAName);
        teamB = team(teamBName);
    }

    @Test
    void theHighestRoleOfAPersonsGroupsWinsAndTheirTeamsAddUp() {
        put("staff-" + suffix, Map.of("role", "employee", "teamIds", List.of(teamA)))
                .statusCode(200);
        put("leads-" + suffix, Map.of("role", "team_lead", "teamIds", List.of(teamB)))
                .statusCode(200);
        put("execs-" + suffix, Map.of("role", "leader")).statusCode(200);

        // "/leads-…" is how Keycloak writes a top-level group as a full path
        GroupMappings.Grant g = mappings.grant(List.of("staff-" + suffix, "/leads-" + suffix, "unmapped-" + suffix));
        assertThat(g.role()).contains(AccessRole.TEAM_LEAD);
        assertThat(g.teamIds()).containsExactlyInAnyOrder(UUID.fromString(teamA), UUID.fromString(teamB));

        GroupMappings.Grant all = mappings.grant(List.of("staff-" + suffix, "execs-" + suffix, "leads-" + suffix));
        assertThat(all.role()).contains(AccessRole.LEADER);

        GroupMappings.Grant none = mappings.grant(List.of("unmapped-" + suffix));
        assertThat(none.role()).isEmpty();
        assertThat(none.teamIds()).isEmpty();
    }

    @Test
    void aMappingThatGrantsNothingNamesNoTeamOrHasNoNameIsRefused() {
        put("nothing-" + suffix, Map.of())
                .statusCode(400)
                .body("detail", containsString("a mapping grants a role, teams, or both"));
        put("empty-teams-" + suffix, Map.of("teamIds", List.of()))
                .statusCode(400)
                .body("detail", containsString("a mapping grants a role, teams, or both"));
        String unknown = UUID.randomUUID().toString();
        put("ghost-" + suffix, Map.of("role", "team_lead", "teamIds", List.of(teamA, unknown)))
                .statusCode(400)
                .body("detail", containsString("teamIds[1]: no team with id " + unknown));
        put("x".repeat(257), Map.of("role", "leader"))
                .statusCode(400)
                .body("detail", containsString("group: 1 to 256 characters"));
        put(" ", Map.of("role", "leader")).statusCode(400).body("detail", containsString("group: 1 to 256 characters"));
        put("bad-role-" + suffix, Map.of("role", "superuser")).statusCode(400);

        JsonPath listed = list();
        for (String g : List.of("nothing-", "empty-teams-", "ghost-", "bad-role-")) {
            assertThat(listed.getList("group", String.class)).doesNotContain(g + suffix);
        }
    }

    @Test
    void aMappingSetThroughTheApiIsDeletedThereAndTheDeletionIsAudited() {
        String group = "gone-" + suffix;
        put(group, Map.of("role", "leader", "teamIds", List.of(teamA))).statusCode(200);
        assertThat(mappings.grant(List.of(group)).role()).contains(AccessRole.LEADER);

        Access.admin().delete("/api/admin/group-mappings/" + group).then().statusCode(204);

        assertThat(list().getList("group", String.class)).doesNotContain(group);
        assertThat(mappings.grant(List.of(group)).role()).isEmpty();
        Access.admin()
                .delete("/api/admin/group-mappings/" + group)
                .then()
                .statusCode(404)
                .body("detail", containsString("no group mapping for '" + group + "'"));
        Map<String, Object> deleted = Access.auditEntry("group_mapping.delete", group);
        assertThat(((Map<?, ?>) deleted.get("before")).get("role")).isEqualTo("leader");
        assertThat(deleted.get("after")).isNull();
    }

    @Test
    void configurationMapsGroupsToRolesAndToTeamsByNameAndTheApiOverridesIt() {
        String a = "cfg-a-" + suffix;
        String b = "cfg-b-" + suffix;
        String c = "cfg-c-" + suffix;
        String d = "cfg-d-" + suffix;
        String e = "cfg-e-" + suffix;
        // as an operator writes them: spaces, a team name in another case, a group with two teams, a
        // role that is none, a team that does not exist, and pairs without a group or a value
        GroupMappings configured = new GroupMappings(
                dataSource,
                audit,
                TestSsoConfig.groups(
                        " " + a + " = leader, " + b + "=superuser,  =admin, " + c + "=employee, junk, " + e + "=,",
                        a + "=" + teamAName + ", " + a + "=" + teamBName.toUpperCase() + "," + d + "=No such team "
                                + suffix + "," + e),
                identity);

        List<String> warnings = new CopyOnWriteArrayList<>();
        ExtHandler capture = new ExtHandler() {
            @Override
            protected void doPublish(ExtLogRecord record) {
                warnings.add(record.getFormattedMessage());
            }
        };
        org.jboss.logmanager.Logger log = LogContext.getLogContext().getLogger(GroupMappings.class.getName());
        log.addHandler(capture);
        Map<String, GroupMapping> all;
        try {
            all = QuarkusTransaction.requiringNew().call(configured::all);
            // a second read (the next sign-in) finds the same problems and says none of them again
            assertThat(QuarkusTransaction.requiringNew().call(configured::all)).isEqualTo(all);
        } finally {
            log.removeHandler(capture);
        }
        assertThat(warnings)
                .containsExactlyInAnyOrder(
                        "TALLY_OIDC_GROUP_ROLES: '=admin' is not group=value; ignored",
                        "TALLY_OIDC_GROUP_ROLES: 'junk' is not group=value; ignored",
                        "TALLY_OIDC_GROUP_ROLES: '" + e + "=' is not group=value; ignored",
                        "TALLY_OIDC_GROUP_ROLES: 'superuser' is not a role (admin, leader, team_lead, employee); group "
                                + b + " ignored",
                        "TALLY_OIDC_GROUP_TEAMS: '" + e + "' is not group=value; ignored",
                        "TALLY_OIDC_GROUP_TEAMS: no team named 'No such team " + suffix + "'; group " + d + " ignored");

        assertThat(all.get(a))
                .isEqualTo(new GroupMapping(
                        a, AccessRole.LEADER, List.of(UUID.fromString(teamA), UUID.fromString(teamB)), "config"));
        assertThat(all.get(c)).isEqualTo(new GroupMapping(c, AccessRole.EMPLOYEE, List.of(), "config"));
        assertThat(all).doesNotContainKeys(b, d, e, "");

        // the API's entry for a group replaces the configuration's, role and teams alike
        put(c, Map.of("role", "team_lead", "teamIds", List.of(teamB))).statusCode(200);
        Map<String, GroupMapping> overridden = QuarkusTransaction.requiringNew().call(configured::all);
        assertThat(overridden.get(c))
                .isEqualTo(new GroupMapping(c, AccessRole.TEAM_LEAD, List.of(UUID.fromString(teamB)), "api"));
        GroupMappings.Grant grant = QuarkusTransaction.requiringNew().call(() -> configured.grant(List.of(a, c)));
        assertThat(grant.role()).contains(AccessRole.LEADER);
        assertThat(grant.teamIds()).isEqualTo(Set.of(UUID.fromString(teamA), UUID.fromString(teamB)));
    }

    private static io.restassured.response.ValidatableResponse put(String group, Map<String, ?> body) {
        return Access.admin()
                .contentType(ContentType.JSON)
                .body(body)
                .put("/api/admin/group-mappings/{group}", group)
                .then();
    }

    private static JsonPath list() {
        return Access.admin()
                .get("/api/admin/group-mappings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static String team(String name) {
        return Access.newTeam(name, "Groups");
    }
}
