package dev.tally.dashboard.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.GraphicsEnvironment;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.text.SimpleDateFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

import jakarta.enterprise.context.ApplicationScoped;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.DateTickUnit;
import org.jfree.chart.axis.DateTickUnitType;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StackedXYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYAreaRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.data.time.TimeTableXYDataset;
import org.jfree.svg.SVGGraphics2D;

import dev.tally.dashboard.definition.Dashboard.ChartType;
import dev.tally.dashboard.definition.Dashboard.Panel;
import dev.tally.dashboard.definition.Dashboard.PanelType;
import dev.tally.dashboard.report.Report;
import dev.tally.dashboard.report.Tables;
import dev.tally.dashboard.roi.Metric;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.platform.ApiException;

/**
 * Draws a panel of a report with JFreeChart, as PNG or SVG. Fonts come from the application
 * (DejaVu Sans, bundled) so charts look the same on every machine, headless included. Rendering
 * is CPU work: callers run it on worker threads.
 */
@ApplicationScoped
public class ChartRenderer {

    public static final String FONT = "DejaVu Sans";

    private static final Color SPEND = new Color(0xC0392B);
    private static final Color VALUE = new Color(0x1E8449);
    private static final Color[] PALETTE = {
        new Color(0x2E86C1),
        new Color(0xF39C12),
        new Color(0x8E44AD),
        new Color(0x16A085),
        new Color(0x7F8C8D),
        new Color(0xD35400),
        new Color(0x2C3E50)
    };

    static {
        System.setProperty("java.awt.headless", "true");
        registerFonts();
    }

    private static void registerFonts() {
        GraphicsEnvironment ge = GraphicsEnvironment.getLocalGraphicsEnvironment();
        for (String f : List.of("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf")) {
            try (InputStream in = ChartRenderer.class.getClassLoader().getResourceAsStream(f)) {
                if (in == null) {
                    throw new IllegalStateException(f + " is missing from the application");
                }
                ge.registerFont(Font.createFont(Font.TRUETYPE_FONT, in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (FontFormatException e) {
                throw new IllegalStateException(f + ": " + e.getMessage(), e);
            }
        }
    }

    public byte[] png(Panel panel, Report report, int width, int height) {
        return png(chart(panel, report), width, height);
    }

    public String svg(Panel panel, Report report, int width, int height) {
        return svg(chart(panel, report), width, height);
    }

    JFreeChart chart(Panel panel, Report report) {
        JFreeChart chart = panel.type() == PanelType.TIMESERIES ? timeSeries(panel, report) : bars(panel, report);
        theme().apply(chart);
        // After the theme: it resets series paints.
        for (int i = 0; i < panel.metrics().size(); i++) {
            Paint paint = colour(panel.metrics().get(i), i);
            if (chart.getPlot() instanceof XYPlot xy) {
                xy.getRenderer().setSeriesPaint(i, paint);
                xy.getRenderer().setSeriesStroke(i, new BasicStroke(2.2f));
            } else if (chart.getPlot() instanceof CategoryPlot cp) {
                cp.getRenderer().setSeriesPaint(i, paint);
            }
        }
        return finish(chart);
    }

    /**
     * A size parameter ({@code width}, {@code height}) as a number of pixels: one that is not a whole number
     * is a 400 naming it (as an {@code int} parameter it was JAX-RS's bare 404, as if the chart did not exist).
     */
    static int size(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
            throw ApiException.badRequest(name + ": '" + shown + "' is not a whole number of pixels");
        }
    }

    /** A chart's size in pixels as a URL asks for it: a 400 outside 200–3000 × 120–2000. */
    static void checkSize(int width, int height) {
        if (width < 200 || width > 3000 || height < 120 || height > 2000) {
            throw ApiException.badRequest(
                    "width/height: " + width + "×" + height + " is outside 200–3000 × 120–2000 pixels");
        }
    }

    /** The house theme: the bundled fonts, a white plot with light grid lines, flat bars without shadows. */
    public static StandardChartTheme theme() {
        StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        theme.setExtraLargeFont(new Font(FONT, Font.BOLD, 16));
        theme.setLargeFont(new Font(FONT, Font.BOLD, 13));
        theme.setRegularFont(new Font(FONT, Font.PLAIN, 11));
        theme.setSmallFont(new Font(FONT, Font.PLAIN, 10));
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new Color(0xE5E7EB));
        theme.setRangeGridlinePaint(new Color(0xE5E7EB));
        theme.setBarPainter(new StandardBarPainter());
        theme.setXYBarPainter(new StandardXYBarPainter());
        theme.setShadowVisible(false);
        return theme;
    }

    /** After the theme and the series colours: white background, no title (the page has it), legend on top. */
    public static JFreeChart finish(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setTitle((String) null);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setFrame(BlockBorder.NONE);
            legend.setPosition(RectangleEdge.TOP);
        }
        return chart;
    }

    /** A chart as PNG bytes. */
    public static byte[] png(JFreeChart chart, int width, int height) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chart as an SVG document. */
    public static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        return g2.getSVGDocument();
    }

    private JFreeChart timeSeries(Panel panel, Report report) {
        XYPlot plot;
        if (panel.chart() == ChartType.STACKED_BAR || panel.chart() == ChartType.BAR) {
            TimeTableXYDataset ds = new TimeTableXYDataset();
            report.byDay().forEach((day, m) -> {
                for (Metric metric : panel.metrics()) {
                    ds.add(day(day), num(metric, m).doubleValue(), metric.label());
                }
            });
            StackedXYBarRenderer r = new StackedXYBarRenderer(0.15);
            r.setDrawBarOutline(false);
            plot = new XYPlot(ds, dateAxis(), valueAxis(panel.metrics()), r);
        } else {
            TimeSeriesCollection ds = new TimeSeriesCollection();
            for (Metric metric : panel.metrics()) {
                TimeSeries s = new TimeSeries(metric.label());
                report.byDay().forEach((day, m) -> s.add(day(day), num(metric, m)));
                ds.addSeries(s);
            }
            XYItemRenderer r =
                    panel.chart() == ChartType.AREA ? new XYAreaRenderer() : new XYLineAndShapeRenderer(true, false);
            plot = new XYPlot(ds, dateAxis(), valueAxis(panel.metrics()), r);
        }
        fitDays(plot, report, panel.chart() == ChartType.STACKED_BAR || panel.chart() == ChartType.BAR);
        return new JFreeChart(null, new Font(FONT, Font.BOLD, 14), plot, true);
    }

    /**
     * The date axis spans exactly the period's days: JFreeChart's auto range pads it, and a padded
     * axis showed dates after today, which reads as a forecast. Bars fill their whole day.
     */
    private static void fitDays(XYPlot plot, Report report, boolean bars) {
        if (report.byDay().isEmpty()) {
            return;
        }
        LocalDate first =
                report.byDay().keySet().stream().min(LocalDate::compareTo).orElseThrow();
        LocalDate last =
                report.byDay().keySet().stream().max(LocalDate::compareTo).orElseThrow();
        LocalDate end = bars ? last.plusDays(1) : last;
        if (!end.isAfter(first)) {
            return;
        }
        ((DateAxis) plot.getDomainAxis())
                .setRange(
                        Date.from(first.atStartOfDay().toInstant(ZoneOffset.UTC)),
                        Date.from(end.atStartOfDay().toInstant(ZoneOffset.UTC)));
    }

    private JFreeChart bars(Panel panel, Report report) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        Map<String, Metrics> groups = Tables.groups(report, panel.groupBy());
        Metric first = panel.metrics().get(0);
        List<Map.Entry<String, Metrics>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort((a, b) -> num(first, b.getValue()).compareTo(num(first, a.getValue())));
        for (Map.Entry<String, Metrics> e : sorted.subList(0, Math.min(panel.limit(), sorted.size()))) {
            for (Metric metric : panel.metrics()) {
                ds.addValue(num(metric, e.getValue()), metric.label(), e.getKey());
            }
        }
        BarRenderer r = panel.chart() == ChartType.STACKED_BAR ? new StackedBarRenderer() : new BarRenderer();
        r.setItemMargin(0.05);
        r.setDrawBarOutline(false);
        CategoryPlot plot = new CategoryPlot(ds, new CategoryAxis(), valueAxis(panel.metrics()), r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        return new JFreeChart(
                null, new Font(FONT, Font.BOLD, 14), plot, panel.metrics().size() > 1);
    }

    /**
     * Money axes in dollars, counts compact (1.5K, 2B) instead of JFreeChart's 1.5E9. An axis of
     * counts only ticks at whole numbers: there is no half a bug, and fractional ticks rounded by the
     * compact format read "3, 2, 2, 1, 1, 0".
     */
    static NumberAxis valueAxis(List<Metric> metrics) {
        NumberAxis axis = new NumberAxis(axisLabel(metrics));
        if (metrics.stream().allMatch(m -> m.unit() == Metric.Unit.COUNT)) {
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ENGLISH));
        }
        if (metrics.stream().allMatch(m -> m.unit() == Metric.Unit.MONEY)) {
            // cents where the ticks need them: an axis up to $3 ticking every $0.25 read "$0, $0, $1, $1"
            axis.setNumberFormatOverride(new DecimalFormat("$#,##0.##"));
        } else {
            NumberFormat compact = NumberFormat.getCompactNumberInstance(Locale.ENGLISH, NumberFormat.Style.SHORT);
            compact.setMaximumFractionDigits(1);
            axis.setNumberFormatOverride(compact);
        }
        return axis;
    }

    /**
     * Days as "d MMM", ticking at whole days only: the points are days, and a tick every 12 hours
     * labelled by day reads "25 Nov, 25 Nov, 26 Nov".
     */
    static DateAxis dateAxis() {
        DateAxis a = new DateAxis();
        a.setTimeZone(TimeZone.getTimeZone("UTC"));
        SimpleDateFormat format = new SimpleDateFormat("d MMM", Locale.ENGLISH);
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        TickUnits days = new TickUnits();
        for (int n : new int[] {1, 2, 3, 7, 14, 30, 60, 90, 180, 365}) {
            days.add(new DateTickUnit(DateTickUnitType.DAY, n, format));
        }
        a.setStandardTickUnits(days);
        a.setDateFormatOverride(format);
        return a;
    }

    private static Day day(LocalDate d) {
        return new Day(Date.from(d.atStartOfDay().toInstant(ZoneOffset.UTC)), TimeZone.getTimeZone("UTC"), Locale.ROOT);
    }

    private static BigDecimal num(Metric metric, Metrics m) {
        BigDecimal b = metric.number(m);
        return b == null ? BigDecimal.ZERO : b;
    }

    private static String axisLabel(List<Metric> metrics) {
        if (metrics.stream().allMatch(m -> m.unit() == Metric.Unit.MONEY)) {
            return "USD";
        }
        return metrics.size() == 1 ? metrics.get(0).label() : "";
    }

    private static Paint colour(Metric m, int i) {
        if (m == Metric.SPEND) {
            return SPEND;
        }
        if (m == Metric.VALUE) {
            return VALUE;
        }
        return PALETTE[i % PALETTE.length];
    }
}
