package dev.tally.rollup;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import dev.tally.events.TokenKind;

/**
 * One summed column of every usage rollup table ({@code usage_daily}, {@code usage_team_day}, …):
 * its name and what one event adds to it. Defined once, here: the rollup writer
 * ({@link RollupStore}), the reports and the schema test read this list, so a new
 * {@link TokenKind} is a new measure without another edit. Each row also has its key columns.
 *
 * @param column   the bigint column
 * @param perEvent what one counted event adds
 */
public record UsageMeasure(String column, ToLongFunction<UsageEvent> perEvent) {

    public static final UsageMeasure REQUESTS = new UsageMeasure("requests", e -> 1);
    /** Calls that failed: the provider answered with an error, or the gateway refused them. */
    public static final UsageMeasure ERROR_REQUESTS = new UsageMeasure("error_requests", e -> e.error() ? 1 : 0);
    /** Nano-dollars, priced calls only. */
    public static final UsageMeasure COST_NANOS = new UsageMeasure("cost_nanos", e -> e.priced() ? e.costNanos() : 0);
    /** Calls of a model without a price: shown apart, never as $0. */
    public static final UsageMeasure UNPRICED_REQUESTS = new UsageMeasure("unpriced_requests", e -> e.priced() ? 0 : 1);

    public static final UsageMeasure UNPRICED_TOKENS =
            new UsageMeasure("unpriced_tokens", e -> e.priced() ? 0 : e.billableTokens());

    private static final List<UsageMeasure> TOKENS = TokenKind.ALL.stream()
            .map(k -> new UsageMeasure(k.column(), e -> e.tokens(k)))
            .toList();

    /** Every measure, in the order of the tables' columns (which the code never relies on). */
    public static final List<UsageMeasure> ALL = all();

    private static List<UsageMeasure> all() {
        List<UsageMeasure> all = new ArrayList<>(List.of(REQUESTS, ERROR_REQUESTS));
        all.addAll(TOKENS);
        all.addAll(List.of(COST_NANOS, UNPRICED_REQUESTS, UNPRICED_TOKENS));
        return List.copyOf(all);
    }

    /** The measure of one token kind. */
    public static UsageMeasure tokens(TokenKind kind) {
        return TOKENS.get(kind.ordinal());
    }

    /** Position in {@link #ALL}: the index of this measure in a {@link UsageSums}. */
    public int index() {
        for (int i = 0; i < ALL.size(); i++) {
            if (ALL.get(i) == this) { // the constants are the only instances: no record equals on the hot path
                return i;
            }
        }
        throw new IllegalStateException(column + " is not one of UsageMeasure.ALL");
    }

    /** {@code sum(requests) AS requests, sum(error_requests) AS error_requests, …} for a report query. */
    public static String sums() {
        return ALL.stream().map(m -> "sum(" + m.column + ") AS " + m.column).collect(Collectors.joining(", "));
    }

    /** {@code requests, error_requests, …}. */
    public static String columns() {
        return ALL.stream().map(UsageMeasure::column).collect(Collectors.joining(", "));
    }
}
