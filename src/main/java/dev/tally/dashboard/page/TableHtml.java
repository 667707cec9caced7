package dev.tally.dashboard.page;

import java.util.List;

import io.quarkus.qute.Escaper;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

import dev.tally.dashboard.report.Table;
import dev.tally.dashboard.report.Table.Cell;
import dev.tally.dashboard.report.Table.Column;

/**
 * A {@link Table} as the pages draw it (CSV-only columns left out), written in Java: {@code {it.html}}
 * in {@code tags/datatable.html}. The org overview draws tables of a row per team (teams, delivery per
 * team, tools), and the Qute loop that drew them evaluated several expressions per cell: most of the
 * page's render after a write (docs/rollups.md, "How the pages stay fast, exactly"). Text is escaped
 * by Qute's own HTML rules; {@code TableHtmlTest} checks the output against the Qute loop it replaced.
 */
@TemplateExtension
public final class TableHtml {

    /** Qute's HTML escaping (io.quarkus.qute.HtmlEscaper): the same five characters. */
    private static final Escaper HTML = Escaper.builder()
            .add('"', "&quot;")
            .add('\'', "&#39;")
            .add('&', "&amp;")
            .add('<', "&lt;")
            .add('>', "&gt;")
            .build();

    private TableHtml() {}

    static RawString html(Table t) {
        return new RawString(write(t));
    }

    static String write(Table t) {
        List<Column> cols = t.columns();
        StringBuilder b = new StringBuilder(256 + 96 * t.rows().size() * cols.size());
        b.append("<div class=\"table-wrap\">\n<table class=\"data\">\n  <thead><tr>");
        for (Column c : cols) {
            if (!c.csvOnly()) {
                b.append(c.numeric() ? "<th class=\"num\">" : "<th>")
                        .append(esc(c.label()))
                        .append("</th>");
            }
        }
        b.append("</tr></thead>\n  <tbody>\n");
        for (Table.Row row : t.rows()) {
            b.append("    <tr class=\"").append(esc(row.cssClass())).append("\">");
            cells(b, cols, row.cells(), true);
            b.append("</tr>\n");
        }
        if (t.rows().isEmpty()) {
            b.append("    <tr><td colspan=\"")
                    .append(cols.size())
                    .append("\" class=\"empty\">Nothing in this period.</td></tr>\n");
        }
        b.append("  </tbody>\n");
        if (t.hasTotal()) {
            b.append("  <tfoot><tr>");
            cells(b, cols, t.total().cells(), false);
            b.append("</tr></tfoot>\n");
        }
        return b.append("</table>\n</div>").toString();
    }

    /** The visible cells; links only in the body (the total row has none). */
    private static void cells(StringBuilder b, List<Column> cols, List<Cell> cells, boolean links) {
        for (int i = 0; i < cells.size(); i++) {
            Column c = cols.get(i);
            if (c.csvOnly()) {
                continue;
            }
            Cell cell = cells.get(i);
            b.append("<td class=\"")
                    .append(c.numeric() ? "num " : "")
                    .append(esc(cell.cssClass()))
                    .append("\">");
            if (links && cell.href() != null) {
                b.append("<a href=\"")
                        .append(esc(cell.href()))
                        .append("\">")
                        .append(esc(cell.text()))
                        .append("</a>");
            } else {
                b.append(esc(cell.text()));
            }
            b.append("</td>");
        }
    }

    /** As Qute writes a value: null as nothing would be a bug upstream, so it shows as Qute shows it. */
    private static String esc(String s) {
        return s == null ? "" : HTML.escape(s);
    }
}
