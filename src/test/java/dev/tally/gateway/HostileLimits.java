package dev.tally.gateway;

import java.util.HashMap;
import java.util.Map;

/**
 * The fake provider with the gateway limits {@link HostileInputTest} runs against: short enough
 * that a test reaches them in a second or two. The first-byte timeout is long, so that a call the
 * fake provider never answers ({@code -hold}) stays in flight until its client leaves.
 */
public class HostileLimits extends FakeProvider {

    static final int INVALID_KEY_BURST = 5;
    static final int BODY_TIMEOUT_MS = 1500;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.putAll(Map.of(
                "tally.gateway.max-body-size", "2M",
                "tally.gateway.body-timeout", BODY_TIMEOUT_MS + "ms",
                "tally.gateway.first-byte-timeout", "60s",
                "tally.gateway.max-call-duration", "3s",
                "tally.gateway.invalid-key-burst", Integer.toString(INVALID_KEY_BURST),
                "tally.gateway.invalid-keys-per-minute", "1"));
        return config;
    }
}
