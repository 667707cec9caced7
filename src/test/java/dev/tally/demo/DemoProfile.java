package dev.tally.demo;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The demo's application, for {@code DemoTest} and {@code SimulatedProviderTest}: one application
 * instead of two (each further one costs the suite about 12 s, docs/testing.md). The demo implies
 * the simulated provider, and both tests are about it.
 *
 * <p>A short history (the live part is what {@code DemoTest} is about) and brisk live traffic. Live
 * outcomes at 2,000 times a day's pace (an hour of outcomes every 2 s): faster, and on a loaded
 * machine the days of outcomes added while the test runs pushed every team past break-even before it
 * looked. The providers point at a closed port: nothing may reach an upstream, so a call the
 * simulated provider did not answer fails instead of passing unnoticed.
 *
 * <p>Use it as {@code @WithTestResource(TallyServices.class) @TestProfile(DemoProfile.class)}.
 */
public class DemoProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tally.demo.enabled",
                "true",
                "tally.demo.history-days",
                "7",
                "tally.demo.call-interval",
                "20ms",
                "tally.demo.outcome-interval",
                "500ms",
                "tally.demo.live-speedup",
                "2000",
                "tally.providers.openai.base-url",
                "http://127.0.0.1:9/v1",
                "tally.providers.anthropic.base-url",
                "http://127.0.0.1:9");
    }
}
