package dev.tally.dashboard.page;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import io.quarkus.qute.TemplateData;

import dev.tally.dashboard.definition.Dashboard;
import dev.tally.dashboard.definition.Dashboard.Panel;
import dev.tally.dashboard.definition.Dashboard.PanelType;
import dev.tally.dashboard.report.Report;
import dev.tally.dashboard.report.Table;
import dev.tally.dashboard.report.Tables;
import dev.tally.dashboard.roi.Format;
import dev.tally.dashboard.roi.Metric;

/** What a template needs to draw one panel: KPI tiles, a chart's URLs, or a table; always a CSV link. */
@TemplateData
public record PanelView(Panel panel, List<Kpi> kpis, String chartPng, String chartSvg, Table table, String csvUrl) {

    /**
     * @param changeClass "good" / "bad" / "" — colours the change by whether the move is welcome
     * @param note        e.g. "unpriced usage is not in spend"
     */
    @TemplateData
    public record Kpi(
            String key, String label, String value, String previous, String change, String changeClass, String note) {}

    public String title() {
        return panel.title();
    }

    /** {@code linked}: the teams whose names link to their pages (the ones the viewer may open). */
    public static List<PanelView> of(
            Dashboard d, Report r, String csvBase, String chartQuery, String query, Predicate<UUID> linked) {
        List<PanelView> out = new ArrayList<>();
        for (Panel p : d.panels()) {
            String csv = csvBase + (csvBase.contains("?") ? "&" : "?") + "format=csv&table=" + p.id() + amp(query);
            if (p.type() == PanelType.KPI) {
                out.add(new PanelView(p, kpis(p, r), null, null, null, csv));
            } else if (p.isChart()) {
                String base = "/charts/" + d.name() + "/" + p.id();
                out.add(new PanelView(p, List.of(), base + ".png" + chartQuery, base + ".svg" + chartQuery, null, csv));
            } else {
                out.add(new PanelView(p, List.of(), null, null, table(p, r, query, linked), csv));
            }
        }
        return out;
    }

    private static String amp(String query) {
        return query.isEmpty() ? "" : "&" + query.substring(1);
    }

    /** The table behind any panel: what its CSV download carries. */
    public static Table table(Panel p, Report r, String query) {
        return table(p, r, query, team -> true);
    }

    private static Table table(Panel p, Report r, String query, Predicate<UUID> linked) {
        return switch (p.type()) {
            case KPI -> Tables.kpis(p.id(), p.title(), r, p.metrics());
            case TIMESERIES -> Tables.daily(p.id(), p.title(), r, p.metrics());
            case BAR, TABLE -> Tables.table(p.id(), p.title(), r, p.groupBy(), p.metrics(), query, linked);
        };
    }

    static List<Kpi> kpis(Panel p, Report r) {
        List<Kpi> out = new ArrayList<>();
        for (Metric m : p.metrics()) {
            var change = m.change(r.total(), r.previousTotal());
            String cls = "";
            if (change != null && change.signum() != 0) {
                boolean up = change.signum() > 0;
                cls = up != m.lowerIsBetter() ? "good" : "bad";
            }
            String note = "";
            if (m == Metric.SPEND && r.total().unpricedRequests() > 0) {
                note = "+ " + Format.count(r.total().unpricedRequests()) + " unpriced requests not in spend";
            } else if (m == Metric.ROI && r.total().roiMultiple() != null) {
                note = r.total().paysOff()
                        ? "value exceeds spend"
                        : r.total().mayPayOff()
                                ? "value exceeds priced spend; unpriced calls not in spend"
                                : "spend exceeds value";
            }
            out.add(new Kpi(
                    m.key(),
                    m.label(),
                    Format.value(m, r.total()),
                    Format.value(m, r.previousTotal()),
                    Format.change(change),
                    cls,
                    note));
        }
        return out;
    }
}
