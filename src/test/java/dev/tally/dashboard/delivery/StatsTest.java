package dev.tally.dashboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Quantiles and their intervals, each checked against a computation that shares no code with
 * {@link Stats}: quantiles by hand, order-statistic ranks in exact integer arithmetic and against the
 * published table, Wilson intervals against Newcombe (1998), Statistics in Medicine 17:857-872, Table I.
 */
class StatsTest {

    @Test
    void quantilesInterpolateBetweenOrderStatisticsAsSpreadsheetsDo() {
        assertThat(Stats.quantile(new double[] {2, 4, 6}, 0.5)).isEqualTo(4);
        assertThat(Stats.quantile(new double[] {2, 4, 6}, 0.75)).isEqualTo(5);
        assertThat(Stats.quantile(new double[] {10, 20, 30}, 0.5)).isEqualTo(20);
        assertThat(Stats.quantile(new double[] {10, 20, 30}, 0.75)).isEqualTo(25);
        // even n: the mean of the middle two; p75 of 1..4 is 3 + 0.25 × (4 − 3)
        assertThat(Stats.quantile(new double[] {1, 2, 3, 4}, 0.5)).isEqualTo(2.5);
        assertThat(Stats.quantile(new double[] {1, 2, 3, 4}, 0.75)).isEqualTo(3.25);
        assertThat(Stats.quantile(new double[] {7}, 0.75)).isEqualTo(7);
        assertThat(Stats.quantile(new double[0], 0.5)).isNaN();
    }

    @Test
    void medianIntervalRanksAreThoseOfThePublishedTable() {
        // The classic table of distribution-free 95% intervals for the median (e.g. Conover, Practical
        // Nonparametric Statistics, table A3): n = 6 → x(1)..x(6), 10 → x(2)..x(9), 20 → x(6)..x(15),
        // 100 → x(40)..x(61); below 6 no pair reaches 95%.
        assertThat(Stats.ranks(5, 0.5)).isEmpty();
        assertThat(Stats.ranks(6, 0.5)).hasValueSatisfying(r -> assertThat(r).containsExactly(1, 6));
        assertThat(Stats.ranks(10, 0.5)).hasValueSatisfying(r -> assertThat(r).containsExactly(2, 9));
        assertThat(Stats.ranks(20, 0.5)).hasValueSatisfying(r -> assertThat(r).containsExactly(6, 15));
        assertThat(Stats.ranks(100, 0.5)).hasValueSatisfying(r -> assertThat(r).containsExactly(40, 61));
        // the p75 needs 13 values before its upper tail can be covered
        assertThat(Stats.ranks(12, 0.75)).isEmpty();
        assertThat(Stats.ranks(13, 0.75)).hasValueSatisfying(r -> assertThat(r).containsExactly(7, 13));
    }

    @Test
    void ranksEqualAnExactIntegerComputationForEverySampleUpTo400() {
        for (int n = 1; n <= 400; n++) {
            assertThat(Stats.ranks(n, 0.5).map(r -> r[0] + "," + r[1]))
                    .as("median, n = %d", n)
                    .isEqualTo(exact(n, 1, 2));
            assertThat(Stats.ranks(n, 0.75).map(r -> r[0] + "," + r[1]))
                    .as("p75, n = %d", n)
                    .isEqualTo(exact(n, 3, 4));
        }
    }

    /**
     * The equal-tailed ranks in whole numbers: with q = a/b, P(B ≤ k) = Σ C(n,i) a^i (b−a)^(n−i) / b^n,
     * compared with 1/40 and 39/40 by cross-multiplying, so no rounding is involved.
     */
    private static Optional<String> exact(int n, int a, int b) {
        BigInteger total = BigInteger.valueOf(b).pow(n);
        BigInteger[] cdf = new BigInteger[n + 1];
        BigInteger sum = BigInteger.ZERO;
        BigInteger choose = BigInteger.ONE;
        for (int i = 0; i <= n; i++) {
            if (i > 0) {
                choose = choose.multiply(BigInteger.valueOf(n - i + 1)).divide(BigInteger.valueOf(i));
            }
            sum = sum.add(choose.multiply(BigInteger.valueOf(a).pow(i))
                    .multiply(BigInteger.valueOf(b - a).pow(n - i)));
            cdf[i] = sum;
        }
        int l = 0;
        int u = 0;
        for (int k = 1; k <= n; k++) {
            if (cdf[k - 1].multiply(BigInteger.valueOf(40)).compareTo(total) <= 0) {
                l = k;
            }
        }
        for (int k = n; k >= 1; k--) {
            if (cdf[k - 1].multiply(BigInteger.valueOf(40)).compareTo(total.multiply(BigInteger.valueOf(39))) >= 0) {
                u = k;
            }
        }
        return l == 0 || u == 0 ? Optional.empty() : Optional.of(l + "," + u);
    }

    @Test
    void theIntervalIsMadeOfTheOrderStatisticsAtThoseRanks() {
        double[] sorted = new double[20];
        for (int i = 0; i < 20; i++) {
            sorted[i] = (i + 1) * 1.5;
        }
        assertThat(Stats.quantileInterval(sorted, 0.5)).contains(new Stats.Range(6 * 1.5, 15 * 1.5));
        assertThat(Stats.quantileInterval(new double[] {2, 4, 6}, 0.5)).isEmpty();
    }

    @Test
    void wilsonIntervalsAreNewcombesPublishedOnes() {
        check(Stats.wilson(81, 263), 0.2553, 0.3662);
        check(Stats.wilson(15, 148), 0.0624, 0.1605);
        check(Stats.wilson(0, 20), 0.0, 0.1611);
        check(Stats.wilson(1, 29), 0.0061, 0.1718);
        // at 0 events the upper end is z²/(n + z²), exactly
        assertThat(Stats.wilson(0, 20).orElseThrow().high())
                .isCloseTo(Stats.Z * Stats.Z / (20 + Stats.Z * Stats.Z), within(1e-12));
        assertThat(Stats.wilson(20, 20).orElseThrow().high()).isEqualTo(1.0);
        assertThat(Stats.wilson(0, 0)).isEmpty();
    }

    private static void check(Optional<Stats.Range> r, double low, double high) {
        assertThat(r).isPresent();
        assertThat(r.get().low()).isCloseTo(low, within(0.00005));
        assertThat(r.get().high()).isCloseTo(high, within(0.00005));
    }
}
