package dev.tally.dashboard.definition;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.quarkus.qute.TemplateData;

import dev.tally.dashboard.roi.Metric;

/** One dashboard of {@code dashboards/<name>.yaml}: a page's panels, in order. */
public record Dashboard(String name, String title, Scope scope, List<Panel> panels) {

    public enum Scope {
        ORG,
        TEAM
    }

    public enum PanelType {
        KPI,
        TIMESERIES,
        BAR,
        TABLE
    }

    /** What a bar or table panel groups by; a time series always groups by day. */
    public enum Grouping {
        TEAM,
        DEPARTMENT,
        MODEL,
        EMPLOYEE,
        MERGED_PRS;

        boolean allowedIn(Scope scope) {
            return switch (this) {
                case EMPLOYEE, MERGED_PRS -> scope == Scope.TEAM;
                case TEAM, DEPARTMENT -> scope == Scope.ORG;
                case MODEL -> true;
            };
        }
    }

    public enum ChartType {
        LINE,
        AREA,
        BAR,
        STACKED_BAR
    }

    /**
     * @param id     unique within the dashboard; names the chart and CSV URLs
     * @param limit  bar panels: how many groups at most (largest first)
     */
    @TemplateData
    public record Panel(
            String id,
            PanelType type,
            String title,
            List<Metric> metrics,
            Grouping groupBy,
            ChartType chart,
            int limit,
            String description) {

        public String typeName() {
            return type.name().toLowerCase(Locale.ROOT);
        }

        public boolean isKpi() {
            return type == PanelType.KPI;
        }

        public boolean isChart() {
            return type == PanelType.TIMESERIES || type == PanelType.BAR;
        }

        public boolean isTable() {
            return type == PanelType.TABLE;
        }
    }

    public Optional<Panel> panel(String id) {
        return panels.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
