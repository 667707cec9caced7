package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

import dev.tally.identity.ResolvedKey;

/** What {@link ResponseOwners} answers without a running Tally; its PostgreSQL side is in ResponsesStoredCallsTest. */
class ResponseOwnersTest {

    private final Vertx vertx = Vertx.vertx();

    /** A database that never answers: every connection fails. */
    private static final DataSource AWAY = (DataSource)
            Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                throw new SQLException("connection refused");
            });

    @AfterEach
    void close() {
        vertx.close();
    }

    static ResolvedKey key(UUID employee, UUID team) {
        return new ResolvedKey(UUID.randomUUID(), "tly_x", employee, team, Set.of(), null, null, null, null);
    }

    @Test
    void aPersonsKeysShareTheirResponsesAndAServiceKeysAreItsTeamsServiceKeys() {
        UUID person = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        assertThat(ResponseOwners.ownerOf(key(person, team))).isEqualTo(ResponseOwners.ownerOf(key(person, team)));
        assertThat(ResponseOwners.ownerOf(key(person, team))).isEqualTo("employee:" + person);
        assertThat(ResponseOwners.ownerOf(key(null, team))).isEqualTo("team:" + team);
        ResolvedKey teamless = key(null, null);
        assertThat(ResponseOwners.ownerOf(teamless)).isEqualTo("key:" + teamless.keyId());
    }

    @Test
    void aLookupThePostgresCannotAnswerIsUncheckedNotNobodys() {
        ResponseOwners owners = new ResponseOwners(AWAY, vertx, null);
        AtomicReference<String> found = new AtomicReference<>();
        vertx.runOnContext(v -> owners.owner("resp_1", o -> found.set(o == null ? "nobody" : o)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAtomic(found, org.hamcrest.Matchers.notNullValue());
        assertThat(found.get()).isEqualTo(ResponseOwners.UNCHECKED);
    }

    @Test
    void anOwnerThisGatewayRecordedIsKnownWithoutTheDatabase() {
        ResponseOwners owners = new ResponseOwners(AWAY, vertx, null);
        UUID person = UUID.randomUUID();
        owners.remember("resp_2", key(person, null));
        AtomicReference<String> found = new AtomicReference<>();
        owners.owner("resp_2", found::set);
        assertThat(found.get()).as("answered at once, from memory").isEqualTo("employee:" + person);
    }

    @Test
    void aConversationThisGatewayRecordedIsKnownWithoutTheDatabaseLikeAResponse() {
        ResponseOwners owners = new ResponseOwners(AWAY, vertx, null);
        UUID team = UUID.randomUUID();
        owners.remember("conv_2", key(null, team), true);
        AtomicReference<String> found = new AtomicReference<>();
        owners.owner("conv_2", found::set);
        assertThat(found.get()).as("answered at once, from memory").isEqualTo("team:" + team);
    }
}
