package dev.tally.outcomes.csv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 4180 CSV as spreadsheets export it: comma-separated, fields optionally in double quotes (a
 * quote inside doubled), quoted fields may hold commas and line breaks, CRLF or LF line ends, a UTF-8
 * byte-order mark tolerated. The first record is the header; blank lines are skipped. Each record
 * keeps the line number it starts on, so errors can point at the row a person sees in a spreadsheet.
 */
public final class Csv {

    /** One data record: its line number in the file (the header is line 1) and its fields by header name. */
    public record Row(int line, Map<String, String> fields) {
        /** The trimmed value of {@code column}, or "" when the column is absent or empty. */
        public String get(String column) {
            String v = fields.get(column.toLowerCase(Locale.ROOT));
            return v == null ? "" : v.strip();
        }
    }

    public record Table(List<String> header, List<Row> rows) {}

    /** A file that cannot be read as CSV at all (as opposed to a row with a bad value). */
    public static final class CsvFormatException extends Exception {
        public CsvFormatException(String message) {
            super(message);
        }
    }

    private Csv() {}

    public static Table parse(String text, List<String> requiredColumns) throws CsvFormatException {
        List<Record> records = records(text == null ? "" : text);
        if (records.isEmpty()) {
            throw new CsvFormatException(
                    "the file is empty: expected a header line with " + String.join(",", requiredColumns));
        }
        List<String> header = new ArrayList<>();
        for (String h : records.get(0).fields()) {
            header.add(h.strip().toLowerCase(Locale.ROOT));
        }
        List<String> missing = new ArrayList<>();
        for (String c : requiredColumns) {
            if (!header.contains(c.toLowerCase(Locale.ROOT))) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new CsvFormatException("header (line 1) lacks column(s) " + String.join(", ", missing) + "; expected "
                    + String.join(",", requiredColumns));
        }
        List<Row> rows = new ArrayList<>();
        for (Record r : records.subList(1, records.size())) {
            if (r.fields().size() != header.size()) {
                throw new CsvFormatException(
                        "line " + r.line() + ": " + r.fields().size() + " fields, the header has " + header.size());
            }
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                fields.put(header.get(i), r.fields().get(i));
            }
            rows.add(new Row(r.line(), fields));
        }
        return new Table(header, rows);
    }

    private record Record(int line, List<String> fields) {}

    private static List<Record> records(String text) throws CsvFormatException {
        List<Record> out = new ArrayList<>();
        int i = text.startsWith("\ufeff") ? 1 : 0;
        int line = 1;
        int n = text.length();
        while (i < n) {
            int start = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            boolean endOfRecord = false;
            while (i < n && !endOfRecord) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        quoted = false;
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append(c);
                    }
                    i++;
                    continue;
                }
                switch (c) {
                    case '"' -> {
                        if (field.length() > 0 && !field.toString().isBlank() || wasQuoted) {
                            throw new CsvFormatException("line " + line + ": a quote inside an unquoted field");
                        }
                        field.setLength(0);
                        quoted = true;
                        wasQuoted = true;
                    }
                    case ',' -> {
                        fields.add(field.toString());
                        field.setLength(0);
                        wasQuoted = false;
                    }
                    case '\r' -> {
                        // part of CRLF; a lone CR is dropped as well
                    }
                    case '\n' -> {
                        line++;
                        endOfRecord = true;
                    }
                    default -> {
                        if (wasQuoted && !Character.isWhitespace(c)) {
                            throw new CsvFormatException("line " + line + ": text after a closing quote");
                        }
                        if (!wasQuoted) {
                            field.append(c);
                        }
                    }
                }
                i++;
            }
            if (quoted) {
                throw new CsvFormatException("line " + start + ": a quoted field is not closed");
            }
            fields.add(field.toString());
            boolean blank = fields.size() == 1 && fields.get(0).isBlank() && !wasQuoted;
            if (!blank) {
                out.add(new Record(start, fields));
            }
        }
        return out;
    }
}
