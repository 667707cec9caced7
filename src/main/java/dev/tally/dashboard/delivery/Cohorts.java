package dev.tally.dashboard.delivery;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Throughput by AI-usage cohort, and the confounders of the AI-assisted comparison. A person belongs to
 * a scope's cohorts when they authored at least one of its merged PRs in the period: the same rule for
 * every cohort, so no cohort gains by whom it leaves out (people who merged nothing are in none).
 */
public final class Cohorts {

    private Cohorts() {}

    /** One row per cohort, in order, empty cohorts included (their emptiness is information too). */
    public static List<CohortRow> rows(List<PrRecord> prs, Map<UUID, Long> calls, long days, DeliveryConfig config) {
        Map<UUID, int[]> byPerson = new LinkedHashMap<>();
        for (PrRecord p : prs) {
            if (p.employeeId() != null) {
                int[] n = byPerson.computeIfAbsent(p.employeeId(), k -> new int[2]);
                n[0]++;
                n[1] += p.aiAssisted() ? 1 : 0;
            }
        }
        Map<Cohort, List<int[]>> members = new EnumMap<>(Cohort.class);
        for (Cohort c : Cohort.values()) {
            members.put(c, new ArrayList<>());
        }
        byPerson.forEach((person, n) -> members.get(Cohort.of(calls.getOrDefault(person, 0L), days, config))
                .add(n));
        List<CohortRow> out = new ArrayList<>();
        for (Cohort c : Cohort.values()) {
            List<int[]> m = members.get(c);
            double[] perWeek = m.stream().mapToDouble(n -> n[0] * 7.0 / days).toArray();
            out.add(new CohortRow(
                    c,
                    c.range(config),
                    m.size(),
                    m.stream().mapToInt(n -> n[0]).sum(),
                    m.stream().mapToInt(n -> n[1]).sum(),
                    DeliveryMetrics.quantile(perWeek, 0.5, config.minSample())));
        }
        return out;
    }

    public static Confounders confounders(List<PrRecord> prs) {
        Set<String> authorsAi = new HashSet<>();
        Set<String> authorsOther = new HashSet<>();
        Map<String, int[]> byRepo = new HashMap<>();
        int ai = 0;
        int other = 0;
        for (PrRecord p : prs) {
            String author = p.employeeId() != null ? p.employeeId().toString() : p.author();
            int[] n = byRepo.computeIfAbsent(p.repository(), k -> new int[2]);
            if (p.aiAssisted()) {
                ai++;
                n[0]++;
                if (author != null) {
                    authorsAi.add(author);
                }
            } else {
                other++;
                n[1]++;
                if (author != null) {
                    authorsOther.add(author);
                }
            }
        }
        String top = null;
        int topCount = 0;
        for (Map.Entry<String, int[]> e : byRepo.entrySet()) {
            int count = e.getValue()[0] + e.getValue()[1];
            if (count > topCount
                    || count == topCount && top != null && e.getKey().compareTo(top) < 0) {
                top = e.getKey();
                topCount = count;
            }
        }
        int[] t = top == null ? new int[2] : byRepo.get(top);
        return new Confounders(
                DeliveryMetrics.figure(
                                DeliveryMetric.SIZE_MEDIAN,
                                prs.stream().filter(PrRecord::aiAssisted).toList(),
                                1)
                        .value(),
                DeliveryMetrics.figure(
                                DeliveryMetric.SIZE_MEDIAN,
                                prs.stream().filter(p -> !p.aiAssisted()).toList(),
                                1)
                        .value(),
                authorsAi.size(),
                authorsOther.size(),
                (int) byRepo.values().stream().filter(n -> n[0] > 0).count(),
                (int) byRepo.values().stream().filter(n -> n[1] > 0).count(),
                top,
                ai == 0 ? null : 100.0 * t[0] / ai,
                other == 0 ? null : 100.0 * t[1] / other);
    }
}
