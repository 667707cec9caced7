package dev.tally.dashboard.definition;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.tally.dashboard.definition.Dashboard.ChartType;
import dev.tally.dashboard.definition.Dashboard.Grouping;
import dev.tally.dashboard.definition.Dashboard.Panel;
import dev.tally.dashboard.definition.Dashboard.PanelType;
import dev.tally.dashboard.definition.Dashboard.Scope;
import dev.tally.dashboard.roi.Metric;
import dev.tally.dashboard.roi.RoiModel;

/** Parses and validates dashboards/*.yaml; every error names the file and line. */
public final class DefinitionParser {

    private DefinitionParser() {}

    public static Dashboard dashboard(String file, String text) {
        YamlNode root = YamlNode.parse(file, text);
        root.onlyKeys("the dashboard", "title", "scope", "panels");
        Map<String, YamlNode> m = root.map("the dashboard");
        String title = required(root, m, "title").text("title");
        Scope scope = enumValue(Scope.class, required(root, m, "scope"), "scope");
        List<Panel> panels = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (YamlNode p : required(root, m, "panels").list("panels")) {
            Panel panel = panel(p, scope, panels.size() + 1);
            if (!ids.add(panel.id())) {
                throw p.error("panel id '" + panel.id() + "' is used twice in this dashboard");
            }
            panels.add(panel);
        }
        if (panels.isEmpty()) {
            throw root.error("panels: a dashboard needs at least one panel");
        }
        String name = file.endsWith(".yaml") ? file.substring(0, file.length() - 5) : file;
        return new Dashboard(name, title, scope, List.copyOf(panels));
    }

    private static Panel panel(YamlNode node, Scope scope, int index) {
        node.onlyKeys(
                "a panel", "id", "type", "title", "metric", "metrics", "groupBy", "chart", "limit", "description");
        Map<String, YamlNode> m = node.map("a panel");
        PanelType type = enumValue(PanelType.class, required(node, m, "type"), "type");
        String title = required(node, m, "title").text("title");
        String id = m.containsKey("id") ? m.get("id").text("id") : "panel-" + index;
        if (!id.matches("[a-z0-9][a-z0-9-]*")) {
            throw m.get("id").error("id '" + id + "' must be lower-case letters, digits and dashes");
        }
        List<Metric> metrics = new ArrayList<>();
        if (m.containsKey("metric") && m.containsKey("metrics")) {
            throw m.get("metrics").error("give either metric or metrics, not both");
        }
        if (m.containsKey("metric")) {
            metrics.add(metric(m.get("metric")));
        } else if (m.containsKey("metrics")) {
            for (YamlNode n : m.get("metrics").list("metrics")) {
                metrics.add(metric(n));
            }
        }
        Grouping groupBy = m.containsKey("groupBy") ? enumValue(Grouping.class, m.get("groupBy"), "groupBy") : null;
        if (groupBy != null && !groupBy.allowedIn(scope)) {
            throw m.get("groupBy")
                    .error("groupBy " + lower(groupBy) + " is not available on a " + lower(scope) + " dashboard");
        }
        ChartType chart = m.containsKey("chart") ? enumValue(ChartType.class, m.get("chart"), "chart") : null;
        int limit = 12;
        if (m.containsKey("limit")) {
            String l = m.get("limit").text("limit");
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1 || limit > 500) {
                throw m.get("limit").error("limit '" + l + "' must be a whole number from 1 to 500");
            }
        }
        String description = m.containsKey("description") ? m.get("description").text("description") : "";
        boolean prs = groupBy == Grouping.MERGED_PRS;
        switch (type) {
            case KPI, TIMESERIES -> {
                if (groupBy != null) {
                    throw m.get("groupBy")
                            .error(lower(type) + " panels take no groupBy"
                                    + (type == PanelType.TIMESERIES ? " (they group by day)" : ""));
                }
            }
            case BAR, TABLE -> {
                if (groupBy == null) {
                    throw node.error(lower(type) + " panel '" + title + "' needs groupBy (one of "
                            + (scope == Scope.ORG ? "team, department, model" : "employee, model, merged_prs") + ")");
                }
                if (type == PanelType.BAR && prs) {
                    throw m.get("groupBy").error("merged_prs is a list, use it in a table panel");
                }
            }
        }
        if (metrics.isEmpty() && !prs) {
            throw node.error("panel '" + title + "' needs metric or metrics (one of: " + Metric.keys() + ")");
        }
        if (chart != null && !(type == PanelType.TIMESERIES || type == PanelType.BAR)) {
            throw m.get("chart").error("chart applies to timeseries and bar panels only");
        }
        if (type == PanelType.TIMESERIES && chart == null) {
            chart = ChartType.LINE;
        }
        if (type == PanelType.BAR && chart == null) {
            chart = ChartType.BAR;
        }
        return new Panel(id, type, title, List.copyOf(metrics), groupBy, chart, limit, description);
    }

    public static RoiModel roi(String file, String text) {
        YamlNode root = YamlNode.parse(file, text);
        root.onlyKeys("roi.yaml", "loadedHourlyCostUsd", "outcomes");
        Map<String, YamlNode> m = root.map("roi.yaml");
        YamlNode costNode = required(root, m, "loadedHourlyCostUsd");
        BigDecimal cost = decimal(costNode, "loadedHourlyCostUsd");
        long costNanos;
        try {
            costNanos = cost.movePointRight(9).longValueExact();
        } catch (ArithmeticException e) {
            throw costNode.error("loadedHourlyCostUsd has more than 9 decimals or is too large");
        }
        Map<String, RoiModel.KindValue> kinds = new HashMap<>();
        for (Map.Entry<String, YamlNode> e :
                required(root, m, "outcomes").map("outcomes").entrySet()) {
            YamlNode k = e.getValue();
            k.onlyKeys("outcome kind " + e.getKey(), "hours", "aiAssistedOnly", "bySeverity");
            Map<String, YamlNode> km = k.map("outcome kind " + e.getKey());
            BigDecimal hours = decimal(required(k, km, "hours"), "hours");
            boolean aiOnly = km.containsKey("aiAssistedOnly") && bool(km.get("aiAssistedOnly"), "aiAssistedOnly");
            Map<String, BigDecimal> sev = new HashMap<>();
            if (km.containsKey("bySeverity")) {
                for (Map.Entry<String, YamlNode> s :
                        km.get("bySeverity").map("bySeverity").entrySet()) {
                    sev.put(s.getKey().toLowerCase(Locale.ROOT), decimal(s.getValue(), "bySeverity." + s.getKey()));
                }
            }
            kinds.put(e.getKey(), new RoiModel.KindValue(hours, aiOnly, sev));
        }
        return new RoiModel(costNanos, kinds);
    }

    private static YamlNode required(YamlNode parent, Map<String, YamlNode> m, String key) {
        YamlNode n = m.get(key);
        if (n == null || n.value == null) {
            throw parent.error("missing '" + key + "'");
        }
        return n;
    }

    private static Metric metric(YamlNode n) {
        String key = n.text("metric");
        return Metric.byKey(key)
                .orElseThrow(() -> n.error("unknown metric '" + key + "' (known: " + Metric.keys() + ")"));
    }

    private static BigDecimal decimal(YamlNode n, String what) {
        String s = n.text(what);
        try {
            BigDecimal d = new BigDecimal(s);
            if (d.signum() < 0 || d.scale() > 3) {
                throw n.error(what + " '" + s + "' must be zero or more, with at most 3 decimals");
            }
            return d;
        } catch (NumberFormatException e) {
            throw n.error(what + " '" + s + "' is not a number");
        }
    }

    private static boolean bool(YamlNode n, String what) {
        String s = n.text(what);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw n.error(what + " '" + s + "' must be true or false");
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, YamlNode n, String what) {
        String s = n.text(what);
        for (E e : type.getEnumConstants()) {
            if (lower(e).equals(s)) {
                return e;
            }
        }
        List<String> ok = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            ok.add(lower(e));
        }
        throw n.error(what + " '" + s + "' is not one of " + String.join(", ", ok));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
