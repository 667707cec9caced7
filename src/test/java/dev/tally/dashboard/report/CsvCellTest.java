package dev.tally.dashboard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One rule for every CSV value Tally writes: RFC 4180 quoting and no formula a spreadsheet would run. */
class CsvCellTest {

    @ParameterizedTest
    @ValueSource(strings = {"=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "-cmd|' /C calc'!A0", "-"})
    void aTextASpreadsheetWouldRunIsKeptAsText(String value) {
        String cell = Tables.csvCell(value);
        String unquoted = cell.startsWith("\"") ? cell.substring(1, cell.length() - 1) : cell;
        assertThat(unquoted).startsWith("'");
        assertThat(unquoted.substring(1).replace("\"\"", "\"")).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-0.000000001", "-12.5", "0", "12.000000001", "Payments team", "a=b", "x-y"})
    void numbersAndPlainTextPassUnchanged(String value) {
        assertThat(Tables.csvCell(value)).isEqualTo(value);
    }

    @Test
    void separatorsQuotesAndLineBreaksAreQuoted() {
        assertThat(Tables.csvCell("Smith, Jane")).isEqualTo("\"Smith, Jane\"");
        assertThat(Tables.csvCell("the \"core\" team")).isEqualTo("\"the \"\"core\"\" team\"");
        assertThat(Tables.csvCell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Tables.csvCell("\r=1")).isEqualTo("\"'\r=1\"");
        assertThat(Tables.csvCell(null)).isEmpty();
    }

    @Test
    void aTableIsWrittenWithTheSameRule() {
        Table t = new Table(
                "t",
                "T",
                List.of(new Table.Column("Team", "team", false), new Table.Column("Spend", "spend_usd", true)),
                List.of(new Table.Row(
                        List.of(Table.Cell.of("=HYPERLINK(x)", "=HYPERLINK(x)"), Table.Cell.of("-2", "-2")), "")),
                null);
        assertThat(Tables.csv(t)).isEqualTo("team,spend_usd\r\n'=HYPERLINK(x),-2\r\n");
    }
}
