package dev.tally.dashboard.delivery;

import java.util.Arrays;
import java.util.Optional;

/**
 * The statistics of delivery metrics, each chosen so that a reader can check it by hand:
 *
 * <ul>
 * <li>quantiles by linear interpolation between order statistics (Hyndman and Fan's type 7, what
 * spreadsheets' PERCENTILE.INC and numpy compute): the median of 2, 4, 6 is 4, its p75 5;</li>
 * <li>their 95% intervals distribution-free, from order statistics: [x(l), x(u)] covers the true
 * quantile q with probability P(l ≤ B ≤ u − 1), B ~ Binomial(n, q), whatever the distribution of
 * the data. l and u are the equal-tailed choice (each tail at most 2.5%); where n is too small for any
 * pair to reach 95%, there is no interval (the median needs n ≥ 6, the p75 n ≥ 13);</li>
 * <li>proportions (revert rate, hotfix rate) with Wilson's score interval, which stays inside 0..1
 * and behaves at 0 and n events, where the textbook normal interval does not.</li>
 * </ul>
 *
 * Deterministic (no resampling), so the same data always gives the same interval.
 */
public final class Stats {

    /** The confidence of every interval: 95%. */
    public static final double CONFIDENCE = 0.95;
    /** The standard normal quantile of 97.5%. */
    static final double Z = 1.959963984540054;

    /** An interval of a quantile or proportion, in the unit of its values. */
    public record Range(double low, double high) {}

    private Stats() {}

    /** The type-7 quantile of sorted values; NaN for none. */
    public static double quantile(double[] sorted, double p) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        double h = (n - 1) * p;
        int j = (int) Math.floor(h);
        if (j + 1 >= n) {
            return sorted[n - 1];
        }
        return sorted[j] + (h - j) * (sorted[j + 1] - sorted[j]);
    }

    /** The distribution-free 95% interval of the q-quantile of sorted values, when n allows one. */
    public static Optional<Range> quantileInterval(double[] sorted, double q) {
        return ranks(sorted.length, q).map(r -> new Range(sorted[r[0] - 1], sorted[r[1] - 1]));
    }

    /**
     * The 1-based ranks (l, u) of the equal-tailed distribution-free interval of the q-quantile of n
     * values at {@link #CONFIDENCE}: l the largest rank with P(B ≤ l − 1) ≤ 2.5%, u the smallest with
     * P(B ≤ u − 1) ≥ 97.5%; empty when either does not exist within 1..n.
     */
    public static Optional<int[]> ranks(int n, double q) {
        if (n <= 0) {
            return Optional.empty();
        }
        double tail = (1 - CONFIDENCE) / 2;
        double[] cdf = binomialCdf(n, q);
        int l = 0;
        for (int k = 1; k <= n; k++) {
            if (cdf[k - 1] <= tail) {
                l = k;
            }
        }
        int u = 0;
        for (int k = n; k >= 1; k--) {
            if (cdf[k - 1] >= 1 - tail) {
                u = k;
            }
        }
        return l == 0 || u == 0 ? Optional.empty() : Optional.of(new int[] {l, u});
    }

    /** P(B ≤ k) for k = 0..n, B ~ Binomial(n, q), summed in log space so large n neither under- nor overflows. */
    static double[] binomialCdf(int n, double q) {
        double[] cdf = new double[n + 1];
        double logQ = Math.log(q);
        double logNotQ = Math.log1p(-q);
        double logChoose = 0;
        double sum = 0;
        for (int k = 0; k <= n; k++) {
            if (k > 0) {
                logChoose += Math.log(n - k + 1) - Math.log(k);
            }
            sum += Math.exp(logChoose + k * logQ + (n - k) * logNotQ);
            cdf[k] = Math.min(1.0, sum);
        }
        return cdf;
    }

    /** Wilson's 95% score interval of k events in n trials, as proportions; empty for n = 0. */
    public static Optional<Range> wilson(long k, long n) {
        if (n <= 0) {
            return Optional.empty();
        }
        double p = (double) k / n;
        double z2 = Z * Z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return Optional.of(new Range(Math.max(0, centre - half), Math.min(1, centre + half)));
    }

    /** A sorted copy. */
    public static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
