package io.tagsync.input;

import static io.tagsync.Fixtures.defaultInput;
import static io.tagsync.Fixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures.ReadRow;
import io.tagsync.run.S3Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An s3:// input reads as the same files in a local folder read: the same rows, sources, partition columns and
 * errors, through the same readers. Against S3Proxy, a real S3 API server on loopback.
 */
class S3InputReaderTest extends S3TestSupport {

    @BeforeAll
    static void bucket() throws Exception {
        s3.createBucket(request -> request.bucket("lake"));
    }

    /** Puts every file under {@code folder} at {@code prefix} + its path within the folder. */
    private static void upload(Path folder, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                server.put(
                        s3, "lake", prefix + folder.relativize(file).toString().replace('\\', '/'), file);
            }
        }
    }

    /** The rows of the s3:// input {@code location}, which are the rows of {@code local} (checked). */
    private static List<ReadRow> readAsLocal(String location, Path local) {
        List<ReadRow> fromStore = readAll(InputReader.of(S3Location.parse(location), objects, defaultInput()));
        assertThat(fromStore).isEqualTo(readAll(new InputReader(local, defaultInput())));
        return fromStore;
    }

    private static void gzip(Path from, Path to) throws IOException {
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            Files.copy(from, out);
        }
        Files.delete(from);
    }

    @Test
    void aHiveFolderOfCsvPartsSomeGzippedReadsAsTheLocalFolderReads() throws Exception {
        Path local = dir.resolve("csv");
        Files.createDirectories(local.resolve("metadata.camera=north"));
        Files.createDirectories(local.resolve("metadata.camera=south"));
        Files.writeString(
                local.resolve("metadata.camera=north/part-2.csv"), "imageId,addTags\nimg-1,day\nimg-2,night\n");
        Files.writeString(local.resolve("metadata.camera=north/part-10.csv"), "imageId,addTags\nimg-3,day\n");
        Files.writeString(local.resolve("metadata.camera=south/part-1.csv"), "imageId,addTags\nimg-4,\nimg-5,dusk\n");
        gzip(local.resolve("metadata.camera=south/part-1.csv"), local.resolve("metadata.camera=south/part-1.csv.gz"));
        Files.writeString(local.resolve("_SUCCESS"), "");
        upload(local, "exports/csv/");

        assertThat(readAsLocal("s3://lake/exports/csv/", local)).hasSize(5);
    }

    @Test
    void partitionedParquetDuckDbWroteReadsAsTheLocalFolderReads() throws Exception {
        Path local = dir.resolve("parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duckdb.createStatement()) {
            sql.execute(
                    "COPY (SELECT 'img-' || i AS \"imageId\", i % 3 AS \"metadata.shard\", 'cam-' || (i % 5) AS \"metadata.camera\""
                            + " FROM range(3000) t(i)) TO '" + local
                            + "' (FORMAT parquet, PARTITION_BY (\"metadata.shard\"))");
        }
        upload(local, "exports/parquet/");

        assertThat(readAsLocal("s3://lake/exports/parquet/", local)).hasSize(3000);
    }

    @Test
    void oneJsonLinesObjectReadsAsTheLocalFileReads() throws Exception {
        Path local = Files.writeString(
                dir.resolve("changes.jsonl"),
                "{\"imageId\":\"img-1\",\"metadata\":{\"camera\":\"x\"},\"addTags\":[\"a\"]}\n"
                        + "{\"imageId\":\"img-2\",\"removeTags\":[\"b\"]}\n");
        server.put(s3, "lake", "one/changes.jsonl", local);

        assertThat(readAsLocal("s3://lake/one/changes.jsonl", local)).hasSize(2);
    }

    @Test
    void theSampleDataReadsAsFromDiskInEachFormat() throws Exception {
        for (String name : List.of("changes.csv", "changes.jsonl", "changes.parquet")) {
            Path local = Path.of("sample-data", name).toAbsolutePath();
            server.put(s3, "lake", "sample/" + name, local);

            assertThat(readAsLocal("s3://lake/sample/" + name, local)).as(name).isNotEmpty();
        }
    }

    @Test
    void anObjectOfNoKnownFormatIsRefusedByItsLocation() throws Exception {
        server.put(s3, "lake", "odd/notes.txt", Files.writeString(dir.resolve("notes.txt"), "imageId\nimg-1\n"));

        assertThatThrownBy(() -> InputReader.of(S3Location.parse("s3://lake/odd/notes.txt"), objects, defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("s3://lake/odd/notes.txt: unsupported input format");
    }

    @Test
    void aPrefixThatMixesFormatsIsRefusedNamingBoth() throws Exception {
        server.put(s3, "lake", "mixed/part-1.csv", Files.writeString(dir.resolve("m.csv"), "imageId\nimg-1\n"));
        server.put(
                s3, "lake", "mixed/part-2.jsonl", Files.writeString(dir.resolve("m.jsonl"), "{\"imageId\":\"i\"}\n"));

        assertThatThrownBy(() -> InputReader.of(S3Location.parse("s3://lake/mixed/"), objects, defaultInput()))
                .isInstanceOf(InputException.class)
                .hasMessage("s3://lake/mixed/: the prefix mixes formats (part-1.csv and part-2.jsonl); one input holds"
                        + " one format");
    }
}
