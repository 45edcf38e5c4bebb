package io.tagsync.input;

import static io.tagsync.Fixtures.defaultInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures;
import io.tagsync.Fixtures.ReadRow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

class ReadAheadReaderTest {

    @TempDir
    Path dir;

    /** Rows over many blocks, every 997th one invalid. */
    private Path csv(int rows) throws IOException {
        StringBuilder text = new StringBuilder("imageId,metadata.n:number,addTags\n");
        for (int i = 1; i <= rows; i++) {
            text.append("img-")
                    .append(i)
                    .append(',')
                    .append(i % 997 == 0 ? "many" : String.valueOf(i))
                    .append(",t\n");
        }
        Path file = dir.resolve("rows.csv");
        Files.writeString(file, text);
        return file;
    }

    /** {@code file} read through a {@link ReadAheadReader}, as an input's reader reads each of its files. */
    private static ItemStreamReader<InputRow> readAhead(FileRowReader file, String thread) {
        return new ItemStreamReader<>() {
            private ReadAheadReader rows;

            @Override
            public void open(ExecutionContext context) {
                file.open(context);
                rows = new ReadAheadReader(file, thread);
            }

            @Override
            public InputRow read() throws Exception {
                return rows.read();
            }

            @Override
            public void close() {
                rows.close();
                file.close();
            }
        };
    }

    @Test
    void givesTheSameRowsInTheSameOrderAsTheReaderItWraps() throws IOException {
        Path file = csv(5_000);
        List<ReadRow> plain = Fixtures.readAll(new CsvUpdateReader(file, defaultInput()));
        List<ReadRow> ahead = Fixtures.readAll(readAhead(new CsvUpdateReader(file, defaultInput()), "test-reader"));

        assertThat(ahead).hasSize(5_000).isEqualTo(plain);
        assertThat(ahead.stream().filter(ReadRow.Rejected.class::isInstance).count())
                .isEqualTo(5);
    }

    @Test
    void aFailureOfTheInputComesWhereItWouldWithoutReadingAhead() throws IOException {
        // larger than the reader's buffers, so that the bad byte is met while rows are being read
        Path file = dir.resolve("broken.csv");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("imageId,addTags\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 1; i <= 200_000; i++) {
                out.write(("img-" + i + ",t\n").getBytes(StandardCharsets.UTF_8));
            }
            out.write(new byte[] {'i', 'm', 'g', (byte) 0xFF, ',', 't', '\n'});
        }
        List<InputRow> plain = rowsBeforeFailure(new CsvUpdateReader(file, defaultInput()));
        List<InputRow> ahead = rowsBeforeFailure(readAhead(new CsvUpdateReader(file, defaultInput()), "test-reader"));

        assertThat(ahead).hasSizeGreaterThan(100_000).isEqualTo(plain);
    }

    private static List<InputRow> rowsBeforeFailure(ItemStreamReader<InputRow> reader) {
        List<InputRow> rows = new ArrayList<>();
        reader.open(new ExecutionContext());
        try {
            assertThatThrownBy(() -> {
                        for (InputRow row = reader.read(); row != null; row = reader.read()) {
                            rows.add(row);
                        }
                    })
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("broken.csv: line 200002: not valid UTF-8");
        } finally {
            reader.close();
        }
        return rows;
    }

    @Test
    void closingBeforeTheEndStopsTheThread() throws Exception {
        Path file = csv(50_000);
        CsvUpdateReader csv = new CsvUpdateReader(file, defaultInput());
        csv.open(new ExecutionContext());
        ReadAheadReader reader = new ReadAheadReader(csv, "test-reader-closed");
        assertThat(reader.read().row()).isEqualTo(1);
        reader.close();
        csv.close();

        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().equals("test-reader-closed"));
    }
}
