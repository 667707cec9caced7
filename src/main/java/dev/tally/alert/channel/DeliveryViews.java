package dev.tally.alert.channel;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import io.quarkus.qute.TemplateData;

/** Deliveries as the pages show them (Alerts and Operations): times in the org's zone, one line of detail. */
@Singleton
public class DeliveryViews {

    /** One delivery: the channel, its state and what happened last. */
    @TemplateData
    public record Delivery(
            String alert,
            String channel,
            String type,
            String status,
            int attempts,
            String lastAttempt,
            String detail) {}

    /** The operations page's delivery log: counts per state and the latest deliveries. */
    @TemplateData
    public record Log(long delivered, long pending, long failed, long cancelled, List<Delivery> recent) {}

    private final DeliveryLog log;
    private final Notices notices;

    public DeliveryViews(DeliveryLog log, Notices notices) {
        this.log = log;
        this.notices = notices;
    }

    public Log log(int limit) {
        return log(log.summary(limit));
    }

    /**
     * The counts of {@code entries} alone, no recent list: a team lead's headline, which counts the
     * deliveries of the alerts they read, not every team's.
     */
    public Log counted(List<DeliveryLog.Entry> entries) {
        Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
        for (DeliveryLog.Entry e : entries) {
            counts.merge(e.status(), 1L, Long::sum);
        }
        return log(new DeliveryLog.Summary(counts, List.of()));
    }

    private Log log(DeliveryLog.Summary s) {
        return new Log(
                s.count(DeliveryStatus.DELIVERED),
                s.count(DeliveryStatus.PENDING) + s.count(DeliveryStatus.SENDING),
                s.count(DeliveryStatus.FAILED),
                s.count(DeliveryStatus.CANCELLED),
                s.recent().stream().map(this::delivery).toList());
    }

    public Delivery delivery(DeliveryLog.Entry d) {
        String detail = switch (d.status()) {
            case DELIVERED ->
                "delivered " + notices.time(d.deliveredAt())
                        + (d.lastError() == null ? "" : " (earlier: " + d.lastError() + ")");
            case PENDING ->
                d.attempts() == 0
                        ? "queued"
                        : "next attempt " + notices.time(d.nextAttemptAt()) + " — " + d.lastError();
            case SENDING -> "sending now";
            case FAILED -> "gave up — " + d.lastError();
            case CANCELLED -> d.lastError() == null ? "cancelled" : d.lastError();
        };
        String alert = d.kind() == AlertKind.DIGEST
                ? "weekly digest"
                : d.kind().apiName() + (d.scopeName() == null ? "" : " · " + d.scopeName());
        return new Delivery(
                alert,
                d.channelName() + (d.channelDeleted() ? " (deleted)" : ""),
                d.channelType(),
                d.status().dbName(),
                d.attempts(),
                d.lastAttemptAt() == null ? "–" : notices.time(d.lastAttemptAt()),
                detail);
    }
}
