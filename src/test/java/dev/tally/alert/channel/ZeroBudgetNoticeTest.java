package dev.tally.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.platform.TestStack;

/**
 * What people read of a $0 budget's alerts: a $0 budget has no share to reach, so its message says
 * what it means (no spend allowed, calls refused, downgraded from the start), never "100% reached" or
 * "spent $0.00 of its $0.00 budget".
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ZeroBudgetNoticeTest {

    static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant END = Instant.parse("2027-01-01T00:00:00Z");

    @Inject
    Notices notices;

    static Alert alert(AlertKind kind, int threshold, long spent, long limit) {
        return new Alert(
                "test:" + UUID.randomUUID(),
                kind,
                "team",
                UUID.randomUUID().toString(),
                "Platform",
                UUID.randomUUID(),
                threshold,
                spent,
                limit,
                null,
                null,
                START,
                END,
                "/budgets",
                START.plusSeconds(3600),
                null);
    }

    @Test
    void aZeroAlertBudgetsAlertSaysSpendWasNotAllowedNotThatAShareWasReached() {
        Notice n = notices.of(alert(AlertKind.THRESHOLD, 100, 1_230_000_000L, 0));
        assertThat(n.title()).isEqualTo("Spend under a $0 budget: Platform");
        assertThat(n.summary()).contains("has spent $1.23").contains("budget of $0, which allows no spend");
        assertThat(n.title() + n.summary()).doesNotContain("% reached").doesNotContain("of its $0.00");
    }

    @Test
    void aZeroBlockBudgetsAlertSaysItsCallsAreRefusedWithoutSpendingAnything() {
        Notice n = notices.of(alert(AlertKind.BLOCKED, 100, 0, 0));
        assertThat(n.title()).isEqualTo("Calls blocked by a $0 budget: Platform");
        assertThat(n.summary())
                .contains("has a budget of $0")
                .contains("the gateway refuses its new calls")
                .doesNotContain("has spent $0.00 of its $0.00");
    }

    @Test
    void aDowngradeFromTheStartSaysSoInsteadOfASpendOfNothing() {
        Notice zero = notices.of(alert(AlertKind.DOWNGRADED, 100, 0, 0));
        Notice fromZeroPercent = notices.of(alert(AlertKind.DOWNGRADED, 0, 0, 500_000_000_000L));
        for (Notice n : new Notice[] {zero, fromZeroPercent}) {
            assertThat(n.summary())
                    .contains("budget downgrades from the period's start, 1 Dec 2026")
                    .doesNotContain("has spent $0.00");
        }
        // a budget of some amount past a later point keeps its figures
        assertThat(notices.of(alert(AlertKind.DOWNGRADED, 80, 400_000_000_000L, 500_000_000_000L))
                        .summary())
                .contains("has spent $400.00 of its $500.00 budget");
        assertThat(notices.of(alert(AlertKind.THRESHOLD, 80, 400_000_000_000L, 500_000_000_000L))
                        .title())
                .isEqualTo("Budget 80% reached: Platform");
    }
}
