package io.tagsync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.Fixtures.ReadRow;
import io.tagsync.input.ImageUpdate;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.staging.StagedUpdate;
import io.tagsync.staging.UpdateMerger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * sample-data/ holds the same changes as CSV, JSON Lines and Parquet. The JSON Lines and Parquet files are
 * written from the CSV by this class: {@code mvn test -Dtest=SampleDataTest -Dtagsync.regenerateSamples=true}.
 */
class SampleDataTest {

    private static final Path SAMPLES = Path.of("sample-data");
    private static final Schema SCHEMA = SchemaBuilder.record("change")
            .fields()
            .requiredString("imageId")
            .name("metadata")
            .type()
            .record("metadata")
            .fields()
            .optionalString("camera")
            .optionalString("site")
            .optionalDouble("exposure_ms")
            .optionalBoolean("reviewed")
            .optionalString("batch")
            .optionalLong("lux")
            .endRecord()
            .noDefault()
            .name("removeMetadata")
            .type()
            .array()
            .items()
            .stringType()
            .noDefault()
            .name("addTags")
            .type()
            .array()
            .items()
            .stringType()
            .noDefault()
            .name("removeTags")
            .type()
            .array()
            .items()
            .stringType()
            .noDefault()
            .endRecord();

    @TempDir
    Path spill;

    @Test
    void theThreeSampleFilesHoldTheSameChanges() throws IOException {
        if (Boolean.getBoolean("tagsync.regenerateSamples")) {
            regenerate();
        }
        String csv = merged(SAMPLES.resolve("changes.csv"));
        assertThat(merged(SAMPLES.resolve("changes.jsonl"))).isEqualTo(csv);
        assertThat(merged(SAMPLES.resolve("changes.parquet"))).isEqualTo(csv);
    }

    private String merged(Path file) {
        StringBuilder text = new StringBuilder();
        try (UpdateMerger merger = new UpdateMerger(spill, 100_000)) {
            for (ReadRow row : Fixtures.readAll(Fixtures.open(file, Fixtures.defaultInput()))) {
                assertThat(row).as(file + " row " + row.row()).isInstanceOf(ReadRow.Valid.class);
                merger.add(((ReadRow.Valid) row).update(), row.row(), "");
            }
            merger.finish(update -> text.append(describe(update)).append('\n'));
        }
        return text.toString();
    }

    private static String describe(StagedUpdate staged) {
        ImageUpdate update = staged.update();
        Map<String, Object> metadata = new TreeMap<>();
        update.metadata()
                .forEach((key, value) ->
                        metadata.put(key, value instanceof Number number ? ImageStore.normalize(number) : value));
        return update.imageId() + " " + metadata + " -" + new TreeSet<>(update.removeMetadata()) + " +"
                + new TreeSet<>(update.addTags()) + " -" + new TreeSet<>(update.removeTags());
    }

    private static void regenerate() throws IOException {
        List<ImageUpdate> rows = new ArrayList<>();
        for (ReadRow row : Fixtures.readAll(Fixtures.open(SAMPLES.resolve("changes.csv"), Fixtures.defaultInput()))) {
            rows.add(((ReadRow.Valid) row).update());
        }
        JsonMapper json = JsonMapper.builder().build();
        StringBuilder lines = new StringBuilder();
        for (ImageUpdate update : rows) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("imageId", update.imageId());
            if (!update.metadata().isEmpty()) {
                line.put("metadata", update.metadata());
            }
            for (Map.Entry<String, Set<String>> list : List.of(
                    Map.entry("removeMetadata", update.removeMetadata()),
                    Map.entry("addTags", update.addTags()),
                    Map.entry("removeTags", update.removeTags()))) {
                if (!list.getValue().isEmpty()) {
                    line.put(list.getKey(), list.getValue());
                }
            }
            lines.append(json.writeValueAsString(line)).append('\n');
        }
        Files.writeString(SAMPLES.resolve("changes.jsonl"), lines);
        Schema metadataSchema = SCHEMA.getField("metadata").schema();
        List<GenericRecord> records = new ArrayList<>();
        for (ImageUpdate update : rows) {
            GenericRecordBuilder metadata = new GenericRecordBuilder(metadataSchema);
            update.metadata()
                    .forEach((key, value) -> metadata.set(
                            key,
                            key.equals("exposure_ms")
                                    ? ((Number) value).doubleValue()
                                    : key.equals("lux") ? ((Number) value).longValue() : value));
            records.add(new GenericRecordBuilder(SCHEMA)
                    .set("imageId", update.imageId())
                    .set("metadata", metadata.build())
                    .set("removeMetadata", List.copyOf(update.removeMetadata()))
                    .set("addTags", List.copyOf(update.addTags()))
                    .set("removeTags", List.copyOf(update.removeTags()))
                    .build());
        }
        ParquetFiles.write(SAMPLES.resolve("changes.parquet"), SCHEMA, CompressionCodecName.SNAPPY, records);
    }
}
