package dev.tally.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.tally.events.UsageData;
import dev.tally.gateway.admission.RefusalReason;

/**
 * Prometheus metrics of the gateway: {@code tally_gateway_requests_total},
 * {@code tally_gateway_request_seconds}, {@code tally_gateway_upstream_seconds} (to the provider's
 * response head), {@code tally_gateway_tokens_total} (by kind) and
 * {@code tally_gateway_cost_nanodollars_total}, by team and model, and
 * {@code tally_gateway_query_params_dropped_total} by API; the model is one that
 * {@link ModelNames} lets be a label. Calls refused for want of a valid key, which are not recorded
 * as usage: {@code tally_gateway_unauthenticated_total} (reason: missing, malformed, unknown; status:
 * 401, or 429 when the address was throttled). Providers' usage reports that were refused:
 * {@code tally_gateway_invalid_usage_total} (provider, problem). Meters are looked up once per tag
 * combination and then kept, since this runs on the event loop for every call.
 */
@Singleton // no client proxy: called on every gateway request
public class GatewayMetrics {

    /**
     * A meter set's tags. Not a record: a record's equals and hashCode run through method handles
     * (ObjectMethods), which cost an allocation and several indirect calls per call wherever the
     * JIT has not inlined them yet (a cold gateway, a warm-up, a call after an idle spell); these are
     * plain field comparisons.
     */
    private static final class Key {
        final String team;
        final String model;
        final String api;
        final String outcome;
        private final int hash;

        Key(String team, String model, String api, String outcome) {
            this.team = team;
            this.model = model;
            this.api = api;
            this.outcome = outcome;
            this.hash = ((Objects.hashCode(team) * 31 + model.hashCode()) * 31 + Objects.hashCode(api)) * 31
                    + Objects.hashCode(outcome);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && hash == k.hash
                    && model.equals(k.model)
                    && Objects.equals(team, k.team)
                    && Objects.equals(api, k.api)
                    && Objects.equals(outcome, k.outcome);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record Meters(
            Counter requests,
            Timer latency,
            Counter input,
            Counter output,
            Counter cacheRead,
            Counter cacheWrite,
            Counter reasoning,
            Counter cost) {}

    /** Model names come from clients; past this many combinations they are folded into "other". */
    private static final int MAX_SERIES = 5_000;

    private final MeterRegistry registry;
    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();
    private final Map<String, Timer> upstream = new ConcurrentHashMap<>();
    private final Map<Api, Counter> droppedParams = new ConcurrentHashMap<>();
    private final Map<String, Counter> unauthenticated = new ConcurrentHashMap<>();
    private final Map<String, Counter> invalidUsage = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(UsageData u, long latencyNanos) {
        Key key = new Key(u.teamId(), u.model() == null ? "none" : u.model(), u.api(), u.outcome());
        Meters m = meters.get(key);
        if (m == null) {
            if (meters.size() >= MAX_SERIES) {
                key = new Key(u.teamId(), "other", u.api(), u.outcome());
            }
            m = meters.computeIfAbsent(key, this::create);
        }
        m.requests.increment();
        m.latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        add(m.input, u.inputTokens());
        add(m.output, u.outputTokens());
        add(m.cacheRead, u.cacheReadTokens());
        add(m.cacheWrite, u.cacheWriteTokens());
        add(m.reasoning, u.reasoningTokens());
        if (u.costNanos() != null) {
            add(m.cost, u.costNanos());
        }
    }

    /**
     * Calls this gateway has ended since start: those recorded as usage (answered, failed or refused)
     * and those refused for want of a valid key. Summed from the counters above, so a caller that
     * samples it (the aggregator's pacing, once a second at most) adds nothing to a call's own work.
     */
    public long calls() {
        double n = 0;
        for (Meters m : meters.values()) {
            n += m.requests.count();
        }
        for (Counter c : unauthenticated.values()) {
            n += c.count();
        }
        return (long) n;
    }

    /** Query parameters of calls to {@code api} that were not forwarded (not in the allow-list). */
    void queryParamsDropped(Api api, int n) {
        droppedParams
                .computeIfAbsent(
                        api,
                        a -> Counter.builder("tally.gateway.query.params.dropped")
                                .description(
                                        "Query parameters not forwarded to the provider: not in tally.gateway.forward-query-params")
                                .tag("api", a.eventName)
                                .register(registry))
                .increment(n);
    }

    void upstream(String provider, long nanos) {
        upstream.computeIfAbsent(
                        provider,
                        p -> Timer.builder("tally.gateway.upstream")
                                .description("Time from sending a call to the provider to its response head")
                                .tag("provider", p)
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A call refused because its caller presented no valid key (bounded tags: a few reasons, two statuses). */
    void unauthenticated(RefusalReason reason, int status) {
        String why = switch (reason) {
            case MISSING_KEY -> "missing";
            case MALFORMED_KEY -> "malformed";
            case INVALID_KEY -> "unknown";
            default -> reason.name().toLowerCase(Locale.ROOT);
        };
        unauthenticated
                .computeIfAbsent(
                        why + status,
                        k -> Counter.builder("tally.gateway.unauthenticated")
                                .description("Calls refused without a valid key (not recorded as usage events)")
                                .tags("reason", why, "status", Integer.toString(status))
                                .register(registry))
                .increment();
    }

    /** A provider reported usage numbers that were refused (provider names are configured, so bounded). */
    void invalidUsage(String provider, UsageProblem problem) {
        String p = provider == null ? "none" : provider;
        invalidUsage
                .computeIfAbsent(
                        p + '/' + problem.label,
                        k -> Counter.builder("tally.gateway.invalid.usage")
                                .description(
                                        "Provider usage reports refused as impossible; the calls were recorded with estimates")
                                .tags("provider", p, "problem", problem.label)
                                .register(registry))
                .increment();
    }

    private static void add(Counter c, long n) {
        if (n > 0) {
            c.increment(n);
        }
    }

    private Meters create(Key k) {
        return new Meters(
                Counter.builder("tally.gateway.requests")
                        .description("Calls through the gateway")
                        .tags("team", k.team, "model", k.model, "api", k.api, "outcome", k.outcome)
                        .register(registry),
                Timer.builder("tally.gateway.request")
                        .description("Gateway call duration, to the last byte")
                        .tags("team", k.team, "model", k.model, "api", k.api, "outcome", k.outcome)
                        .register(registry),
                tokens(k, "input"),
                tokens(k, "output"),
                tokens(k, "cache_read"),
                tokens(k, "cache_write"),
                tokens(k, "reasoning"),
                Counter.builder("tally.gateway.cost.nanodollars")
                        .description("Cost of calls, USD x 10^9")
                        .tags("team", k.team, "model", k.model)
                        .register(registry));
    }

    private Counter tokens(Key k, String kind) {
        return Counter.builder("tally.gateway.tokens")
                .description("Tokens by kind (reasoning is part of output)")
                .tags("team", k.team, "model", k.model, "kind", kind)
                .register(registry);
    }
}
