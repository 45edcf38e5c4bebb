package io.tagsync.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.S3ProxyServer;
import io.tagsync.run.S3Location;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Listing and ranged reads of s3:// inputs against S3Proxy, a real S3 API server on loopback. */
class S3ObjectsTest extends S3TestSupport {

    @BeforeAll
    static void bucket() throws Exception {
        s3.createBucket(request -> request.bucket("exports"));
        Path csv = Files.writeString(dir.resolve("part.csv"), "image_id,camera\nimg-1,x\n");
        for (String key : List.of(
                "nightly/part-10.csv",
                "nightly/part-2.csv",
                "nightly/_SUCCESS",
                "nightly/.part-2.csv.crc",
                "nightly/day=10/part-1.csv",
                "nightly/day=9/part-1.csv",
                "nightly/_temporary/part-3.csv",
                "other/part-1.csv")) {
            server.put(s3, "exports", key, csv);
        }
    }

    @Test
    void aPrefixListsItsObjectsInNaturalOrderLeavingOutHiddenAndUnderscoredNames() {
        List<String> keys = objects.list(S3Location.parse("s3://exports/nightly/")).stream()
                .map(object -> object.location().key())
                .toList();

        assertThat(keys)
                .containsExactly(
                        "nightly/day=9/part-1.csv",
                        "nightly/day=10/part-1.csv",
                        "nightly/part-2.csv",
                        "nightly/part-10.csv");
    }

    @Test
    void oneObjectHasItsSizeAndETag() {
        List<S3Objects.StoredObject> one = objects.list(S3Location.parse("s3://exports/nightly/part-2.csv"));

        assertThat(one).singleElement().satisfies(object -> {
            assertThat(object.size()).isEqualTo("image_id,camera\nimg-1,x\n".length());
            assertThat(object.eTag()).isNotBlank();
        });
    }

    @Test
    void aMissingObjectAnEmptyPrefixAndAMissingBucketSayWhichItIs() {
        assertThatThrownBy(() -> objects.list(S3Location.parse("s3://exports/nightly/part-3.csv")))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("s3://exports/nightly/part-3.csv: no such object (404");
        assertThatThrownBy(() -> objects.list(S3Location.parse("s3://exports/empty/")))
                .isInstanceOf(InputException.class)
                .hasMessage("s3://exports/empty/: no objects under this prefix");
        assertThatThrownBy(() -> objects.list(S3Location.parse("s3://no-such-bucket/part.csv")))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("s3://no-such-bucket/part.csv: no such bucket (404");
        assertThatThrownBy(() -> objects.list(S3Location.parse("s3://no-such-bucket/nightly/")))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("s3://no-such-bucket/nightly/: no such bucket (404");
    }

    @Test
    void aClientForAnEndpointReachesTheStoreWithTheDefaultCredentialChain() {
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        try (S3Objects connected = S3Objects.connect(server.endpoint(), java.util.Map.of())) {
            assertThat(connected.list(S3Location.parse("s3://exports/nightly/")))
                    .hasSize(4);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void wrongCredentialsAreDeniedWithoutTheSecretInTheMessage() {
        String wrong = "not-the-secret-93kd";
        try (S3Client denied = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, wrong)))
                .build()) {
            assertThatThrownBy(() -> new S3Objects(denied).list(S3Location.parse("s3://exports/nightly/part-2.csv")))
                    .isInstanceOf(InputException.class)
                    .hasMessageStartingWith("s3://exports/nightly/part-2.csv: access denied")
                    .hasMessageNotContaining(wrong);
        }
    }

    @Test
    void aGzippedCsvObjectStreamsAsTextWithoutItsByteOrderMark() throws Exception {
        Path gz = dir.resolve("rows.csv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("\uFEFFimage_id,camera\nimg-é,x\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        server.put(s3, "exports", "gz/rows.csv.gz", gz);

        S3Objects.StoredObject object =
                objects.list(S3Location.parse("s3://exports/gz/")).get(0);
        try (java.io.Reader text = objects.openText(object)) {
            assertThat(new java.io.BufferedReader(text).lines()).containsExactly("image_id,camera", "img-é,x");
        }
    }

    @Test
    void anObjectReplacedSinceItWasListedIsNotReadAsTheNewOne() throws Exception {
        server.put(s3, "exports", "replaced/part-1.csv", Files.writeString(dir.resolve("v1.csv"), "image_id\nimg-1\n"));
        S3Objects.StoredObject listed =
                objects.list(S3Location.parse("s3://exports/replaced/")).get(0);
        server.put(s3, "exports", "replaced/part-1.csv", Files.writeString(dir.resolve("v2.csv"), "image_id\nimg-2\n"));

        assertThatThrownBy(() -> objects.openText(listed))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("s3://exports/replaced/part-1.csv: the object changed while it was read (412");
    }

    /**
     * A Parquet file DuckDB wrote, with a wide column tagsync does not read: reading the image IDs fetches the
     * footer and that column's chunks, a small part of the object, in a few GETs.
     */
    @Test
    void parquetReadsTheFooterAndTheColumnsItNeedsOnly() throws Exception {
        Path parquet = dir.resolve("wide.parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duckdb.createStatement()) {
            sql.execute("COPY (SELECT 'img-' || i AS image_id, repeat(md5(i::VARCHAR), 16) AS notes"
                    + " FROM range(20000) t(i)) TO '" + parquet + "' (FORMAT parquet, COMPRESSION uncompressed)");
        }
        server.put(s3, "exports", "wide/wide.parquet", parquet);
        S3Objects.StoredObject object =
                objects.list(S3Location.parse("s3://exports/wide/wide.parquet")).get(0);
        S3InputFile file = objects.inputFile(object);

        long rows = 0;
        try (ParquetFileReader reader = ParquetFileReader.open(
                file,
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            MessageType schema = reader.getFileMetaData().getSchema();
            reader.setRequestedSchema(new MessageType(schema.getName(), schema.getType("image_id")));
            for (PageReadStore group = reader.readNextRowGroup(); group != null; group = reader.readNextRowGroup()) {
                rows += group.getRowCount();
            }
        }

        assertThat(rows).isEqualTo(20_000);
        assertThat(object.size()).isEqualTo(Files.size(parquet));
        assertThat(file.bytesRead())
                .as("bytes read of %d in %d GETs", object.size(), file.gets())
                .isLessThan(object.size() / 4);
        assertThat(file.gets()).isLessThanOrEqualTo(4);
    }
}
