package dev.tally.outcomes.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the CSV reader of {@code POST /api/outcomes/import}: any text is a table or a
 * {@link Csv.CsvFormatException} (a 400 naming the line), never another exception. Seeds and kept
 * crashes: {@code src/test/resources/dev/tally/outcomes/csv/CsvFuzzTestInputs/parse/}.
 */
class CsvFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] body) {
        Csv.Table table;
        try {
            // the resource takes the body as a String: UTF-8, malformed bytes replaced
            table = Csv.parse(new String(body, StandardCharsets.UTF_8), OutcomeImportService.REQUIRED);
        } catch (Csv.CsvFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(table.header()).containsAll(List.of("id", "kind", "occurredat", "aiassisted"));
        int line = 1;
        for (Csv.Row row : table.rows()) {
            assertThat(row.fields()).hasSizeLessThanOrEqualTo(table.header().size());
            assertThat(row.line()).isGreaterThan(line);
            line = row.line();
        }
    }
}
