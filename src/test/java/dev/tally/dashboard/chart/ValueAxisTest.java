package dev.tally.dashboard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
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
        for (List<Metric> metrics : List.of(List.of(Metric.BUGS_CAUGHT),
                List.of(Metric.PRS_MERGED_AI, Metric.PRS_MERGED_OTHER, Metric.BUGS_CAUGHT, Metric.SECURITY_FINDINGS))) {
            double size = tickSize(ChartRenderer.valueAxis(metrics), 0, 1, 3, 2, 0, 1);
            assertThat(size).as("tick size on %s", metrics).isGreaterThanOrEqualTo(1).isEqualTo(Math.rint(size));
        }
    }
}
