package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import dev.tally.gateway.Api;
import dev.tally.gateway.Usage;
import dev.tally.identity.ResolvedKey;
import dev.tally.platform.share.ExchangeDatabase;
import dev.tally.platform.share.SharedLimits;

/**
 * The shares of a key's limits between gateways, exchanged through the real PostgreSQL (a database of
 * this class's own, so only its gateways are live) on a ticker the test moves: which claim each
 * gateway gets, and what it falls back to. The two-JVM run is {@link KeyLimitsAcrossGatewaysTest}.
 */
class SharedLimitShareTest {

    static final long SECOND = 1_000_000_000L;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static String url;

    long now = 1_000 * SECOND;
    final List<Gateway> gateways = new ArrayList<>();

    /** One gateway: its identity in the exchange, its share of the key limits and its counts. */
    final class Gateway {
        final SharedLimits limits = new SharedLimits(TIMEOUT, () -> now);
        final RateLimiter[] limiter = new RateLimiter[1];
        final SharedLimitShare share;
        final Connection c;

        Gateway(int maxKeys) throws SQLException {
            share = new SharedLimitShare(limits, id -> limiter[0].counts(id), maxKeys, () -> now);
            limiter[0] = new RateLimiter(0, 0, 0, share, () -> now);
            c = DriverManager.getConnection(url, ExchangeDatabase.username(), ExchangeDatabase.password());
            gateways.add(this);
        }

        Gateway exchange() throws SQLException {
            share.exchange(c);
            return this;
        }

        /** Requests of {@code k} admitted of {@code n} tried. */
        int admit(ResolvedKey k, int n) {
            int admitted = 0;
            for (int i = 0; i < n; i++) {
                admitted += limiter[0].limitsFor(k).admit(k) == null ? 1 : 0;
            }
            return admitted;
        }

        /** Enters up to {@code n} calls of {@code k}; the admitted ones stay in flight until ended. */
        List<FakeCall> enter(ResolvedKey k, int n) {
            List<FakeCall> in = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                FakeCall call = new FakeCall(Api.CHAT_COMPLETIONS).key(k);
                if (limiter[0].limitsFor(k).enter(call) == null) {
                    in.add(call);
                }
            }
            return in;
        }
    }

    @BeforeAll
    static void database() throws SQLException {
        url = ExchangeDatabase.fresh();
    }

    @BeforeEach
    void nobodyElseIsLive() throws SQLException {
        try (Connection c =
                DriverManager.getConnection(url, ExchangeDatabase.username(), ExchangeDatabase.password())) {
            c.createStatement().execute("DELETE FROM gateway_instance");
        }
    }

    @AfterEach
    void close() throws SQLException {
        for (Gateway g : gateways) {
            g.share.onStop(null);
            g.c.close();
        }
    }

    static ResolvedKey key(Integer rpm, Integer inFlight) {
        return new ResolvedKey(
                UUID.randomUUID(),
                "tly_test",
                UUID.randomUUID(),
                UUID.randomUUID(),
                Set.of(),
                null,
                rpm,
                null,
                inFlight);
    }

    static void end(List<FakeCall> calls) {
        Usage u = new Usage();
        calls.forEach(c -> c.end(u));
    }

    @Test
    void beforeItsFirstExchangeAGatewayHoldsTheWholeLimitAlone() throws SQLException {
        Gateway a = new Gateway(100);
        ResolvedKey k = key(5, null);
        assertThat(a.admit(k, 10)).isEqualTo(5);
        assertThat(a.share.trackedKeys()).isZero();
    }

    @Test
    void aKeyNewToAGatewayGetsTheWholeLimitWhenTheGatewayIsAloneAndOneCallWhenOthersAreLive() throws SQLException {
        Gateway a = new Gateway(100).exchange();
        ResolvedKey k = key(5, null);
        assertThat(a.admit(k, 10)).isEqualTo(5); // alone at its last exchange: as one gateway always did
        a.exchange();
        assertThat(published(a, k, ":rpm")).isEqualTo(new long[] {5, 5});
        Gateway b = new Gateway(100).exchange();
        a.exchange(); // two live now
        ResolvedKey other = key(5, null);
        assertThat(a.admit(other, 3)).isEqualTo(1); // not exchanged yet: one call
        assertThat(b.admit(other, 3)).isEqualTo(1);
        a.exchange(); // 1 + half of the 4 nobody uses (as far as a knows)
        assertThat(a.admit(other, 10)).isEqualTo(2);
    }

    @Test
    void aKeyNewToAGatewayAsksForAnExchangeAtOnceRatherThanAtTheNextInterval() throws Exception {
        Gateway a = new Gateway(100).exchange();
        new Gateway(100).exchange();
        a.exchange(); // a knows the other is live
        Timestamp before = heartbeat(a);
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setURL(url);
        database.setUser(ExchangeDatabase.username());
        database.setPassword(ExchangeDatabase.password());
        a.share.start(database, Duration.ofHours(1).toMillis()); // one exchange at start, then none for an hour
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> heartbeat(a).after(before));
        ResolvedKey k = key(10, null);
        assertThat(a.admit(k, 3)).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> published(a, k, ":rpm") != null);
        assertThat(published(a, k, ":rpm")).isEqualTo(new long[] {1, 1 + 5});
        assertThat(a.admit(k, 20)).isEqualTo(5);
    }

    @Test
    void twoGatewaysThatBothWantAKeySplitWhatIsLeftAndTheirClaimsNeverPassTheLimit() throws SQLException {
        Gateway a = new Gateway(100).exchange();
        Gateway b = new Gateway(100).exchange();
        ResolvedKey k = key(null, 4);
        List<FakeCall> inA = a.enter(k, 1);
        List<FakeCall> inB = b.enter(k, 1);
        assertThat(inA).hasSize(1); // each: one call before its first exchange of the key
        assertThat(inB).hasSize(1);
        // a: 1 in flight + half of the 3 nobody uses, rounded up = 3 (b's one call is not published yet)
        a.exchange();
        // b: 1 in flight; 4 - 1 - 1 = 2 unused, but a claims 3: nothing left to claim
        b.exchange();
        assertThat(published(a, k, ":in-flight")).isEqualTo(new long[] {1, 3});
        assertThat(published(b, k, ":in-flight")).isEqualTo(new long[] {1, 1});
        inA.addAll(a.enter(k, 5));
        inB.addAll(b.enter(k, 5));
        assertThat(inA).hasSize(3);
        assertThat(inB).hasSize(1);
        // a's calls end; both were asked since (b refused its calls): they split what nobody uses
        end(inA);
        a.exchange(); // 0 in flight + half of the 3 nobody uses, rounded up
        b.exchange(); // 1 in flight + what a left unclaimed
        assertThat(published(a, k, ":in-flight")).isEqualTo(new long[] {0, 2});
        assertThat(published(b, k, ":in-flight")).isEqualTo(new long[] {1, 2});
        assertThat(b.enter(k, 5)).hasSize(1);
        assertThat(a.enter(k, 5)).hasSize(2);
    }

    @Test
    void aBusyGatewayGrowsTowardsTheWholeLimitByItsShareOfWhatIsLeftAtEachExchange() throws SQLException {
        Gateway a = new Gateway(100).exchange();
        new Gateway(100).exchange();
        a.exchange(); // two live
        ResolvedKey k = key(100, null);
        assertThat(a.admit(k, 200)).isEqualTo(1); // not exchanged yet: one call
        a.exchange(); // 1 + half of the 99 nobody uses, rounded up
        assertThat(a.admit(k, 200)).isEqualTo(50);
        a.exchange(); // 51 + half of 49
        assertThat(a.admit(k, 200)).isEqualTo(25);
        for (int i = 0; i < 10; i++) {
            a.exchange();
            a.admit(k, 200);
        }
        a.exchange();
        // the other gateway never got a call of the key and holds none of it: rounded up, a reaches all of it
        assertThat(published(a, k, ":rpm")).isEqualTo(new long[] {100, 100});
    }

    @Test
    void claimsHoldUntilHalfTheTimeoutAfterTheLastExchangeThenTheGatewayFallsBackToTheWholeLimit() throws SQLException {
        Gateway a = new Gateway(100).exchange();
        Gateway b = new Gateway(100).exchange();
        ResolvedKey k = key(10, null);
        assertThat(a.admit(k, 1)).isEqualTo(1);
        assertThat(b.admit(k, 1)).isEqualTo(1);
        a.exchange(); // 1 used + half of the 9 nobody uses (as far as a knows), rounded up
        b.exchange();
        assertThat(a.admit(k, 20)).isEqualTo(5);
        a.c.close(); // the database is gone: the exchange fails
        assertThatThrownBy(a::exchange).isInstanceOf(SQLException.class);
        now += TIMEOUT.toNanos() / 2;
        assertThat(a.admit(k, 20)).isZero(); // the last claim still holds
        now += 1;
        assertThat(a.admit(k, 20)).isEqualTo(10 - 6); // lapsed: the whole limit, as one gateway alone (fails open)
    }

    @Test
    void keysIdleForTwoWindowsLeaveTheExchangeUnlessACallIsStillInFlight() throws SQLException {
        Gateway a = new Gateway(100).exchange();
        ResolvedKey idle = key(10, null);
        ResolvedKey longCall = key(null, 2);
        a.admit(idle, 1);
        List<FakeCall> held = a.enter(longCall, 1);
        a.exchange();
        assertThat(counters(a)).hasSize(2);
        now += SharedLimitShare.IDLE_NANOS + 1;
        a.exchange();
        assertThat(a.share.trackedKeys()).isEqualTo(1);
        assertThat(counters(a)).containsOnlyKeys("key:" + longCall.keyId() + ":in-flight");
        end(held);
        a.exchange();
        assertThat(a.share.trackedKeys()).isZero();
        assertThat(counters(a)).isEmpty();
    }

    @Test
    void keysBeyondTheCapAreLimitedByTheGatewayAloneAndNotTracked() throws SQLException {
        Gateway a = new Gateway(2).exchange();
        a.admit(key(10, null), 1);
        a.admit(key(10, null), 1);
        ResolvedKey third = key(10, null);
        a.exchange();
        assertThat(a.admit(third, 20)).isEqualTo(10);
        assertThat(a.share.trackedKeys()).isEqualTo(2);
    }

    static Timestamp heartbeat(Gateway g) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, ExchangeDatabase.username(), ExchangeDatabase.password());
                PreparedStatement ps = c.prepareStatement("SELECT heartbeat_at FROM gateway_instance WHERE id = ?")) {
            ps.setObject(1, g.limits.instance());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1);
            }
        }
    }

    /** {used, claimed} as gateway {@code g} last published them for a counter of {@code k}. */
    static long[] published(Gateway g, ResolvedKey k, String kind) throws SQLException {
        Map<String, long[]> all = counters(g);
        return all.get("key:" + k.keyId() + kind);
    }

    static Map<String, long[]> counters(Gateway g) throws SQLException {
        Map<String, long[]> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, ExchangeDatabase.username(), ExchangeDatabase.password());
                PreparedStatement ps =
                        c.prepareStatement("SELECT counter, used, claimed FROM shared_claim WHERE instance_id = ?")) {
            ps.setObject(1, g.limits.instance());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return out;
    }
}
