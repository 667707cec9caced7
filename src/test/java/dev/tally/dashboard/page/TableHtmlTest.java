package dev.tally.dashboard.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;

import dev.tally.dashboard.report.Table;
import dev.tally.dashboard.report.Table.Cell;
import dev.tally.dashboard.report.Table.Column;
import dev.tally.dashboard.report.Table.Row;

/** {@link TableHtml} against the Qute loop it replaced (an oracle test): the same HTML, whitespace aside. */
class TableHtmlTest {

    /** The datatable tag before TableHtml, verbatim. */
    private static final String QUTE_LOOP = """
            <div class="table-wrap">
            <table class="data">
              <thead><tr>{#for c in it.columns}{#if !c.csvOnly}<th {#if c.numeric}class="num"{/if}>{c.label}</th>{/if}{/for}</tr></thead>
              <tbody>
              {#for row in it.rows}
                <tr class="{row.cssClass}">{#for cell in row.cells}{#if !it.columns.get(cell_index).csvOnly}<td class="{#if it.columns.get(cell_index).numeric}num {/if}{cell.cssClass}">{#if cell.href}<a href="{cell.href}">{cell.text}</a>{#else}{cell.text}{/if}</td>{/if}{/for}</tr>
              {#else}
                <tr><td colspan="{it.columns.size}" class="empty">Nothing in this period.</td></tr>
              {/for}
              </tbody>
              {#if it.hasTotal}
              <tfoot><tr>{#for cell in it.total.cells}{#if !it.columns.get(cell_index).csvOnly}<td class="{#if it.columns.get(cell_index).numeric}num {/if}{cell.cssClass}">{cell.text}</td>{/if}{/for}</tr></tfoot>
              {/if}
            </table>
            </div>""";

    private static final Template ORACLE = Engine.builder()
            .addDefaults()
            .addValueResolver(new ReflectionValueResolver())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .build()
            .parse(QUTE_LOOP, Variant.forContentType(Variant.TEXT_HTML));

    private static final List<Column> COLUMNS = List.of(
            new Column("Team", "team", false),
            new Column("Spend <USD>", "spend_usd", true),
            new Column("Team id", "team_id", false, true),
            new Column("Unpriced", "unpriced_requests", true));

    @Test
    void aTableWithLinksHiddenColumnsClassesAndATotalIsTheQuteLoopsHtml() {
        Table t = new Table(
                "teams",
                "Teams",
                COLUMNS,
                List.of(
                        new Row(
                                List.of(
                                        new Cell("R&D \"core\" <x>", "R&D", "/teams/1?preset=30d&x='y'", ""),
                                        new Cell("$1,234.50", "1234.500000000", null, ""),
                                        new Cell("id-1", "id-1", null, "id"),
                                        new Cell("3", "3", null, "unpriced")),
                                "pays"),
                        new Row(
                                List.of(
                                        Cell.of("Ops", "Ops"),
                                        Cell.of("unpriced", ""),
                                        Cell.of("id-2", "id-2"),
                                        Cell.of("0", "0")),
                                "")),
                new Row(
                        List.of(
                                Cell.of("Total", "Total"),
                                new Cell("$1,234.50", "1234.5", "/ignored", "sum"),
                                Cell.of("", ""),
                                Cell.of("3", "3")),
                        ""));

        assertSameAsQute(t);
    }

    @Test
    void anEmptyTableSaysNothingInThisPeriodAcrossEveryColumn() {
        Table t = new Table("tools", "Tools", COLUMNS, List.of(), null);

        assertSameAsQute(t);
        assertThat(TableHtml.write(t)).contains("colspan=\"4\" class=\"empty\">Nothing in this period.");
    }

    private static void assertSameAsQute(Table t) {
        assertThat(normalized(TableHtml.write(t)))
                .isEqualTo(normalized(ORACLE.data("it", t).render()));
    }

    /** Indentation and line breaks between tags, and the loop's blank in {@code <th >}, are not part of what a browser shows. */
    private static String normalized(String html) {
        return html.replaceAll(">\\s+<", "><").replace("<th >", "<th>").trim();
    }
}
