package dev.tally.rollup;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.tally.platform.Role;
import dev.tally.platform.Roles;

/**
 * Keeps {@code usage_event_id} bounded: ids whose event day is older than
 * {@code tally.aggregator.usage-dedupe-retention-days} are deleted hourly, in small chunks. Several
 * aggregator instances may run it at once; the deletes are idempotent.
 */
@ApplicationScoped
public class UsageDedupeRetention {

    private static final Logger LOG = Logger.getLogger(UsageDedupeRetention.class);

    private final RollupStore store;
    private final AggregatorConfig config;
    private final Roles roles;

    public UsageDedupeRetention(RollupStore store, AggregatorConfig config, Roles roles) {
        this.store = store;
        this.config = config;
        this.roles = roles;
    }

    @Scheduled(
            every = "1h",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void prune() {
        if (!roles.has(Role.AGGREGATOR)) {
            return;
        }
        try {
            long n = pruneNow();
            if (n > 0) {
                LOG.infof("deleted %d usage event ids older than %d days", n, config.usageDedupeRetentionDays());
            }
        } catch (Exception e) {
            LOG.warnf("usage event id retention failed (retried in an hour): %s", e.getMessage());
        }
    }

    /** Deletes expired ids now; returns how many. */
    public long pruneNow() throws SQLException {
        LocalDate before = LocalDate.now(ZoneOffset.UTC).minusDays(config.usageDedupeRetentionDays());
        return store.pruneUsageIds(before, 10_000);
    }
}
