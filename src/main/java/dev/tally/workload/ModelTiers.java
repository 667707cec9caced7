package dev.tally.workload;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import dev.tally.pricing.Price;
import dev.tally.workload.WorkloadReport.Tiers;

/**
 * The advisor pattern in numbers (docs/workloads.md, "Model tiers and escalations"): which share of a
 * workload's spend went to its cheapest model tier and which to its dearest, and which runs moved from
 * a cheaper model to a dearer one. A model's tier is its list price: input plus output nano-dollars per
 * million tokens, as priced now (overrides included). An unpriced model has no tier.
 */
final class ModelTiers {

    /** One model of one run: its calls and its first call. */
    record RunModel(String model, long requests, Instant firstAt) {}

    private ModelTiers() {}

    /** The rank of a price: list input + output per million tokens; null for an unpriced model. */
    static Long rank(Price p) {
        return p == null ? null : p.rates().input() + p.rates().output();
    }

    /**
     * The tiers of one workload from its spend per model; shares of {@code pricedSpendNanos}, four
     * decimals. With fewer than two priced price levels there is nothing to compare: no models, null shares.
     */
    static Tiers of(
            Map<String, Long> spendByModel,
            long pricedSpendNanos,
            Function<String, Long> rank,
            long escalatedRuns,
            long escalatedCalls) {
        TreeSet<Long> levels = new TreeSet<>();
        for (String m : spendByModel.keySet()) {
            Long r = rank.apply(m);
            if (r != null) {
                levels.add(r);
            }
        }
        if (levels.size() < 2) {
            return new Tiers(List.of(), null, List.of(), null, escalatedRuns, escalatedCalls);
        }
        List<String> cheapest = new ArrayList<>();
        List<String> dearest = new ArrayList<>();
        long cheapSpend = 0;
        long dearSpend = 0;
        for (Map.Entry<String, Long> e : spendByModel.entrySet()) {
            Long r = rank.apply(e.getKey());
            if (r != null && r.equals(levels.first())) {
                cheapest.add(e.getKey());
                cheapSpend += e.getValue();
            } else if (r != null && r.equals(levels.last())) {
                dearest.add(e.getKey());
                dearSpend += e.getValue();
            }
        }
        cheapest.sort(Comparator.naturalOrder());
        dearest.sort(Comparator.naturalOrder());
        return new Tiers(
                cheapest,
                share(cheapSpend, pricedSpendNanos),
                dearest,
                share(dearSpend, pricedSpendNanos),
                escalatedRuns,
                escalatedCalls);
    }

    /**
     * The calls of a run on models dearer than the model of its first call (ties: the cheaper model
     * first); 0 when that model is unpriced, since nothing can be said to be dearer than it.
     */
    static long escalatedCalls(List<RunModel> models, Function<String, Long> rank) {
        RunModel first = null;
        for (RunModel m : models) {
            if (first == null
                    || m.firstAt().isBefore(first.firstAt())
                    || m.firstAt().equals(first.firstAt()) && cheaper(m, first, rank)) {
                first = m;
            }
        }
        Long start = first == null ? null : rank.apply(first.model());
        if (start == null) {
            return 0;
        }
        long calls = 0;
        for (RunModel m : models) {
            Long r = rank.apply(m.model());
            if (r != null && r > start) {
                calls += m.requests();
            }
        }
        return calls;
    }

    private static boolean cheaper(RunModel a, RunModel b, Function<String, Long> rank) {
        Long ra = rank.apply(a.model());
        Long rb = rank.apply(b.model());
        return ra != null && (rb == null || ra < rb);
    }

    private static BigDecimal share(long part, long whole) {
        return whole <= 0 ? null : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
    }
}
