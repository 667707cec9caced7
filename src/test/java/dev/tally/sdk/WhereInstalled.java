package dev.tally.sdk;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle the tests of a real client share: where the client is not installed each test is
 * skipped with the reason (per test rather than per class, so that each one is reported with it);
 * where it is, {@link #events()} reads {@code tally.usage.v1} from the class's start and is closed
 * at its end. Register it as a static field: {@code @RegisterExtension static final WhereInstalled
 * CLI = new WhereInstalled(ClaudeCli::missing);}.
 */
final class WhereInstalled implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final Supplier<String> missing;
    private String why;
    private UsageTopic events;

    /** {@code missing} says what is not installed, or {@code null} when everything is. */
    WhereInstalled(Supplier<String> missing) {
        this.missing = missing;
    }

    /** The usage events produced since the class started; only inside its (not skipped) tests. */
    UsageTopic events() {
        return events;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        why = missing.get();
        if (why == null) {
            events = new UsageTopic();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assumeTrue(why == null, why);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (events != null) {
            events.close();
            events = null;
        }
    }
}
