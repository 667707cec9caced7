package dev.tally.demo;

import java.util.List;

/**
 * The demo organisation: eight teams in engineering and non-engineering departments whose
 * economics deliberately differ, so the org page shows teams that return more than they spend and
 * teams that do not. Figures are per working day.
 */
public final class DemoOrg {

    private DemoOrg() {
    }

    /**
     * @param adoption          share of members who use AI on a working day
     * @param spendPerActiveDay USD an active member spends a day (history sizes its calls to this)
     * @param models            the models the team calls, most used first
     * @param aiPrs, otherPrs, bugs, findings, tasks  outcomes per working day for the whole team
     * @param taskHours         valueHours each automated task reports
     */
    public record TeamProfile(String name, String department, int people, double adoption, double spendPerActiveDay,
            List<String> models, double aiPrs, double otherPrs, double bugs, double findings, double tasks,
            double taskHours) {
    }

    public static final List<TeamProfile> TEAMS = List.of(
            new TeamProfile("Platform", "Engineering", 12, 0.9, 22, List.of("claude-sonnet-4-5", "gpt-4o-mini"), 3.0, 1.0, 0.8, 0.1, 0, 0),
            new TeamProfile("Payments", "Engineering", 10, 0.8, 18, List.of("claude-sonnet-4-5", "gpt-4o"), 1.6, 1.5, 0.5, 0.3, 0, 0),
            new TeamProfile("Mobile", "Engineering", 9, 0.6, 48, List.of("gpt-4o", "claude-sonnet-4-5"), 0.5, 2.0, 0.1, 0, 0, 0),
            new TeamProfile("Data Science", "Data", 8, 0.9, 45, List.of("o3", "gpt-4o", "internal-llama-70b"), 0.3, 0.5, 0.1, 0, 0.5, 1),
            new TeamProfile("AppSec", "Security", 6, 0.8, 15, List.of("claude-sonnet-4-5", "claude-haiku-4-5"), 0.3, 0.3, 0.2, 0.4, 0, 0),
            new TeamProfile("Customer Support", "Customer Success", 12, 0.95, 3, List.of("claude-haiku-4-5", "gpt-4o-mini"), 0, 0, 0, 0, 2.0, 0.5),
            new TeamProfile("Marketing", "Marketing", 12, 0.7, 24, List.of("gpt-4o", "gpt-4o-mini"), 0, 0, 0, 0, 0.5, 1),
            new TeamProfile("Finance", "Finance", 8, 0.5, 6, List.of("gpt-4o-mini", "internal-llama-70b"), 0, 0, 0, 0, 0.3, 1.5));

    /** USD × 10^9 per token: input, output, cache read; null for the unpriced internal model. */
    public record Price(String provider, long input, long output, long cacheRead) {
    }

    public static Price price(String model) {
        return switch (model) {
            case "gpt-4o" -> new Price("openai", 2_500, 10_000, 1_250);
            case "gpt-4o-mini" -> new Price("openai", 150, 600, 75);
            case "o3" -> new Price("openai", 2_000, 8_000, 500);
            case "claude-sonnet-4-5" -> new Price("anthropic", 3_000, 15_000, 300);
            case "claude-haiku-4-5" -> new Price("anthropic", 1_000, 5_000, 100);
            default -> null;
        };
    }

    public static String provider(String model) {
        Price p = price(model);
        return p == null ? "internal" : p.provider();
    }

    public static final List<String> FIRST = List.of("Ada", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivan",
            "Jia", "Kofi", "Lena", "Mo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vik", "Wen",
            "Xavi", "Yara", "Zoe");
    public static final List<String> LAST = List.of("Abara", "Berg", "Costa", "Dubois", "Eze", "Fischer", "Gupta",
            "Haddad", "Ito", "Jensen", "Kim", "Lopez", "Mensah", "Novak", "Okafor", "Park", "Quispe", "Rossi", "Silva",
            "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zhou");
}
