package dev.tally.dashboard.delivery;

/**
 * One figure of one group: its value (null when the group has nothing to measure), its 95% interval
 * (null below the minimum sample, or where no interval applies), and the sample it comes from.
 *
 * @param enough whether {@code n} reaches the minimum sample: below it the figure is shown as "not
 *               enough data" and compared with nothing
 */
public record Figure(Double value, Stats.Range interval, int n, boolean enough) {

    public static Figure none(int n, int minSample) {
        return new Figure(null, null, n, n >= minSample);
    }
}
