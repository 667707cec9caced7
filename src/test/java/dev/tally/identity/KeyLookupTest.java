package dev.tally.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.identity.KeyLookup.Status;
import dev.tally.platform.TestStack;

/** Keys as the gateway sees them: storage, the in-memory lookup, revocation and expiry. */
@QuarkusTest
@WithTestResource(TestStack.class)
class KeyLookupTest {

    @Inject
    KeyLookup lookup;

    @Inject
    IdentityService identity;

    @Inject
    DataSource dataSource;

    @Test
    void onlyTheHashAndPrefixAreStored() throws Exception {
        String employee = IdentityApiTest.createEmployee(IdentityApiTest.createTeam());
        var created = IdentityApiTest.post("/api/admin/keys", Map.of("employeeId", employee))
                .statusCode(201)
                .extract();
        String key = created.path("key");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT key_hash, prefix, row_to_json(k)::text AS whole FROM api_key k WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(created.path("id")));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("key_hash"))
                        .isEqualTo(ApiKeys.sha256Hex(key))
                        .hasSize(64);
                assertThat(rs.getString("prefix")).isEqualTo(key.substring(0, 12));
                // no column holds the key or the random part after the prefix
                assertThat(rs.getString("whole")).doesNotContain(key).doesNotContain(key.substring(12));
            }
        }
    }

    @Test
    void generatedKeysHaveTheDocumentedShapeAndDiffer() {
        String a = ApiKeys.generate();
        String b = ApiKeys.generate();
        assertThat(a).matches("tly_[0-9A-Za-z]{40}");
        assertThat(a).isNotEqualTo(b);
        assertThat(ApiKeys.prefixOf(a)).isEqualTo(a.substring(0, 12));
    }

    @Test
    void aNewKeyResolvesAtOnceToItsEmployeeTeamAndLimits() {
        TeamView team = identity.createTeam(new NewTeam(IdentityApiTest.unique("lookup"), "R&D"));
        EmployeeView emp = identity.createEmployee(
                new NewEmployee(IdentityApiTest.unique("l") + "@example.com", "L", team.id(), null));
        CreatedKey key = identity.createKey(new NewKey(emp.id(), "ci", null, List.of("gpt-4o"), 10, 1000, 3));

        KeyLookup.Result r = lookup.lookup(key.key());
        assertThat(r.status()).isEqualTo(Status.VALID);
        assertThat(r.key().keyId()).isEqualTo(key.id());
        assertThat(r.key().employeeId()).isEqualTo(emp.id());
        assertThat(r.key().teamId()).isEqualTo(team.id());
        assertThat(r.key().allowedModels()).isEqualTo(Set.of("gpt-4o"));
        assertThat(r.key().allowsModel("gpt-4o-mini")).isFalse();
        assertThat(r.key().requestsPerMinute()).isEqualTo(10);
        assertThat(r.key().tokensPerMinute()).isEqualTo(1000);
        assertThat(r.key().maxInFlight()).isEqualTo(3);
        assertThat(r.key().prefix()).isEqualTo(key.prefix());
        assertThat(lookup.byId(key.id())).contains(r.key());
    }

    @Test
    void unknownAndMalformedKeysAreUnknown() {
        assertThat(lookup.lookup(ApiKeys.generate()).status()).isEqualTo(Status.UNKNOWN);
        assertThat(lookup.lookup("sk-not-ours").status()).isEqualTo(Status.UNKNOWN);
        assertThat(lookup.lookup(null).status()).isEqualTo(Status.UNKNOWN);
        assertThat(lookup.lookup("tly_" + "x".repeat(5000)).status()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void revocationThroughTheApiIsSeenAtOnce() {
        String employee = IdentityApiTest.createEmployee(IdentityApiTest.createTeam());
        var created = IdentityApiTest.post("/api/admin/keys", Map.of("employeeId", employee))
                .statusCode(201)
                .extract();
        String key = created.path("key");
        assertThat(lookup.lookup(key).status()).isEqualTo(Status.VALID);
        given().header("Authorization", IdentityApiTest.AUTH)
                .delete("/api/admin/keys/" + created.path("id"))
                .then()
                .statusCode(204);
        assertThat(lookup.lookup(key).status()).isEqualTo(Status.REVOKED);
    }

    @Test
    void revocationByAnotherInstanceIsSeenWithinFiveSeconds() throws Exception {
        CreatedKey key = newKey();
        assertThat(lookup.lookup(key.key()).status()).isEqualTo(Status.VALID);
        // Another Tally instance writes to the same database; this instance hears of it only by polling.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE api_key SET revoked_at = now() WHERE id = ?")) {
            ps.setObject(1, key.id());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> lookup.lookup(key.key()).status() == Status.REVOKED);
    }

    @Test
    void aKeyExpiresAtItsExpiryTime() {
        EmployeeView emp = newEmployee();
        CreatedKey key =
                identity.createKey(new NewKey(emp.id(), null, Instant.now().plusSeconds(2), null, null, null, null));
        assertThat(lookup.lookup(key.key()).status()).isEqualTo(Status.VALID);
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> lookup.lookup(key.key()).status() == Status.EXPIRED);
        assertThat(lookup.lookup(key.key()).key().keyId()).isEqualTo(key.id());
    }

    @Test
    void movingAnEmployeeMovesTheirKeysToTheNewTeam() {
        EmployeeView emp = newEmployee();
        CreatedKey key = identity.createKey(NewKey.of(emp.id(), null));
        TeamView other = identity.createTeam(new NewTeam(IdentityApiTest.unique("moved"), "Sales"));
        identity.updateEmployee(emp.id(), new EmployeeUpdate(null, null, other.id(), null));
        assertThat(lookup.lookup(key.key()).key().teamId()).isEqualTo(other.id());
    }

    private EmployeeView newEmployee() {
        TeamView team = identity.createTeam(new NewTeam(IdentityApiTest.unique("t"), "R&D"));
        return identity.createEmployee(
                new NewEmployee(IdentityApiTest.unique("e") + "@example.com", "E", team.id(), null));
    }

    private CreatedKey newKey() {
        return identity.createKey(NewKey.of(newEmployee().id(), null));
    }
}
