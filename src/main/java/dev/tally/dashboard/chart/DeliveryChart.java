package dev.tally.dashboard.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.function.Function;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

import dev.tally.dashboard.delivery.TrendWeek;

/**
 * The delivery trend: three stacked plots over the same weeks — the share of people using AI on top,
 * then merged PRs per author (throughput per active engineer), then the median cycle time — so a
 * leader reads down one week and sees whether rising use goes with rising output and faster merges.
 * A week without merged PRs has no point in the lower two (a gap, not a zero).
 */
public final class DeliveryChart {

    private static final Color ADOPTION = new Color(0x2E86C1);
    private static final Color THROUGHPUT = new Color(0x1E8449);
    private static final Color CYCLE = new Color(0xD35400);

    private DeliveryChart() {}

    public static JFreeChart trend(List<TrendWeek> weeks) {
        DateAxis weeksAxis = ChartRenderer.dateAxis();
        weeksAxis.setLabel("Week ending");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(weeksAxis);
        plot.setGap(12);
        plot.add(subplot("Using AI %", weeks, w -> w.aiSharePercent(), new DecimalFormat("0'%'"), ADOPTION, 0, 100), 1);
        plot.add(
                subplot("PRs / author", weeks, TrendWeek::prsPerAuthor, new DecimalFormat("0.#"), THROUGHPUT, 0, null),
                1);
        plot.add(
                subplot(
                        "Cycle h (median)",
                        weeks,
                        w -> w.cycleMedian().value(),
                        new DecimalFormat("0.#"),
                        CYCLE,
                        0,
                        null),
                1);
        JFreeChart chart = new JFreeChart(null, new Font(ChartRenderer.FONT, Font.BOLD, 14), plot, true);
        ChartRenderer.theme().apply(chart);
        int i = 0;
        for (Object o : plot.getSubplots()) {
            XYPlot sub = (XYPlot) o;
            XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) sub.getRenderer();
            r.setSeriesPaint(0, i == 0 ? ADOPTION : i == 1 ? THROUGHPUT : CYCLE);
            r.setSeriesStroke(0, new BasicStroke(2.2f));
            i++;
        }
        if (!weeks.isEmpty()) {
            weeksAxis.setRange(
                    date(weeks.get(0).to().minusDays(3)),
                    date(weeks.get(weeks.size() - 1).to().plusDays(3)));
        }
        return ChartRenderer.finish(chart);
    }

    private static XYPlot subplot(
            String label,
            List<TrendWeek> weeks,
            Function<TrendWeek, Double> value,
            DecimalFormat format,
            Color colour,
            double min,
            Integer max) {
        TimeSeries s = new TimeSeries(label);
        for (TrendWeek w : weeks) {
            Double v = value.apply(w);
            s.add(day(w.to()), v);
        }
        NumberAxis axis = new NumberAxis(label);
        axis.setNumberFormatOverride(format);
        axis.setAutoRangeIncludesZero(true);
        if (max != null) {
            axis.setRange(min, max);
        }
        axis.setLabelFont(new Font(ChartRenderer.FONT, Font.PLAIN, 10));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, colour);
        return new XYPlot(new TimeSeriesCollection(s), null, axis, r);
    }

    private static Day day(LocalDate d) {
        return new Day(date(d), TimeZone.getTimeZone("UTC"), Locale.ROOT);
    }

    private static Date date(LocalDate d) {
        return Date.from(d.atStartOfDay().toInstant(ZoneOffset.UTC));
    }
}
