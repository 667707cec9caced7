package dev.tally.dashboard.report;

import java.util.List;

import io.quarkus.qute.TemplateData;

/**
 * A table as the page shows it and the CSV carries it: each cell has its display text and its
 * exact CSV value (money in USD with nine decimals, so CSV sums equal the nano-dollar totals).
 */
@TemplateData
public record Table(String id, String title, List<Column> columns, List<Row> rows, Row total) {

    @TemplateData
    /** @param csvOnly carried in the CSV but not drawn on the page (ids) */
    public record Column(String label, String csvName, boolean numeric, boolean csvOnly) {
        public Column(String label, String csvName, boolean numeric) {
            this(label, csvName, numeric, false);
        }
    }

    /** @param cssClass "pays" / "costs" marks a team's verdict; empty otherwise */
    @TemplateData
    public record Row(List<Cell> cells, String cssClass) {}

    /** @param href link target on the page, or null */
    @TemplateData
    public record Cell(String text, String csv, String href, String cssClass) {
        public static Cell of(String text, String csv) {
            return new Cell(text, csv, null, "");
        }

        /** A value shown and exported as the same text ({@code toString}); null is empty. */
        public static Cell plain(Object value) {
            String s = value == null ? "" : value.toString();
            return new Cell(s, s, null, "");
        }
    }

    public boolean hasTotal() {
        return total != null;
    }
}
