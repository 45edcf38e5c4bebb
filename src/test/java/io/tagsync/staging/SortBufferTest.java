package io.tagsync.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SortBufferTest {

    private record Row(String key, long ordinal, byte[] row) {}

    private static List<Row> rows(Random random, int count, int largeAt) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] row = new byte[i == largeAt ? SortBuffer.BLOCK + 10 : random.nextInt(300)];
            random.nextBytes(row);
            rows.add(new Row("img-" + random.nextInt(count / 4), i, row));
        }
        return rows;
    }

    private static List<String> expected(List<Row> rows) {
        return rows.stream()
                .sorted(Comparator.comparing(Row::key).thenComparingLong(Row::ordinal))
                .map(row -> row.key() + "/" + row.ordinal() + "/" + Arrays.hashCode(row.row()))
                .toList();
    }

    private static List<String> sorted(SortBuffer buffer, List<Row> rows) {
        for (Row row : rows) {
            buffer.add(row.key().getBytes(StandardCharsets.UTF_8), row.ordinal(), row.row());
        }
        buffer.sort();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < buffer.size(); i++) {
            UpdateMerger.Pending pending = buffer.get(i);
            out.add(pending.imageId() + "/" + pending.ordinal() + "/" + Arrays.hashCode(pending.encoded()));
        }
        return out;
    }

    @Test
    void sortsRowsAcrossBlocksByImageIdThenInTheOrderAddedAndIsReusedAfterClearing() {
        Random random = new Random(11);
        SortBuffer buffer = new SortBuffer();
        // about 3 blocks of rows and one row larger than a block
        List<Row> first = rows(random, 20_000, 7_000);
        assertThat(sorted(buffer, first)).isEqualTo(expected(first));
        assertThat(buffer.bytes()).isGreaterThan(2L * SortBuffer.BLOCK);

        buffer.clear();
        assertThat(buffer.size()).isZero();
        List<Row> second = rows(random, 5_000, -1);
        assertThat(sorted(buffer, second)).isEqualTo(expected(second));
    }

    @Test
    void writesItsRecordsInSortedOrderAsARunFileHoldsThem() throws IOException {
        Random random = new Random(5);
        List<Row> rows = rows(random, 3_000, 100);
        SortBuffer buffer = new SortBuffer();
        List<String> inMemory = sorted(buffer, rows);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (SpillOutput out = new SpillOutput(file)) {
            for (int i = 0; i < buffer.size(); i++) {
                buffer.writeRecord(i, out);
            }
        }
        SpillInput in = new SpillInput(new ByteArrayInputStream(file.toByteArray()));
        List<String> readBack = new ArrayList<>();
        while (true) {
            byte[] key;
            try {
                key = in.readBytes();
            } catch (EOFException end) {
                break;
            }
            long ordinal = in.readLong();
            byte[] row = in.readBytes();
            readBack.add(new String(key, StandardCharsets.UTF_8) + "/" + ordinal + "/" + Arrays.hashCode(row));
        }
        assertThat(readBack).isEqualTo(inMemory);
    }
}
