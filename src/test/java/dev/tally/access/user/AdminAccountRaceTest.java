package dev.tally.access.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

/**
 * Instances sharing one database that start at the same moment each try to create the local admin
 * account: exactly one does, and the others carry on. Raced here with threads, each in its own
 * transaction on its own connection to the real PostgreSQL, on a fresh username so the test's own
 * {@code admin} is untouched.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class AdminAccountRaceTest {

    private static final int INSTANCES = 8;

    @Inject
    UserService users;

    @Inject
    DataSource dataSource;

    @Test
    void instancesStartingAtTheSameMomentCreateTheAdminAccountOnce() throws Exception {
        String username = "admin-race-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> created = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                created.add(pool.submit(() -> {
                    start.await();
                    return users.createAdmin(username, "race-password");
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> f : created) {
                // a loser that failed (duplicate key) throws here, as start-up would
                if (f.get(60, TimeUnit.SECONDS)) {
                    winners++;
                }
            }
            assertThat(winners).as("instances that say they created it").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM app_user WHERE username = ?", username))
                .as("accounts")
                .isEqualTo(1);
        assertThat(count(
                        "SELECT count(*) FROM audit_log WHERE action = 'user.create' AND target_id ="
                                + " (SELECT id::text FROM app_user WHERE username = ?)",
                        username))
                .as("audit entries of its creation")
                .isEqualTo(1);
    }

    private long count(String sql, String username) {
        return TestSql.count(dataSource, sql, username);
    }
}
