package io.tagsync.input;

import static io.tagsync.Fixtures.defaultInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void givesTheSameRowsInTheSameOrderAsTheReaderItWraps() throws IOException {
        Path file = csv(5_000);
        List<InputRow> plain = Fixtures.readAll(UpdateReaders.open(file, defaultInput()));
        List<InputRow> ahead =
                Fixtures.readAll(new ReadAheadReader(UpdateReaders.open(file, defaultInput()), "test-reader"));

        assertThat(ahead).hasSize(5_000).isEqualTo(plain);
        assertThat(ahead.stream().filter(InputRow.Rejected.class::isInstance).count())
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
        List<InputRow> plain = rowsBeforeFailure(UpdateReaders.open(file, defaultInput()));
        List<InputRow> ahead =
                rowsBeforeFailure(new ReadAheadReader(UpdateReaders.open(file, defaultInput()), "test-reader"));

        assertThat(ahead).hasSizeGreaterThan(100_000).isEqualTo(plain);
    }

    private static List<InputRow> rowsBeforeFailure(UpdateReader reader) {
        List<InputRow> rows = new ArrayList<>();
        try (reader) {
            assertThatThrownBy(() -> {
                        for (InputRow row = reader.next(); row != null; row = reader.next()) {
                            rows.add(row);
                        }
                    })
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("broken.csv: line 200002: not valid UTF-8");
        }
        return rows;
    }

    @Test
    void closingBeforeTheEndStopsTheThreadAndClosesTheReader() throws IOException {
        Path file = csv(50_000);
        boolean[] closed = {false};
        UpdateReader csv = UpdateReaders.open(file, defaultInput());
        UpdateReader watched = new UpdateReader() {
            @Override
            public InputRow next() {
                return csv.next();
            }

            @Override
            public void close() {
                closed[0] = true;
                csv.close();
            }
        };
        ReadAheadReader reader = new ReadAheadReader(watched, "test-reader-closed");
        assertThat(reader.next().row()).isEqualTo(1);
        reader.close();

        assertThat(closed[0]).isTrue();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().equals("test-reader-closed"));
    }
}
