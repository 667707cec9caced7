package dev.tally.gateway;

import java.util.UUID;

import dev.tally.events.UsageData;

/**
 * Counts calls in {@link GatewayMetrics} as the gateway does when it ends them, for tests outside its
 * package that need a busy gateway's counters without driving the load (an instance without the
 * gateway role, for one).
 */
public final class GatewayCalls {

    private GatewayCalls() {}

    /** {@code n} answered chat calls of one random team, as recorded at their end. */
    public static void record(GatewayMetrics metrics, int n) {
        UsageData call = call(UUID.randomUUID().toString(), "gpt-4o-mini");
        for (int i = 0; i < n; i++) {
            metrics.record(call, 1_000_000L);
        }
    }

    static UsageData call(String team, String model) {
        return new UsageData(
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                null,
                team,
                "openai",
                model,
                Api.CHAT_COMPLETIONS.eventName,
                false,
                200,
                UsageData.OUTCOME_OK,
                10,
                5,
                0,
                0,
                0,
                1_000L,
                true,
                false,
                1,
                null,
                null);
    }
}
