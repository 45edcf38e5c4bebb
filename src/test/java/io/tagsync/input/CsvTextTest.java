package io.tagsync.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.TagsyncProperties.CsvEscape;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The text the CSV parser reads through {@link CsvText}: cells exactly as written, in either escape. */
class CsvTextTest {

    private static final String ALPHABET = "ab ,\"\\\n\r\té;|x\u00e9\u753b";

    private static List<List<String>> table(Random random) {
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < 2_000; r++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                StringBuilder cell = new StringBuilder("v");
                for (int n = random.nextInt(12); n > 0; n--) {
                    cell.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                row.add(cell.toString());
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<List<String>> parse(Reader text) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CSVParser parser = CSVFormat.RFC4180.parse(text)) {
            for (CSVRecord record : parser) {
                rows.add(record.toList());
            }
        }
        return rows;
    }

    @Test
    void rfc4180TextPassesAsItIs() throws IOException {
        List<List<String>> rows = table(new Random(11));
        StringBuilder text = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(text, CSVFormat.RFC4180)) {
            printer.printRecords(rows);
        }

        assertThat(parse(new CsvText(new StringReader(text.toString()), CsvEscape.DOUBLE_QUOTE, ",", 1 << 20)))
                .isEqualTo(rows);
    }

    /**
     * Cells as Spark writes them with its default options: quoted when they hold a delimiter, a quote, a line
     * break or a backslash, and then with {@code \} before each quote and backslash.
     */
    @Test
    void sparksBackslashEscapesReadBackAsWritten() throws IOException {
        List<List<String>> rows = table(new Random(12));
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                String cell = row.get(c);
                if (c > 0) {
                    text.append(',');
                }
                boolean quoted = cell.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r');
                text.append(quoted ? "\"" + cell.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : cell);
            }
            text.append('\n');
        }

        assertThat(parse(new CsvText(new StringReader(text.toString()), CsvEscape.BACKSLASH, ",", 1 << 20)))
                .isEqualTo(rows);
    }
}
