package dev.tally.dashboard.delivery;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Week by week, the share of people using AI beside throughput and cycle time: seven-day windows
 * counted back from the period's last day, so every point is a whole week (none is cut short by the
 * calendar), oldest first.
 */
public final class Trend {

    private Trend() {}

    /**
     * @param prs     merged PRs covering at least the trend's weeks
     * @param aiUsers people with gateway calls per window, window 0 ending on {@code last}
     * @param people  the scope's people per window: its members during it and anyone else with calls for it
     * @param start   the first instant of a day in the organisation's zone
     */
    public static List<TrendWeek> weeks(
            List<PrRecord> prs,
            int[] aiUsers,
            int[] people,
            LocalDate last,
            int weeks,
            Function<LocalDate, Instant> start,
            int minSample) {
        List<TrendWeek> out = new ArrayList<>();
        for (int w = weeks - 1; w >= 0; w--) {
            LocalDate to = last.minusDays(7L * w);
            LocalDate from = to.minusDays(6);
            Instant a = start.apply(from);
            Instant b = start.apply(to.plusDays(1));
            List<PrRecord> in = prs.stream()
                    .filter(p -> !p.mergedAt().isBefore(a) && p.mergedAt().isBefore(b))
                    .toList();
            Set<UUID> authors = new HashSet<>();
            in.stream().map(PrRecord::employeeId).filter(e -> e != null).forEach(authors::add);
            int users = aiUsers[w];
            int n = people[w];
            out.add(new TrendWeek(
                    from,
                    to,
                    n,
                    users,
                    n == 0 ? null : 100.0 * users / n,
                    in.size(),
                    (int) in.stream().filter(PrRecord::aiAssisted).count(),
                    authors.size(),
                    authors.isEmpty()
                            ? null
                            : (double) in.stream()
                                            .filter(p -> p.employeeId() != null)
                                            .count()
                                    / authors.size(),
                    DeliveryMetrics.figure(DeliveryMetric.CYCLE_MEDIAN, in, minSample)));
        }
        return out;
    }
}
