package dev.tally.dashboard.report;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import dev.tally.dashboard.roi.Metrics;
import dev.tally.dashboard.roi.RoiModel;
import dev.tally.events.OutcomeKind;
import dev.tally.events.TokenKind;
import dev.tally.rollup.UsageMeasure;
import dev.tally.rollup.UsageSums;

/** Mutable sums of one group while a report is read; becomes an immutable {@link Metrics}. */
final class Acc {

    final UsageSums usage = new UsageSums();
    private final long[] outcomes = new long[OutcomeKind.ALL.size()];
    private long prsAi;
    private long value;
    /** The people who made calls for this group in the period (its active users). */
    final Set<UUID> active = new HashSet<>();

    void add(Acc o) {
        usage.add(o.usage);
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] += o.outcomes[i];
        }
        prsAi += o.prsAi;
        value += o.value;
    }

    /**
     * One outcome group, columns by name: kind, ai_assisted, severity, outcomes, explicit_outcomes,
     * explicit_hours; its value comes from the ROI model.
     */
    void outcomes(RoiModel roi, ResultSet rs) throws SQLException {
        outcomes(
                roi,
                rs.getString("kind"),
                rs.getBoolean("ai_assisted"),
                rs.getString("severity"),
                rs.getLong("outcomes"),
                rs.getLong("explicit_outcomes"),
                rs.getBigDecimal("explicit_hours"));
    }

    /**
     * One group of {@code n} outcomes of a kind, AI flag and severity, {@code explicit} of which carried
     * their own hours; valued once for the whole group (the ROI model rounds to the nano-dollar).
     */
    void outcomes(RoiModel roi, String kind, boolean ai, String severity, long n, long explicit, BigDecimal hours) {
        OutcomeKind builtIn = OutcomeKind.fromWire(kind);
        if (builtIn != null) {
            outcomes[builtIn.ordinal()] += n;
            if (builtIn == OutcomeKind.PR_MERGED && ai) {
                prsAi += n;
            }
        }
        value = RoiModel.addValues(value, roi.valueNanos(kind, ai, severity, n, explicit, hours));
    }

    private long count(OutcomeKind k) {
        return outcomes[k.ordinal()];
    }

    /**
     * Those active for the group in the period who were not its members then (calls that went to a team
     * the person had left, or an id the employee table never held): with the members, the group's
     * people, so adoption never passes 100 %. Usually empty.
     */
    Set<UUID> outside(Predicate<UUID> member) {
        Set<UUID> out = new HashSet<>();
        for (UUID p : active) {
            if (!member.test(p)) {
                out.add(p);
            }
        }
        return out;
    }

    Metrics toMetrics(long employees) {
        return new Metrics(
                usage.get(UsageMeasure.COST_NANOS),
                usage.get(UsageMeasure.REQUESTS),
                usage.get(UsageMeasure.ERROR_REQUESTS),
                tokens(TokenKind.INPUT),
                tokens(TokenKind.OUTPUT),
                tokens(TokenKind.CACHE_READ),
                tokens(TokenKind.CACHE_WRITE),
                tokens(TokenKind.REASONING),
                usage.get(UsageMeasure.UNPRICED_REQUESTS),
                usage.get(UsageMeasure.UNPRICED_TOKENS),
                active.size(),
                employees,
                count(OutcomeKind.PR_MERGED),
                prsAi,
                count(OutcomeKind.BUG_CAUGHT),
                count(OutcomeKind.SECURITY_FINDING),
                count(OutcomeKind.TASK_AUTOMATED),
                value);
    }

    private long tokens(TokenKind k) {
        return usage.get(UsageMeasure.tokens(k));
    }
}
