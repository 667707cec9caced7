package dev.tally.access.sso;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.access.Access;
import dev.tally.access.AccessRole;
import dev.tally.access.Scope;
import dev.tally.access.Viewer;
import dev.tally.platform.TestStack;

/**
 * Who a person signed in through single sign-on is, read from their token's claims as the OIDC
 * extension hands them over ({@code OidcJwtCallerPrincipal} over jose4j claims): the groups claim at a
 * dotted path or as one string, the e-mail that links them to their employee, and the defaults when
 * claims are missing. The sign-in through a real provider is {@code OidcSignInTest}'s.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class SsoRolesTest {

    @Inject
    GroupMappings mappings;

    String suffix;
    String team;

    @BeforeEach
    void mappings() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        team = Access.newTeam("SSO claims " + suffix, "X");
        map("leads-" + suffix, Map.of("role", "team_lead", "teamIds", List.of(team)));
        map("execs-" + suffix, Map.of("role", "leader"));
    }

    @Test
    void groupsAtADottedPathGiveTheHighestRoleAndTheirTeams() {
        // Keycloak's realm roles, for instance: TALLY_OIDC_GROUPS_CLAIM=realm_access.roles
        SsoRoles roles = new SsoRoles(mappings, new TestSsoConfig("realm_access.roles", null, null));
        JwtClaims c = claims("kc-1");
        c.setClaim("realm_access", Map.of("roles", List.of("offline_access", "leads-" + suffix)));
        c.setClaim("email", "Lee.Lead@Example.com");
        c.setClaim("name", "Lee Lead");

        Viewer v = roles.viewer(principal(c));

        assertThat(v.kind()).isEqualTo(Viewer.Kind.SSO_USER);
        assertThat(v.id()).isEqualTo("kc-1");
        assertThat(v.role()).isEqualTo(AccessRole.TEAM_LEAD);
        assertThat(v.teamIds()).isEqualTo(Set.of(UUID.fromString(team)));
        assertThat(v.login()).isEqualTo("lee.lead@example.com");
        assertThat(v.name()).isEqualTo("Lee Lead");
    }

    @Test
    void oneGroupAsAStringIsOneGroupAndTheHighestRoleWins() {
        SsoRoles roles = new SsoRoles(mappings, TestSsoConfig.groups(null, null));
        JwtClaims one = claims("one");
        one.setClaim("groups", "execs-" + suffix);
        assertThat(roles.viewer(principal(one)).role()).isEqualTo(AccessRole.LEADER);

        JwtClaims both = claims("both");
        both.setClaim("groups", List.of("leads-" + suffix, "execs-" + suffix));
        Viewer v = roles.viewer(principal(both));
        assertThat(v.role()).isEqualTo(AccessRole.LEADER);
        assertThat(v.teamIds())
                .as("a leader sees every team: teams are a team lead's")
                .isEmpty();
        assertThat(v.has(Scope.REPORTS_READ)).isTrue();
    }

    @Test
    void withoutAMappedGroupOrAnEmailThePersonIsAnEmployeeKnownByTheirUsername() {
        SsoRoles roles = new SsoRoles(mappings, TestSsoConfig.groups(null, null));
        JwtClaims c = claims("no-claims");
        c.setClaim("groups", List.of("unmapped-" + suffix));
        c.setClaim("preferred_username", "pat");

        Viewer v = roles.viewer(principal(c));

        assertThat(v.role()).isEqualTo(AccessRole.EMPLOYEE);
        assertThat(v.teamIds()).isEmpty();
        assertThat(v.login()).isEqualTo("pat");
        assertThat(v.name()).isEqualTo("pat");
        assertThat(v.employeeId()).isNull();

        JwtClaims bare = claims("subject-only");
        assertThat(roles.viewer(principal(bare)).login()).isEqualTo("subject-only");
    }

    @Test
    void theEmailClaimLinksThePersonToTheEmployeeWithThatEmail() {
        String email = "sso-" + suffix + "@claims.test";
        String employee = Access.newEmployee(email, "Sam Sso", team);
        SsoRoles roles = new SsoRoles(mappings, TestSsoConfig.groups(null, null));
        JwtClaims c = claims("sam");
        c.setClaim("email", email.toUpperCase());

        Viewer v = roles.viewer(principal(c));

        assertThat(v.employeeId()).isEqualTo(UUID.fromString(employee));
        assertThat(v.login()).isEqualTo(email);

        c.setClaim("email_verified", true);
        assertThat(roles.viewer(principal(c)).employeeId()).isEqualTo(UUID.fromString(employee));
    }

    @Test
    void anEmailTheProviderMarksUnverifiedLinksToNoEmployee() {
        String email = "unverified-" + suffix + "@claims.test";
        Access.newEmployee(email, "Una Verified", team);
        SsoRoles roles = new SsoRoles(mappings, TestSsoConfig.groups(null, null));
        JwtClaims c = claims("una");
        c.setClaim("email", email);
        c.setClaim("email_verified", false);
        assertThat(roles.viewer(principal(c)).employeeId()).isNull();

        // some providers send the claim as a string
        c.setClaim("email_verified", "false");
        Viewer v = roles.viewer(principal(c));
        assertThat(v.employeeId()).isNull();
        assertThat(v.login()).isEqualTo(email);
    }

    @Test
    void anIdentityWhoseTokenIsNoJwtKeepsNoneOfTheRolesTheProviderGaveIt() {
        // what the OIDC extension makes of an opaque access token it introspected: a plain principal,
        // and roles from the provider's answer (its scope), here one called admin
        SecurityIdentity introspected = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("opaque-user"))
                .addRole("admin")
                .addRole(Scope.REPORTS_READ.key())
                .build();
        SsoRoles roles = new SsoRoles(mappings, TestSsoConfig.groups(null, null));

        SecurityIdentity augmented = roles.augment(introspected, null).await().indefinitely();

        assertThat(augmented.getRoles()).isEmpty();
        assertThat(augmented.getPrincipal().getName()).isEqualTo("opaque-user");
        assertThat(augmented.<Object>getAttribute(Viewer.ATTRIBUTE)).isNull();
        assertThat(augmented.isAnonymous()).isFalse();
    }

    /** The principal the OIDC extension makes of a verified token's claims. */
    private static OidcJwtCallerPrincipal principal(JwtClaims claims) {
        return new OidcJwtCallerPrincipal(claims, null);
    }

    private static JwtClaims claims(String subject) {
        JwtClaims c = new JwtClaims();
        c.setSubject(subject);
        c.setIssuer("https://idp.example.com/realms/acme");
        return c;
    }

    private static void map(String group, Map<String, ?> body) {
        Access.admin()
                .contentType(ContentType.JSON)
                .body(body)
                .put("/api/admin/group-mappings/" + group)
                .then()
                .statusCode(200);
    }
}
