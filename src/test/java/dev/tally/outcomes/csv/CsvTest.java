package dev.tally.outcomes.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaksAndRowsKeepTheirLineNumbers() throws Exception {
        String text = "\ufeffId,Ref\r\n1,\"a, \"\"quoted\"\" ref\"\r\n\r\n2,\"two\nlines\"\n3,plain\n";
        Csv.Table t = Csv.parse(text, List.of("id", "ref"));
        assertThat(t.rows()).hasSize(3);
        assertThat(t.rows().get(0).get("ref")).isEqualTo("a, \"quoted\" ref");
        assertThat(t.rows().get(0).line()).isEqualTo(2);
        assertThat(t.rows().get(1).get("REF")).isEqualTo("two\nlines");
        assertThat(t.rows().get(1).line()).isEqualTo(4);
        assertThat(t.rows().get(2).line()).isEqualTo(6);
        assertThat(t.rows().get(2).get("missing")).isEmpty();
    }

    @Test
    void structuralProblemsNameTheLine() {
        assertThatThrownBy(() -> Csv.parse("id,ref\n1,2,3\n", List.of("id")))
                .hasMessageContaining("line 2")
                .hasMessageContaining("3 fields");
        assertThatThrownBy(() -> Csv.parse("id,ref\n1,\"open\n", List.of("id")))
                .hasMessageContaining("line 2")
                .hasMessageContaining("not closed");
        assertThatThrownBy(() -> Csv.parse("name\nx\n", List.of("id", "kind")))
                .hasMessageContaining("lacks column(s) id, kind");
        assertThatThrownBy(() -> Csv.parse("", List.of("id"))).hasMessageContaining("empty");
    }
}
