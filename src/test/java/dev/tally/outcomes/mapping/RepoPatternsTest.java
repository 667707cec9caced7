package dev.tally.outcomes.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class RepoPatternsTest {

    private final RepoPatterns<String> patterns = new RepoPatterns<>(List.of(
            new RepoPatterns.Rule<>("acme/*", "platform"),
            new RepoPatterns.Rule<>("acme/payments-*", "payments"),
            new RepoPatterns.Rule<>("Acme/Website", "web"),
            new RepoPatterns.Rule<>("*/infra-*", "infra")));

    @Test
    void theMostSpecificMatchingPatternWins() {
        assertThat(patterns.match("acme/payments-api")).contains("payments");
        assertThat(patterns.match("acme/search")).contains("platform");
        assertThat(patterns.match("acme/website")).contains("web");
        assertThat(patterns.match("other/infra-terraform")).contains("infra");
    }

    @Test
    void matchingIgnoresCaseAndNeedsTheWholeName() {
        assertThat(patterns.match("ACME/Payments-Ledger")).contains("payments");
        assertThat(patterns.match("acme-labs/x")).isEmpty();
        assertThat(patterns.match("other/website")).isEmpty();
        assertThat(patterns.match(null)).isEmpty();
    }

    @Test
    void patternsWithoutLiteralsOrWithSpacesAreRejected() {
        assertThat(RepoPatterns.problem("*")).contains("no literal");
        assertThat(RepoPatterns.problem("acme/ x")).contains("whitespace");
        assertThat(RepoPatterns.problem("")).contains("empty");
        assertThat(RepoPatterns.problem("acme/*")).isNull();
    }
}
