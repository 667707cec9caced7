package dev.tally.budget;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.tally.platform.time.OrgCalendar;

/**
 * A budget as stored. {@code scopeId}: the team, employee or key id, the department's name, null for
 * the org. Money in nano-dollars; thresholds in percent of the amount (100 = the amount itself).
 *
 * @param downgradeFromPercent for {@link BudgetMode#DOWNGRADE}: the percentage of the amount from
 *                             which {@code downgrades} apply
 * @param spike                null when the budget watches for no spikes
 */
public record Budget(
        UUID id,
        String name,
        Scope scope,
        String scopeId,
        Period period,
        long amountNanos,
        BudgetMode mode,
        List<Integer> thresholds,
        int downgradeFromPercent,
        List<Downgrade> downgrades,
        UnpricedPolicy unpriced,
        List<UUID> channelIds,
        SpikeRule spike,
        Instant updatedAt) {

    /** The period containing {@code now}, in the organisation's zone. */
    public OrgCalendar.Span span(OrgCalendar calendar, Instant now) {
        return calendar.span(period.unit, now);
    }

    /** The spend from which a downgrade applies (at least 0; saturates instead of wrapping). */
    public long downgradeFromNanos() {
        return percentOf(amountNanos, downgradeFromPercent);
    }

    /**
     * The model a call for {@code model} is routed to while downgraded, or null when no rule lists it
     * (or the call names no model: the Responses API's calls on a stored response).
     */
    public String downgradeTarget(String model) {
        if (model == null) {
            return null;
        }
        for (Downgrade d : downgrades) {
            if (d.matches(model)) {
                return d.target();
            }
        }
        return null;
    }

    /** {@code percent} % of {@code amount}, rounded up so that 100 % is the amount itself. */
    public static long percentOf(long amount, int percent) {
        long whole = amount / 100;
        long rest = amount % 100;
        try {
            // multiplyHigh alone misses a product in [2^63, 2^64): its high word is 0, its low one negative
            return Math.addExact(Math.multiplyExact(whole, percent), (rest * percent + 99) / 100);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }
}
