package dev.tally.budget;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

import dev.tally.platform.time.OrgCalendar;

/**
 * Every budget in its current period, from the rolled-up spend (exact: the sum of the counted
 * events). The budgets report and page read it; the alerts are evaluated on it.
 */
@Singleton
public class BudgetStatusService {

    private final DataSource dataSource;
    private final BudgetStore store;
    private final OrgCalendar calendar;
    private final BudgetConfig config;

    public BudgetStatusService(DataSource dataSource, BudgetStore store, OrgCalendar calendar, BudgetConfig config) {
        this.dataSource = dataSource;
        this.store = store;
        this.calendar = calendar;
        this.config = config;
    }

    /** Every budget's status now. */
    public List<BudgetStatus> current() {
        return at(calendar.clock().instant());
    }

    /** Every budget's status at {@code now}: its period then, and the spend of that period so far. */
    public List<BudgetStatus> at(Instant now) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return current(c, store.all(c), now);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading budget status: " + e.getMessage(), e);
        }
    }

    /** The statuses of {@code budgets} at {@code now}, in the caller's transaction. */
    public List<BudgetStatus> current(Connection c, List<Budget> budgets, Instant now) throws SQLException {
        List<BudgetSpend.Ask> asks = new ArrayList<>(budgets.size());
        List<OrgCalendar.Span> spans = new ArrayList<>(budgets.size());
        for (Budget b : budgets) {
            OrgCalendar.Span s = b.span(calendar, now);
            spans.add(s);
            asks.add(new BudgetSpend.Ask(
                    b.id(), b.scope(), b.scopeId(), s.first(), s.last().plusDays(1)));
        }
        Map<UUID, BudgetSpend.Spent> spent = BudgetSpend.read(c, asks);
        Map<UUID, ScopeNames.Named> names = ScopeNames.of(c, budgets);
        List<BudgetStatus> out = new ArrayList<>(budgets.size());
        for (int i = 0; i < budgets.size(); i++) {
            Budget b = budgets.get(i);
            out.add(status(
                    b, spans.get(i), spent.getOrDefault(b.id(), BudgetSpend.Spent.NONE), names.get(b.id()), now));
        }
        return out;
    }

    BudgetStatus status(Budget b, OrgCalendar.Span span, BudgetSpend.Spent spent, ScopeNames.Named named, Instant now) {
        long s = spent.costNanos();
        long limit = b.amountNanos();
        Projection p = Projection.of(s, limit, span.start(), span.end(), now, config.projectMinElapsedPercent());
        BudgetState state;
        // a $0 block budget allows no spend and a $0 downgrade budget is past its point: each acts from
        // the period's start (refusing, downgrading), so each is exceeded from then (a $0 alert budget
        // is exceeded by the first spend)
        if (s >= limit && (limit > 0 || s > 0 || b.mode() != BudgetMode.ALERT)) {
            state = BudgetState.EXCEEDED;
        } else if (b.mode() == BudgetMode.DOWNGRADE && s >= b.downgradeFromNanos()) {
            // past its point the gateways downgrade its calls (EnforcedBudget#downgrading, the same rule):
            // that is what finance needs to read, more than a threshold crossed
            state = BudgetState.DOWNGRADING;
        } else if ((p != null && p.projectedNanos() > limit)
                || b.thresholds().stream().anyMatch(t -> t < 100 && s >= Budget.percentOf(limit, t) && s > 0)) {
            state = BudgetState.WARNING;
        } else {
            state = BudgetState.OK;
        }
        Double percent = limit == 0 ? null : Math.round(s * 1000.0 / limit) / 10.0;
        ZoneId zone = calendar.zone();
        return new BudgetStatus(
                b.id(),
                b.name(),
                b.scope(),
                b.scopeId(),
                named.name(),
                b.period(),
                b.mode(),
                s,
                limit,
                p == null ? null : p.projectedNanos(),
                p == null || p.exhaustedAt() == null ? null : OffsetDateTime.ofInstant(p.exhaustedAt(), zone),
                percent,
                OffsetDateTime.ofInstant(span.start(), zone),
                OffsetDateTime.ofInstant(span.end(), zone),
                state,
                spent.unpricedCalls(),
                b.mode() == BudgetMode.DOWNGRADE ? b.downgradeFromNanos() : null,
                named.link());
    }
}
