package dev.tally.alert.digest;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.scheduler.Scheduled;

import dev.tally.alert.channel.Alert;
import dev.tally.alert.channel.AlertChannelService;
import dev.tally.alert.channel.AlertConfig;
import dev.tally.alert.channel.AlertDeliveries;
import dev.tally.alert.channel.AlertKind;
import dev.tally.alert.channel.DeliveryStore;
import dev.tally.events.CloudEvent;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/**
 * The weekly digest: once a minute, an instance with the aggregator role checks whether this week's
 * digest is due ({@link DigestWeek}) and not yet stored; if so it composes it and stores it as an
 * alert of kind {@code digest} with a delivery to every channel that subscribes. The digest's row
 * ({@code alert.id = digest:<Monday>}) and the outbox's (alert, channel) key make it sent once,
 * however many instances run: two that compose it at the same moment store one row and one
 * delivery per channel between them.
 */
@ApplicationScoped
public class WeeklyDigest {

    public static final String TYPE = "dev.tally.digest.v1";
    private static final Logger LOG = Logger.getLogger(WeeklyDigest.class);

    private final AlertConfig.Digest config;
    private final OrgCalendar calendar;
    private final DigestComposer composer;
    private final AlertChannelService channels;
    private final DeliveryStore store;
    private final AlertDeliveries deliveries;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Roles roles;

    public WeeklyDigest(
            AlertConfig config,
            OrgCalendar calendar,
            DigestComposer composer,
            AlertChannelService channels,
            DeliveryStore store,
            AlertDeliveries deliveries,
            ObjectMapper mapper,
            Clock clock,
            Roles roles) {
        this.config = config.digest();
        this.calendar = calendar;
        this.composer = composer;
        this.channels = channels;
        this.store = store;
        this.deliveries = deliveries;
        this.mapper = mapper;
        this.clock = clock;
        this.roles = roles;
    }

    @Scheduled(
            every = "1m",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        if (!config.enabled() || !roles.has(Role.AGGREGATOR)) {
            return;
        }
        try {
            runDue(clock.instant());
        } catch (SQLException | RuntimeException e) {
            LOG.errorf("weekly digest: %s; trying again in a minute", e.getMessage());
        }
    }

    /**
     * Stores the digest due at {@code now} unless it is stored already; returns how many deliveries
     * this call added (0 when another call or instance got there first, or nobody subscribes).
     */
    public int runDue(Instant now) throws SQLException {
        DigestWeek week = DigestWeek.due(now, calendar.zone(), config.day(), config.time());
        List<UUID> subscribers = channels.digestChannels();
        if (subscribers.isEmpty() || store.alert(week.id()).isPresent()) {
            return 0;
        }
        Digest digest = composer.compose(week, now);
        String event;
        try {
            event = mapper.writeValueAsString(
                    CloudEvent.of(week.id(), "/tally/alerts/digest", TYPE, null, now, digest));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Alert alert = new Alert(
                week.id(),
                AlertKind.DIGEST,
                "org",
                null,
                "Weekly digest",
                null,
                null,
                digest.spendNanos(),
                null,
                null,
                null,
                calendar.start(week.first()),
                calendar.start(week.last().plusDays(1)),
                digest.message().link(),
                now,
                event);
        int added = store.record(alert, subscribers, now);
        if (added > 0) {
            LOG.infof("weekly digest for %s..%s: %d deliveries", week.first(), week.last(), added);
            deliveries.wake();
        }
        return added;
    }
}
