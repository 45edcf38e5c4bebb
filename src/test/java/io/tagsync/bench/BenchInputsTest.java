package io.tagsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.Fixtures;
import io.tagsync.Fixtures.ReadRow;
import io.tagsync.input.ParquetUpdateReader;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.GroupType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's Parquet inputs have the list layouts they are named for, and read as the same rows. */
class BenchInputsTest {

    @TempDir
    Path dir;

    @Test
    void twoLevelAndThreeLevelListsReadAlike() throws IOException {
        Path legacy = dir.resolve("legacy.parquet");
        Path standard = dir.resolve("standard.parquet");
        BenchInputs.writeParquet(legacy, 10, false);
        BenchInputs.writeParquet(standard, 10, true);

        assertThat(repeatedOf(legacy, "addTags").getName()).isEqualTo("array");
        assertThat(repeatedOf(legacy, "addTags").isPrimitive()).isTrue();
        assertThat(repeatedOf(standard, "addTags").getName()).isEqualTo("list");
        assertThat(repeatedOf(standard, "addTags").asGroupType().getType(0).getName())
                .isEqualTo("element");
        var legacyRows = Fixtures.readAll(new ParquetUpdateReader(legacy, Fixtures.defaultInput()));
        var standardRows = Fixtures.readAll(new ParquetUpdateReader(standard, Fixtures.defaultInput()));
        assertThat(standardRows).hasSize(10).allSatisfy(row -> assertThat(row).isInstanceOf(ReadRow.Valid.class));
        assertThat(standardRows.stream()
                        .map(row -> ((ReadRow.Valid) row).update())
                        .toList())
                .isEqualTo(legacyRows.stream()
                        .map(row -> ((ReadRow.Valid) row).update())
                        .toList());
    }

    private static org.apache.parquet.schema.Type repeatedOf(Path file, String column) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(
                new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            GroupType list =
                    reader.getFileMetaData().getSchema().getType(column).asGroupType();
            return list.getType(0);
        }
    }
}
