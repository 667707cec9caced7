package dev.tally.dashboard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.DateTickUnitType;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;

import dev.tally.dashboard.roi.Metric;

class ValueAxisTest {

    /** Draws a 900×300 chart of {@code values} on the axis and returns the tick size the axis chose. */
    private static double tickSize(NumberAxis axis, double... values) {
        XYSeries s = new XYSeries("s");
        for (int i = 0; i < values.length; i++) {
            s.add(i, values[i]);
        }
        XYPlot plot = new XYPlot(new XYSeriesCollection(s), new NumberAxis(), axis, new XYLineAndShapeRenderer());
        new JFreeChart(plot).createBufferedImage(900, 300);
        return axis.getTickUnit().getSize();
    }

    @Test
    void aCountAxisOfSmallNumbersTicksAtWholeNumbersOnly() {
        for (List<Metric> metrics : List.of(
                List.of(Metric.BUGS_CAUGHT),
                List.of(Metric.PRS_MERGED_AI, Metric.PRS_MERGED_OTHER, Metric.BUGS_CAUGHT, Metric.SECURITY_FINDINGS))) {
            double size = tickSize(ChartRenderer.valueAxis(metrics), 0, 1, 3, 2, 0, 1);
            assertThat(size)
                    .as("tick size on %s", metrics)
                    .isGreaterThanOrEqualTo(1)
                    .isEqualTo(Math.rint(size));
        }
    }

    @Test
    void aMoneyAxisOfSmallAmountsLabelsItsTicksApart() {
        NumberAxis axis = ChartRenderer.valueAxis(List.of(Metric.SPEND));
        double size = tickSize(axis, 0, 0.5, 1.5, 1);
        assertThat(axis.getNumberFormatOverride().format(size))
                .isNotEqualTo(axis.getNumberFormatOverride().format(2 * size));
        assertThat(axis.getNumberFormatOverride().format(1234.5)).isEqualTo("$1,234.5");
    }

    @Test
    void aDayAxisTicksAtWholeDaysOnly() {
        TimeSeries s = new TimeSeries("s");
        LocalDate first = LocalDate.parse("2026-11-25");
        for (int i = 0; i < 7; i++) {
            s.add(
                    new Day(
                            Date.from(first.plusDays(i).atStartOfDay().toInstant(ZoneOffset.UTC)),
                            TimeZone.getTimeZone("UTC"),
                            Locale.ROOT),
                    i);
        }
        DateAxis axis = ChartRenderer.dateAxis();
        XYPlot plot = new XYPlot(new TimeSeriesCollection(s), axis, new NumberAxis(), new XYLineAndShapeRenderer());
        new JFreeChart(plot).createBufferedImage(900, 300);
        assertThat(axis.getTickUnit().getUnitType()).isEqualTo(DateTickUnitType.DAY);
        assertThat(axis.getTickUnit().getMultiple()).isGreaterThanOrEqualTo(1);
    }
}
