package dev.tally.gateway;

import java.time.Clock;

import jakarta.inject.Singleton;

import dev.tally.events.CallOutcome;
import dev.tally.events.CloudEvent;
import dev.tally.events.EventPublisher;
import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.gateway.admission.RefusalReason;
import dev.tally.pricing.Price;
import dev.tally.pricing.PriceService;

/**
 * Turns a finished call into its one {@code dev.tally.usage.v1} event (id = request id, subject =
 * team id), prices it and hands it to the publisher, which never waits on Kafka.
 */
@Singleton // no client proxy: called on every gateway request
public class UsageRecorder {

    static final String SOURCE = "/tally/gateway";

    private final EventPublisher publisher;
    private final PriceService prices;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public UsageRecorder(EventPublisher publisher, PriceService prices, GatewayMetrics metrics, Clock clock) {
        this.publisher = publisher;
        this.prices = prices;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Everything the event says about a call, gathered by the proxy. {@code model} is the model
     * called and priced; {@code downgradedFrom} the one the client asked for when admission changed it.
     */
    record CallFacts(
            String requestId,
            String keyId,
            String employeeId,
            String teamId,
            String provider,
            String model,
            String downgradedFrom,
            Api api,
            boolean stream,
            int status,
            CallOutcome outcome,
            RefusalReason refusal,
            Usage usage,
            long latencyNanos,
            Long ttftMs,
            String workload,
            String runId,
            String client) {}

    UsageData record(CallFacts f) {
        Usage u = f.usage();
        Long cost;
        boolean priced;
        if (!f.api().billed) {
            // count_tokens is free at the provider: zero tokens billed, a known price of $0
            cost = 0L;
            priced = true;
        } else {
            Price price = prices.price(f.model());
            priced = price != null;
            cost = priced ? price.cost(u.input, u.output, u.cacheRead, u.cacheWrite, u.cacheWrite1h) : null;
        }
        boolean billed = f.api().billed;
        UsageData data = new UsageData(
                f.requestId(),
                f.keyId(),
                f.employeeId(),
                f.teamId(),
                f.provider(),
                f.model(),
                f.api().eventName,
                f.stream(),
                f.status(),
                f.outcome().json,
                billed ? u.input : 0,
                billed ? u.output : 0,
                billed ? u.cacheRead : 0,
                billed ? u.cacheWrite : 0,
                billed ? u.reasoning : 0,
                cost,
                priced,
                u.estimated,
                f.latencyNanos() / 1_000_000L,
                f.ttftMs(),
                f.downgradedFrom(),
                f.refusal() == null ? null : f.refusal().wire,
                f.workload(),
                f.runId(),
                f.client());
        publisher.publish(
                Topics.USAGE,
                CloudEvent.of(f.requestId(), SOURCE, CloudEvent.USAGE_TYPE, f.teamId(), clock.instant(), data));
        metrics.record(data, f.latencyNanos());
        return data;
    }
}
