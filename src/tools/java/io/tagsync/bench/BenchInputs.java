package io.tagsync.bench;

import io.tagsync.input.ParquetCodecs;
import io.tagsync.sandbox.ImageStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * The benchmark's inputs, generated so that the final state of every image is known without replaying the
 * input: image {@code i} gets camera {@code cam-a-(i%5)}, exposure {@code i%100} and tag {@code first}; an
 * image with a second row (far later in the file) ends with camera {@code cam-b-(i%7)} and tag {@code second}
 * instead of {@code first}.
 */
final class BenchInputs {

    static final String HEADER = "imageId,metadata.camera,metadata.exposure_ms:number,addTags,removeTags";
    private static final Schema SCHEMA = SchemaBuilder.record("change")
            .fields()
            .requiredString("imageId")
            .name("metadata")
            .type()
            .record("metadata")
            .fields()
            .optionalString("camera")
            .optionalLong("exposure_ms")
            .endRecord()
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

    private BenchInputs() {}

    static String imageId(long i) {
        return String.format("img%09d", i);
    }

    /**
     * One row per image for {@code images} images; when {@code repeatEvery} > 0, every {@code repeatEvery}-th
     * image of the first half has a second row half a file later (so {@code repeatEvery} = 5 repeats 10% of
     * the images). Returns the number of rows written.
     */
    static long writeCsv(Path file, long images, int repeatEvery) throws IOException {
        long half = images / 2;
        long rows = 0;
        try (BufferedWriter out = writer(file)) {
            out.write(HEADER);
            out.write('\n');
            for (long i = 0; i < images; i++) {
                out.write(imageId(i));
                out.write(",cam-a-" + (i % 5) + "," + (i % 100) + ",first,\n");
                rows++;
                long earlier = i - half;
                if (earlier >= 0 && repeated(earlier, images, repeatEvery)) {
                    out.write(imageId(earlier) + ",cam-b-" + (earlier % 7) + ",,second,first\n");
                    rows++;
                }
            }
        }
        return rows;
    }

    /**
     * A nightly snapshot of {@code images} images, one row each, as {@link #writeCsv} writes them; with
     * {@code changed}, the next night's: every 100th image changed (in turn a value, an added tag, a removed tag)
     * and one new image in a thousand. Returns the images whose update differs from the first night's.
     */
    static Set<String> writeSnapshot(Path file, long images, boolean changed) throws IOException {
        Set<String> differ = new HashSet<>();
        try (BufferedWriter out = writer(file)) {
            out.write(HEADER);
            out.write('\n');
            for (long i = 0; i < images; i++) {
                String camera = "cam-a-" + (i % 5);
                String add = "first";
                String remove = "";
                if (changed && i % 100 == 7) {
                    switch ((int) ((i / 100) % 3)) {
                        case 0 -> camera = "cam-z";
                        case 1 -> add = "first|second";
                        default -> remove = "old";
                    }
                    differ.add(imageId(i));
                }
                out.write(imageId(i) + "," + camera + "," + (i % 100) + "," + add + "," + remove + "\n");
            }
            if (changed) {
                for (long i = images; i < images + images / 1000; i++) {
                    out.write(imageId(i) + ",cam-new," + (i % 100) + ",first,\n");
                    differ.add(imageId(i));
                }
            }
        }
        return differ;
    }

    /** The rows of {@link #writeCsv} without repeats, as JSON Lines with metadata objects and tag lists. */
    static void writeJsonLines(Path file, long rows) throws IOException {
        try (BufferedWriter out = writer(file)) {
            for (long i = 0; i < rows; i++) {
                out.write("{\"imageId\":\"" + imageId(i) + "\",\"metadata\":{\"camera\":\"cam-a-" + (i % 5)
                        + "\",\"exposure_ms\":" + (i % 100) + "},\"addTags\":[\"first\"]}\n");
            }
        }
    }

    private static BufferedWriter writer(Path file) throws IOException {
        return Files.newBufferedWriter(
                file,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    private static boolean repeated(long i, long images, int repeatEvery) {
        return repeatEvery > 0 && i % repeatEvery == 0 && i < images - images / 2;
    }

    /**
     * The rows of {@link #writeCsv} without repeats, with struct metadata and list tags: lists in parquet-avro's
     * legacy two-level layout, or in the standard three-level one ({@code list.element}) that DuckDB, Spark and
     * Arrow write.
     */
    static void writeParquet(Path file, long rows, boolean standardLists) throws IOException {
        Schema metadata = SCHEMA.getField("metadata").schema();
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.avro.write-old-list-structure", String.valueOf(!standardLists));
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(SCHEMA)
                .withDataModel(GenericData.get())
                .withConf(conf)
                .withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            List<String> first = List.of("first");
            List<String> none = List.of();
            for (long i = 0; i < rows; i++) {
                GenericData.Record meta = new GenericData.Record(metadata);
                meta.put("camera", "cam-a-" + (i % 5));
                meta.put("exposure_ms", i % 100);
                GenericData.Record record = new GenericData.Record(SCHEMA);
                record.put("imageId", imageId(i));
                record.put("metadata", meta);
                record.put("addTags", first);
                record.put("removeTags", none);
                writer.write(record);
            }
        }
    }

    /** Images whose state differs from what the input asks; at most {@code limit} of them, as text. */
    static List<String> wrongImages(ImageStore store, long images, int repeatEvery, int limit) {
        List<String> wrong = new ArrayList<>();
        for (long i = 0; i < images && wrong.size() < limit; i++) {
            boolean repeated = repeated(i, images, repeatEvery);
            Map<String, Object> metadata =
                    Map.of("camera", repeated ? "cam-b-" + (i % 7) : "cam-a-" + (i % 5), "exposure_ms", i % 100);
            Set<String> tags = Set.of(repeated ? "second" : "first");
            String id = imageId(i);
            var image = store.image(id);
            if (image.isEmpty()
                    || !image.get().metadata().equals(metadata)
                    || !image.get().tags().equals(tags)) {
                wrong.add(id + " " + image.map(Object::toString).orElse("missing"));
            }
        }
        return wrong;
    }
}
