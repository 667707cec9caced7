package dev.tally.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.tally.alert.channel.SmtpServer;
import dev.tally.gateway.FakeProvider;
import dev.tally.outcomes.FakeGitHubApi;

/**
 * What a Quarkus test needs unless it tests a configuration of its own, as one test resource: the
 * embedded broker and database ({@link TallyServices}), the fake LLM provider ({@link FakeProvider}),
 * the fake GitHub API ({@link FakeGitHubApi}) and a real SMTP server ({@link SmtpServer}).
 *
 * <p>Quarkus runs one application per distinct set of test resources and test profile, and prepares
 * every one of them when it discovers the tests, then restarts between them. Classes that each
 * named only the parts they used were four applications; one shared set makes them one. A class
 * that needs other configuration (a profile, other limits, Keycloak) names its own resources and is
 * an application of its own (docs/testing.md).
 *
 * <p>Use it as {@code @WithTestResource(TestStack.class)}.
 */
public class TestStack implements QuarkusTestResourceLifecycleManager {

    private final List<QuarkusTestResourceLifecycleManager> parts =
            List.of(new TallyServices(), new FakeProvider(), new FakeGitHubApi(), new SmtpServer());
    private final List<QuarkusTestResourceLifecycleManager> started = new ArrayList<>();

    @Override
    public synchronized Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        for (QuarkusTestResourceLifecycleManager part : parts) {
            Map<String, String> own = part.start();
            started.add(part);
            for (Map.Entry<String, String> e : own.entrySet()) {
                String before = config.put(e.getKey(), e.getValue());
                if (before != null && !before.equals(e.getValue())) {
                    throw new IllegalStateException(part.getClass().getSimpleName() + " sets " + e.getKey()
                            + " that another part of the stack set already");
                }
            }
        }
        return config;
    }

    @Override
    public synchronized void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        started.clear();
    }
}
