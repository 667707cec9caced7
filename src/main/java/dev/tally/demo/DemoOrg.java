package dev.tally.demo;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import dev.tally.demo.DemoModels.Family;

/**
 * The demo organisation: eight teams in engineering and non-engineering departments whose
 * economics deliberately differ, so the org page shows teams that return more than they spend and
 * teams that do not. Figures are per working day.
 */
public final class DemoOrg {

    private DemoOrg() {}

    /**
     * @param adoption          share of members who use AI on a working day
     * @param spendPerActiveDay USD an active member spends a day (history sizes its calls to this)
     * @param families          the kinds of model the team calls, most used first; the models themselves are
     *                          chosen from the price catalog at run time ({@link DemoModels})
     * @param aiPrs, otherPrs, bugs, findings, tasks  outcomes per working day for the whole team
     * @param taskHours         valueHours each automated task reports
     * @param aiCycle           an AI-assisted PR's typical cycle time as a share of the team's other PRs' (1: no
     *                          faster), so that the delivery panel has a finding to show, and one team none
     */
    public record TeamProfile(
            String name,
            String department,
            int people,
            double adoption,
            double spendPerActiveDay,
            List<Family> families,
            double aiPrs,
            double otherPrs,
            double bugs,
            double findings,
            double tasks,
            double taskHours,
            double aiCycle) {

        /** The models the team calls today, most used first. */
        public List<String> models() {
            return DemoModels.resolve(families, LocalDate.now(ZoneOffset.UTC));
        }
    }

    // spotless:off (one team per row, its columns as in TeamProfile)
    public static final List<TeamProfile> TEAMS = List.of(
            new TeamProfile("Platform", "Engineering", 12, 0.9, 22, List.of(Family.SONNET, Family.GPT_MINI), 3.0, 1.0, 0.8, 0.1, 0, 0, 0.55),
            new TeamProfile("Payments", "Engineering", 10, 0.8, 18, List.of(Family.SONNET, Family.GPT), 1.6, 1.5, 0.5, 0.3, 0, 0, 0.7),
            new TeamProfile("Mobile", "Engineering", 9, 0.6, 48, List.of(Family.GPT, Family.SONNET), 0.5, 2.0, 0.1, 0, 0, 0, 1.0),
            new TeamProfile("Data Science", "Data", 8, 0.9, 80, List.of(Family.GPT, Family.GPT_MINI, Family.INTERNAL), 0.3, 0.5, 0.1, 0, 0.5, 1, 0.8),
            new TeamProfile("AppSec", "Security", 6, 0.8, 15, List.of(Family.SONNET, Family.HAIKU), 0.3, 0.3, 0.2, 0.4, 0, 0, 0.85),
            new TeamProfile("Customer Support", "Customer Success", 12, 0.95, 3, List.of(Family.HAIKU, Family.GPT_MINI), 0, 0, 0, 0, 2.0, 0.5, 1),
            new TeamProfile("Marketing", "Marketing", 12, 0.7, 24, List.of(Family.GPT, Family.GPT_MINI), 0, 0, 0, 0, 0.5, 1, 1),
            new TeamProfile("Finance", "Finance", 8, 0.5, 6, List.of(Family.GPT_MINI, Family.INTERNAL), 0, 0, 0, 0, 0.3, 1.5, 1));
    // spotless:on

    /** USD × 10^9 per token: input, output, cache read; null for the unpriced internal model. */
    public record Price(String provider, long input, long output, long cacheRead) {}

    /** The catalog's list price of a demo model, per token; null for the unpriced in-house model. */
    public static Price price(String model) {
        var p = DemoModels.CATALOG.exact(model);
        if (p == null) {
            return null;
        }
        // The catalog's rates are per million tokens; every listed rate is a whole number per token.
        return new Price(
                DemoModels.CATALOG.provider(model),
                p.rates().input() / 1_000_000,
                p.rates().output() / 1_000_000,
                p.rates().cacheRead() / 1_000_000);
    }

    public static String provider(String model) {
        Price p = price(model);
        return p == null ? "internal" : p.provider();
    }

    public static final List<String> FIRST = List.of(
            "Ada", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena", "Mo", "Nia",
            "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vik", "Wen", "Xavi", "Yara", "Zoe");
    public static final List<String> LAST = List.of(
            "Abara", "Berg", "Costa", "Dubois", "Eze", "Fischer", "Gupta", "Haddad", "Ito", "Jensen", "Kim", "Lopez",
            "Mensah", "Novak", "Okafor", "Park", "Quispe", "Rossi", "Silva", "Tanaka", "Ueda", "Varga", "Weber", "Xu",
            "Yilmaz", "Zhou");
}
