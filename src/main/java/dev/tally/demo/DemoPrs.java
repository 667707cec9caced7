package dev.tally.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import dev.tally.events.PrFacts;

/**
 * The facts of the demo's merged PRs, so that the delivery panel has something to measure: cycle
 * times log-normal around 20 hours (AI-assisted ones scaled by the team's {@code aiCycle}, so most
 * teams' AI-assisted PRs merge somewhat sooner, with noise, and one team's do not), a first review
 * within the first half, sizes a little larger for AI-assisted PRs (a confounder the page names), and
 * about one PR in thirty reverted by a later PR the same day, as GitHub's Revert button writes it.
 * Each PR draws from its own generator seeded by its id, so the rest of the demo's day is unchanged.
 */
final class DemoPrs {

    /** The median cycle time of a team's PRs that are not AI-assisted, in hours. */
    static final double OTHER_CYCLE_HOURS = 20;
    /** The spread of cycle times: σ of their logarithm. */
    static final double CYCLE_SIGMA = 0.7;
    /** Share of merged PRs a later PR reverts. */
    static final double REVERTED = 1.0 / 30;

    private DemoPrs() {}

    /** The facts of a PR merged at {@code mergedAt}; {@code repository} is owner/name, {@code number} its number. */
    static PrFacts facts(
            String id,
            DemoOrg.TeamProfile team,
            String repository,
            int number,
            boolean ai,
            Instant mergedAt,
            String author) {
        Random rnd = new Random(id.hashCode());
        double cycleHours =
                OTHER_CYCLE_HOURS * (ai ? team.aiCycle() : 1.0) * Math.exp(CYCLE_SIGMA * rnd.nextGaussian());
        long cycleSeconds = Math.max(600, Math.round(cycleHours * 3600));
        Instant opened = mergedAt.minus(Duration.ofSeconds(cycleSeconds));
        Instant firstReview =
                opened.plus(Duration.ofSeconds(Math.round(cycleSeconds * (0.1 + 0.4 * rnd.nextDouble()))));
        int size = (int) Math.max(2, Math.round((ai ? 160 : 120) * Math.exp(0.9 * rnd.nextGaussian())));
        int additions = (int) Math.round(size * (0.55 + 0.3 * rnd.nextDouble()));
        int rounds = rnd.nextDouble() < 0.7 ? 0 : 1 + rnd.nextInt(2);
        return new PrFacts(
                repository,
                number,
                title(number, ai),
                author,
                opened,
                firstReview,
                mergedAt,
                additions,
                size - additions,
                1 + size / 60,
                1 + rnd.nextInt(6),
                rounds,
                PrFacts.ReviewSource.WEBHOOKS,
                ai ? List.of("ai-assisted") : List.of(),
                sha(id),
                List.of(),
                null,
                List.of());
    }

    /** Whether a later PR reverts this one (decided by its own generator, as its facts are). */
    static boolean reverted(String id) {
        return new Random(id.hashCode() * 31L + 7).nextDouble() < REVERTED;
    }

    /** The revert PR of {@code target}, merged {@code after} it, numbered {@code number}. */
    static PrFacts revert(PrFacts target, int number, Duration after, String author) {
        Instant merged = target.mergedAt().plus(after);
        Instant opened = merged.minus(Duration.ofMinutes(40));
        return new PrFacts(
                target.repository(),
                number,
                "Revert \"" + target.title() + "\"",
                author,
                opened,
                opened.plus(Duration.ofMinutes(10)),
                merged,
                target.deletions(),
                target.additions(),
                1,
                1,
                0,
                PrFacts.ReviewSource.WEBHOOKS,
                List.of(),
                sha("revert:" + target.mergeCommitSha()),
                List.of(target.repository() + "#" + target.number()),
                target.title(),
                List.of());
    }

    private static String title(int number, boolean ai) {
        String[] what = {
            "Tidy the retry loop",
            "Add pagination to the list endpoint",
            "Fix flaky date test",
            "Cache the price lookup",
            "Rename the settings keys",
            "Split the report query"
        };
        return what[Math.floorMod(number * 7 + (ai ? 1 : 0), what.length)] + " (#" + number + ")";
    }

    /** A stable 40-hex-digit stand-in for a merge commit. */
    private static String sha(String seed) {
        Random rnd = new Random(seed.hashCode());
        StringBuilder s = new StringBuilder(40);
        while (s.length() < 40) {
            s.append(String.format("%08x", rnd.nextInt()));
        }
        return s.substring(0, 40);
    }
}
