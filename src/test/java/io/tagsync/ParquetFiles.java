package io.tagsync;

import io.tagsync.input.ParquetCodecs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/** Writes the Parquet fixtures the tests read, so that no opaque binary lives in the repository. */
public final class ParquetFiles {

    /** {@code imageId}, a struct {@code metadata}, list tags and {@code removeMetadata}; all but imageId nullable. */
    public static final Schema STRUCT_METADATA = SchemaBuilder.record("change")
            .fields()
            .requiredString("imageId")
            .name("metadata")
            .type()
            .optional()
            .record("meta")
            .fields()
            .optionalString("camera")
            .optionalInt("exposure_ms")
            .optionalDouble("gain")
            .optionalBoolean("reviewed")
            .endRecord()
            .name("removeMetadata")
            .type()
            .optional()
            .array()
            .items()
            .stringType()
            .name("addTags")
            .type()
            .optional()
            .array()
            .items()
            .stringType()
            .name("removeTags")
            .type()
            .optional()
            .array()
            .items()
            .stringType()
            .endRecord();

    /** {@code image_id}, a map {@code metadata}, a {@code |}-joined string of tags, and a scalar column. */
    public static final Schema MAP_METADATA = SchemaBuilder.record("change")
            .fields()
            .requiredString("image_id")
            .name("metadata")
            .type()
            .optional()
            .map()
            .values()
            .stringType()
            .optionalString("addTags")
            .optionalString("cam")
            .endRecord();

    private ParquetFiles() {}

    public static void write(Path file, Schema schema, CompressionCodecName codec, List<GenericRecord> records)
            throws IOException {
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema)
                .withDataModel(GenericData.get())
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(codec)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (GenericRecord record : records) {
                writer.write(record);
            }
        }
    }

    /** A record of {@link #STRUCT_METADATA}; {@code meta} holds camera, exposure_ms, gain, reviewed (each may be null). */
    public static GenericRecord change(
            String imageId, Object[] meta, List<String> removeMetadata, List<String> addTags, List<String> removeTags) {
        Schema metaSchema =
                STRUCT_METADATA.getField("metadata").schema().getTypes().get(1);
        GenericRecord metadata = meta == null
                ? null
                : new GenericRecordBuilder(metaSchema)
                        .set("camera", meta[0])
                        .set("exposure_ms", meta[1])
                        .set("gain", meta[2])
                        .set("reviewed", meta[3])
                        .build();
        return new GenericRecordBuilder(STRUCT_METADATA)
                .set("imageId", imageId)
                .set("metadata", metadata)
                .set("removeMetadata", removeMetadata)
                .set("addTags", addTags)
                .set("removeTags", removeTags)
                .build();
    }

    public static GenericRecord mapChange(String imageId, Map<String, Object> metadata, String addTags, String cam) {
        return new GenericRecordBuilder(MAP_METADATA)
                .set("image_id", imageId)
                .set("metadata", metadata)
                .set("addTags", addTags)
                .set("cam", cam)
                .build();
    }
}
