package dev.tally.dashboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Which PRs count as reverted or hot-fixed, from what later PRs say. */
class ChangeFailuresTest {

    private static final Instant T = Instant.parse("2026-03-02T12:00:00Z");

    private static PrRecord pr(String id, String repo, int number, Instant merged, String sha) {
        return new PrRecord(
                id,
                repo,
                number,
                "title " + number,
                UUID.randomUUID(),
                null,
                "a",
                false,
                merged.minusSeconds(60),
                null,
                merged,
                1,
                1,
                1,
                0,
                sha,
                false,
                false);
    }

    @Test
    void aRevertByReferenceCommitOrTitleMarksOnlyEarlierPrs() {
        PrRecord byRef = pr("a", "acme/api", 10, T, "aaaa1111");
        PrRecord byCommit = pr("b", "acme/api", 11, T, "bbbb2222cccc");
        PrRecord byTitle = pr("c", "acme/api", 12, T, "cccc3333");
        PrRecord later = pr("d", "acme/api", 13, T.plusSeconds(7200), "dddd4444");
        PrRecord untouched = pr("e", "acme/api", 14, T, "eeee5555");
        List<ChangeFailures.Candidate> candidates = List.of(
                new ChangeFailures.Candidate(
                        "r1", T.plusSeconds(3600), List.of("acme/api#10", "acme/api#13"), null, false, List.of()),
                new ChangeFailures.Candidate(
                        "r2", T.plusSeconds(3600), List.of("commit:bbbb2222"), null, false, List.of()),
                new ChangeFailures.Candidate("r3", T.plusSeconds(3600), List.of(), "c", false, List.of()));
        List<PrRecord> out = ChangeFailures.apply(List.of(byRef, byCommit, byTitle, later, untouched), candidates);
        assertThat(out)
                .extracting(PrRecord::id, PrRecord::reverted)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", true),
                        org.assertj.core.groups.Tuple.tuple("b", true),
                        org.assertj.core.groups.Tuple.tuple("c", true),
                        // #13 merged after the revert that names it: a revert cannot undo what came later
                        org.assertj.core.groups.Tuple.tuple("d", false),
                        org.assertj.core.groups.Tuple.tuple("e", false));
    }

    @Test
    void aTitleIsOnlyTheFallbackWhenTheDescriptionNamesNothingKnown() {
        PrRecord named = pr("a", "acme/api", 10, T, null);
        PrRecord sameTitle = pr("b", "acme/api", 11, T, null);
        List<PrRecord> out = ChangeFailures.apply(
                List.of(named, sameTitle),
                List.of(new ChangeFailures.Candidate(
                        "r", T.plusSeconds(60), List.of("acme/api#10"), "b", false, List.of())));
        assertThat(out.get(0).reverted()).isTrue();
        assertThat(out.get(1).reverted()).isFalse();
    }

    @Test
    void aRevertThatNamesAPrOutsideTheScopeDoesNotFallBackToAnotherPrOfTheSameTitle() {
        // "Reverts acme/api#5": #5 merged before the period (or is another team's), so it is not in this
        // scope's list; #11 has the same title ("Bump deps") and is the latest of it before the revert.
        // The revert named #5: #11 was not reverted, whatever the period or team shown.
        PrRecord sameTitle = pr("b", "acme/api", 11, T, null);
        List<PrRecord> out = ChangeFailures.apply(
                List.of(sameTitle),
                List.of(new ChangeFailures.Candidate(
                        "r", T.plusSeconds(60), List.of("acme/api#5"), "b", false, List.of())));
        assertThat(out.get(0).reverted()).isFalse();
    }

    @Test
    void aHotfixMarksThePrsItsDescriptionNamesOnlyWhenLabelled() {
        PrRecord broken = pr("a", "acme/api", 10, T, null);
        PrRecord mentioned = pr("b", "acme/api", 11, T, null);
        List<PrRecord> out = ChangeFailures.apply(
                List.of(broken, mentioned),
                List.of(
                        new ChangeFailures.Candidate(
                                "h", T.plusSeconds(60), List.of(), null, true, List.of("acme/api#10")),
                        new ChangeFailures.Candidate(
                                "n", T.plusSeconds(60), List.of(), null, false, List.of("acme/api#11"))));
        assertThat(out.get(0).hotfixed()).isTrue();
        assertThat(out.get(0).reverted()).isFalse();
        assertThat(out.get(1).hotfixed()).isFalse();
    }
}
