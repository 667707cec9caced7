package dev.tally.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** How the pages show a budget's status (plain JUnit: the status is given). */
class BudgetRowTest {

    private static BudgetStatus status(BudgetMode mode, long spent, long limit, Double percent, BudgetState state) {
        // a downgrade budget from its amount (fromPercent 100), as by default
        return status(mode, spent, limit, percent, state, mode == BudgetMode.DOWNGRADE ? limit : null);
    }

    private static BudgetStatus status(
            BudgetMode mode, long spent, long limit, Double percent, BudgetState state, Long downgradeFrom) {
        OffsetDateTime start = OffsetDateTime.of(2026, 12, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        return new BudgetStatus(
                UUID.randomUUID(),
                "Zero",
                Scope.TEAM,
                UUID.randomUUID().toString(),
                "Platform",
                Period.MONTH,
                mode,
                spent,
                limit,
                null,
                null,
                percent,
                start,
                start.plusMonths(1),
                state,
                0,
                downgradeFrom,
                "/budgets");
    }

    @Test
    void aZeroBlockBudgetShowsItsCallsRefusedWithAFullBar() {
        BudgetRow row = BudgetRow.of(status(BudgetMode.BLOCK, 0, 0, null, BudgetState.EXCEEDED));
        assertThat(row.state()).isEqualTo("exceeded");
        assertThat(row.stateLabel()).isEqualTo("spent: calls refused");
        assertThat(row.barPercent()).isEqualTo(100);
        assertThat(row.percentLabel()).isEqualTo("–");
    }

    @Test
    void aZeroDowngradeBudgetShowsItIsDowngradingWithAFullBar() {
        BudgetRow row = BudgetRow.of(status(BudgetMode.DOWNGRADE, 0, 0, null, BudgetState.EXCEEDED));
        assertThat(row.state()).isEqualTo("exceeded");
        assertThat(row.stateLabel()).isEqualTo("spent: downgrading");
        assertThat(row.barPercent()).isEqualTo(100);
        assertThat(row.percentLabel()).isEqualTo("–");
    }

    @Test
    void aDowngradeBudgetPastItsPointButUnderItsAmountShowsDowngradingWithItsShare() {
        BudgetRow row = BudgetRow.of(status(BudgetMode.DOWNGRADE, 283_200, 500_000, 56.6, BudgetState.DOWNGRADING));
        assertThat(row.state()).isEqualTo("downgrading");
        assertThat(row.stateLabel()).isEqualTo("downgrading");
        assertThat(row.barPercent()).isEqualTo(57);
        assertThat(row.percentLabel()).isEqualTo("56.6 %");
    }

    @Test
    void aDowngradeBudgetOverItsAmountButUnderAPointAbove100PercentIsOverBudgetNotDowngrading() {
        // fromPercent 150 of $5: at $6 spent it is over its amount, and the gateways do not downgrade yet
        BudgetRow row =
                BudgetRow.of(status(BudgetMode.DOWNGRADE, 600_000, 500_000, 120.0, BudgetState.EXCEEDED, 750_000L));
        assertThat(row.state()).isEqualTo("exceeded");
        assertThat(row.stateLabel()).isEqualTo("over budget");
        BudgetRow past =
                BudgetRow.of(status(BudgetMode.DOWNGRADE, 800_000, 500_000, 160.0, BudgetState.EXCEEDED, 750_000L));
        assertThat(past.stateLabel()).isEqualTo("spent: downgrading");
    }

    @Test
    void aZeroAlertBudgetWithNothingSpentShowsAnEmptyBar() {
        BudgetRow row = BudgetRow.of(status(BudgetMode.ALERT, 0, 0, null, BudgetState.OK));
        assertThat(row.stateLabel()).isEqualTo("on track");
        assertThat(row.barPercent()).isZero();
    }
}
