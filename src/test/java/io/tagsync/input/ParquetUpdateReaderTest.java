package io.tagsync.input;

import static io.tagsync.Fixtures.defaultInput;
import static io.tagsync.ParquetFiles.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures;
import io.tagsync.Fixtures.ReadRow;
import io.tagsync.ParquetFiles;
import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParquetUpdateReaderTest {

    @TempDir
    Path dir;

    private static List<ReadRow> readAll(Path file, TagsyncProperties.Input settings) {
        return Fixtures.readAll(new ParquetUpdateReader(file, settings));
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionCodecName.class,
            names = {"UNCOMPRESSED", "SNAPPY", "ZSTD", "GZIP", "LZ4_RAW", "LZ4"})
    void readsStructMetadataListsAndNullsInEveryCodec(CompressionCodecName codec) throws IOException {
        Path file = dir.resolve("changes-" + codec + ".parquet");
        ParquetFiles.write(
                file,
                ParquetFiles.STRUCT_METADATA,
                codec,
                List.of(
                        change("a", new Object[] {"north", 16, 1.5, true}, null, List.of("night", "truck"), null),
                        change("b", new Object[] {null, null, null, false}, List.of("legacy"), null, List.of("todo")),
                        change("c", null, null, null, null)));

        List<ReadRow> rows = readAll(file, defaultInput());

        assertThat(rows).hasSize(3);
        ImageUpdate a = ((ReadRow.Valid) rows.get(0)).update();
        assertThat(a.metadata())
                .containsExactly(
                        Map.entry("camera", "north"),
                        Map.entry("exposure_ms", 16L),
                        Map.entry("gain", 1.5),
                        Map.entry("reviewed", true));
        assertThat(a.addTags()).containsExactly("night", "truck");
        ImageUpdate b = ((ReadRow.Valid) rows.get(1)).update();
        assertThat(b.metadata()).containsExactly(Map.entry("reviewed", false));
        assertThat(b.removeMetadata()).containsExactly("legacy");
        assertThat(b.removeTags()).containsExactly("todo");
        ReadRow.Rejected c = (ReadRow.Rejected) rows.get(2);
        assertThat(c.row()).isEqualTo(3);
        assertThat(c.reason()).startsWith("no change");
    }

    @Test
    void readsMapMetadataJoinedTagsAndMappedColumns() throws IOException {
        Path file = dir.resolve("mapped.parquet");
        ParquetFiles.write(
                file,
                ParquetFiles.MAP_METADATA,
                CompressionCodecName.SNAPPY,
                List.of(
                        ParquetFiles.mapChange("a", Map.of("lux", "120", "batch", "2026-11"), "x|y", "gate"),
                        ParquetFiles.mapChange("b", null, null, "dock")));
        TagsyncProperties.Input settings = new TagsyncProperties.Input(
                "|", Map.of("image_id", "imageId", "cam", "metadata.camera"), List.of(), null, null, null, null);

        List<ReadRow> rows = readAll(file, settings);

        ImageUpdate a = ((ReadRow.Valid) rows.get(0)).update();
        assertThat(a.imageId()).isEqualTo("a");
        assertThat(a.metadata())
                .containsEntry("lux", "120")
                .containsEntry("batch", "2026-11")
                .containsEntry("camera", "gate");
        assertThat(a.addTags()).containsExactly("x", "y");
        assertThat(((ReadRow.Valid) rows.get(1)).update().metadata()).containsExactly(Map.entry("camera", "dock"));
    }

    @Test
    void anUnmappedColumnFailsNamingItsType() throws IOException {
        Path file = dir.resolve("unmapped.parquet");
        ParquetFiles.write(file, ParquetFiles.MAP_METADATA, CompressionCodecName.SNAPPY, List.of());

        assertThatThrownBy(() -> readAll(file, defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("unmapped.parquet: unknown column 'image_id' of type string");
    }

    @Test
    void aColumnOfTheWrongTypeFailsNamingColumnAndType() throws IOException {
        Schema schema = SchemaBuilder.record("change")
                .fields()
                .requiredString("imageId")
                .requiredLong("addTags")
                .endRecord();
        Path file = dir.resolve("wrong-type.parquet");
        ParquetFiles.write(
                file,
                schema,
                CompressionCodecName.SNAPPY,
                List.of(new GenericRecordBuilder(schema)
                        .set("imageId", "a")
                        .set("addTags", 3L)
                        .build()));

        assertThatThrownBy(() -> readAll(file, defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("wrong-type.parquet: column 'addTags' has type int64");
    }

    @Test
    void noImageIdColumnFails() throws IOException {
        Schema schema = SchemaBuilder.record("change")
                .fields()
                .optionalString("addTags")
                .endRecord();
        Path file = dir.resolve("no-id.parquet");
        List<GenericRecord> none = List.of();
        ParquetFiles.write(file, schema, CompressionCodecName.SNAPPY, none);

        assertThatThrownBy(() -> readAll(file, defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("no-id.parquet: no imageId column");
    }

    @Test
    void aCorruptFileFailsNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("corrupt.parquet"), "PAR1 this is not parquet at all PAR1");

        assertThatThrownBy(() -> readAll(file, defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("corrupt.parquet: not a readable Parquet file");
    }
}
