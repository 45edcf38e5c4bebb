package io.tagsync.input;

import static io.tagsync.Fixtures.defaultInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures;
import io.tagsync.Fixtures.ReadRow;
import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Inputs as another engine writes them: DuckDB (through its JDBC driver) writes Parquet, JSON and CSV here,
 * and tagsync's readers read them.
 */
class EngineFilesTest {

    @TempDir
    Path dir;

    private Connection duckdb;

    @BeforeEach
    void open() throws SQLException {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterEach
    void close() throws SQLException {
        duckdb.close();
    }

    /** Writes {@code select} to {@code name} with DuckDB's COPY and the given options. */
    private Path copy(String select, String name, String options) throws SQLException {
        Path file = dir.resolve(name);
        try (Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (" + select + ") TO '" + file + "' (" + options + ")");
        }
        return file;
    }

    private static List<ReadRow> readAll(ItemStreamReader<InputRow> reader) {
        return Fixtures.readAll(reader);
    }

    private static ImageUpdate valid(ReadRow row) {
        assertThat(row).isInstanceOf(ReadRow.Valid.class);
        return ((ReadRow.Valid) row).update();
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "gzip", "zstd", "lz4", "uncompressed"})
    void standardListsInEveryCodecDuckDbWrites(String codec) throws SQLException, IOException {
        Path file = copy("""
                SELECT * FROM (VALUES
                  ('img-1', ['night', NULL, 'truck'], ['old'], ['stale']),
                  ('img-2', [], NULL, ['legacy', NULL]),
                  ('img-3', NULL, NULL, NULL))
                  AS t(imageId, addTags, removeTags, removeMetadata)""", "lists-" + codec + ".parquet", "FORMAT PARQUET, COMPRESSION " + codec);

        List<ReadRow> rows = readAll(new ParquetUpdateReader(file, defaultInput()));

        try (var footer = org.apache.parquet.hadoop.ParquetFileReader.open(
                new org.apache.parquet.io.LocalInputFile(file),
                org.apache.parquet.ParquetReadOptions.builder(new org.apache.parquet.conf.PlainParquetConfiguration())
                        .build())) {
            assertThat(footer.getFooter()
                            .getBlocks()
                            .get(0)
                            .getColumns()
                            .get(1)
                            .getCodec()
                            .name())
                    .isEqualTo(codec.equals("lz4") ? "LZ4_RAW" : codec.toUpperCase(Locale.ROOT));
            assertThat(footer.getFileMetaData()
                            .getSchema()
                            .getType("addTags")
                            .asGroupType()
                            .getType(0)
                            .asGroupType()
                            .getName())
                    .as("the standard three-level list")
                    .isEqualTo("list");
        }
        assertThat(rows).hasSize(3);
        ImageUpdate first = valid(rows.get(0));
        assertThat(first.addTags()).containsExactly("night", "truck");
        assertThat(first.removeTags()).containsExactly("old");
        assertThat(first.removeMetadata()).containsExactly("stale");
        assertThat(valid(rows.get(1)).removeMetadata()).containsExactly("legacy");
        assertThat(((ReadRow.Rejected) rows.get(2)).reason()).startsWith("no change");
    }

    @Test
    void everyLogicalTypeArrivesExactly() throws SQLException {
        Path file = copy("""
                SELECT 'img-1' AS imageId, {
                  'u8': 250::UTINYINT, 'u16': 65000::USMALLINT, 'u32': 4294967172::UINTEGER,
                  'u64': 18446744073709551615::UBIGINT, 'i8': -5::TINYINT, 'i64': -9007199254740993::BIGINT,
                  'dec': 9.53::DECIMAL(10,2), 'dec4': 1.5::DECIMAL(4,1),
                  'huge': 123456789012345678901234567890.123::DECIMAL(38,3),
                  'f': 1.5::FLOAT, 'd': 0.1::DOUBLE, 'b': true, 's': 'text', 'day': DATE '2026-11-29',
                  'ts': TIMESTAMP '2026-11-29 10:15:30.123456', 'ts_s': TIMESTAMP '2026-11-29 10:15:00',
                  'ts_ms': TIMESTAMP_MS '2026-11-29 10:15:30.123', 'ts_ns': TIMESTAMP_NS '2026-11-29 10:15:30.123456789',
                  'tstz': TIMESTAMPTZ '2026-11-29 10:15:30+00', 'time': TIME '10:15:00',
                  'id': UUID '4ac7a9e8-7d3b-4b5e-9c1a-2f0e5d6c7b8a', 'gone': NULL::INTEGER
                } AS metadata""", "types.parquet", "FORMAT PARQUET");

        ImageUpdate update =
                valid(readAll(new ParquetUpdateReader(file, defaultInput())).get(0));

        Map<String, Object> metadata = update.metadata();
        assertThat(metadata)
                .containsEntry("u8", 250L)
                .containsEntry("u16", 65000L)
                .containsEntry("u32", 4294967172L)
                .containsEntry("u64", new BigInteger("18446744073709551615"))
                .containsEntry("i8", -5L)
                .containsEntry("i64", -9007199254740993L)
                .containsEntry("dec", new BigDecimal("9.53"))
                .containsEntry("dec4", new BigDecimal("1.5"))
                .containsEntry("huge", new BigDecimal("123456789012345678901234567890.123"))
                .containsEntry("f", 1.5)
                .containsEntry("d", 0.1)
                .containsEntry("b", true)
                .containsEntry("s", "text")
                .containsEntry("day", "2026-11-29")
                .containsEntry("ts", "2026-11-29T10:15:30.123456")
                .containsEntry("ts_s", "2026-11-29T10:15:00")
                .containsEntry("ts_ms", "2026-11-29T10:15:30.123")
                .containsEntry("ts_ns", "2026-11-29T10:15:30.123456789")
                .containsEntry("tstz", "2026-11-29T10:15:30Z")
                .containsEntry("time", "10:15:00")
                .containsEntry("id", "4ac7a9e8-7d3b-4b5e-9c1a-2f0e5d6c7b8a")
                .doesNotContainKey("gone");
    }

    @Test
    void mapsJsonColumnsAndColumnNamesOfAnyKind() throws SQLException {
        Path file = copy("""
                SELECT 'img-1' AS "image id", MAP {'camera': 'north', 'lux': NULL} AS "extra map",
                       42 AS "metadata.count:number", 'x' AS "weird.name-with dash", 7.25::DECIMAL(5,2) AS "metadata.gain",
                       '"cold"'::JSON AS "j.son", 'ünï' AS "metadata.ünïcode",
                       'a|b' AS "tags to add", ['skip me']::VARCHAR[] AS ignored_list""", "names.parquet", "FORMAT PARQUET");
        TagsyncProperties.Input settings = new TagsyncProperties.Input(
                "|",
                Map.of(
                        "image id",
                        "imageId",
                        "extra map",
                        "metadata",
                        "tags to add",
                        "addTags",
                        "j.son",
                        "metadata.info"),
                List.of("weird.name-with dash", "ignored_list"),
                null,
                null,
                null,
                null);

        ImageUpdate update =
                valid(readAll(new ParquetUpdateReader(file, settings)).get(0));

        assertThat(update.imageId()).isEqualTo("img-1");
        assertThat(update.metadata())
                .containsEntry("camera", "north")
                .doesNotContainKey("lux")
                .containsEntry("count", 42L)
                .containsEntry("gain", new BigDecimal("7.25"))
                .containsEntry("ünïcode", "ünï");
        assertThat(update.addTags()).containsExactly("a", "b");
        assertThat(update.metadata()).containsEntry("info", "cold");
    }

    @Test
    void theJsonTypeAsTheMetadataColumnIsParsedAndItsNullsLeftAlone() throws SQLException {
        Path file = copy("""
                SELECT 'img-1' AS imageId, '{"site":"dock","note":null,"n":3}'::JSON AS metadata""", "json.parquet", "FORMAT PARQUET");

        ImageUpdate update =
                valid(readAll(new ParquetUpdateReader(file, defaultInput())).get(0));

        assertThat(update.metadata()).containsExactly(Map.entry("site", "dock"), Map.entry("n", 3));
    }

    @Test
    void notANumberRejectsItsRowWithTheReason() throws SQLException {
        Path file = copy("""
                SELECT * FROM (VALUES ('img-1', 'NaN'::DOUBLE), ('img-2', 'inf'::DOUBLE), ('img-3', 2.5))
                  AS t(imageId, "metadata.score")""", "nan.parquet", "FORMAT PARQUET");

        List<ReadRow> rows = readAll(new ParquetUpdateReader(file, defaultInput()));

        assertThat(((ReadRow.Rejected) rows.get(0)).reason())
                .isEqualTo("column 'metadata.score': NaN is not a number JSON can carry");
        assertThat(((ReadRow.Rejected) rows.get(1)).reason()).contains("Infinity");
        assertThat(valid(rows.get(2)).metadata()).containsEntry("score", 2.5);
    }

    @Test
    void aTypeTagsyncCannotSendIsRefusedNamingTheColumnItsTypeAndACast() throws SQLException {
        Path blob =
                copy("SELECT 'img-1' AS imageId, '\\xAA'::BLOB AS \"metadata.raw\"", "blob.parquet", "FORMAT PARQUET");
        assertThatThrownBy(() -> Fixtures.readAll(new ParquetUpdateReader(blob, defaultInput())))
                .isInstanceOf(InputException.class)
                .hasMessage(blob + ": column 'metadata.raw' has type binary; tagsync reads it as a string, number, "
                        + "boolean, date or time: cast it to VARCHAR (a string)");

        Path interval = copy(
                "SELECT 'img-1' AS imageId, INTERVAL 3 DAY AS \"metadata.wait\"", "interval.parquet", "FORMAT PARQUET");
        assertThatThrownBy(() -> Fixtures.readAll(new ParquetUpdateReader(interval, defaultInput())))
                .hasMessageContaining("column 'metadata.wait' has type interval")
                .hasMessageContaining("cast it to VARCHAR");

        Path nested = copy("SELECT 'img-1' AS imageId, {'a': [1, 2]} AS metadata", "nested.parquet", "FORMAT PARQUET");
        assertThatThrownBy(() -> Fixtures.readAll(new ParquetUpdateReader(nested, defaultInput())))
                .hasMessageContaining("column 'metadata.a' has type list")
                .hasMessageContaining("to_json");

        // an ignored column of any type is never read
        TagsyncProperties.Input ignoring =
                new TagsyncProperties.Input("|", Map.of(), List.of("metadata.raw"), null, null, null, null);
        assertThat(valid(readAll(new ParquetUpdateReader(
                                        copy(
                                                "SELECT 'img-1' AS imageId, ['t'] AS addTags, "
                                                        + "'\\xAA'::BLOB AS \"metadata.raw\"",
                                                "ignored.parquet",
                                                "FORMAT PARQUET"),
                                        ignoring))
                                .get(0))
                        .addTags())
                .containsExactly("t");
    }

    @Test
    void aCodecTagsyncCannotReadIsRefusedByName() throws SQLException {
        Path file = copy(
                "SELECT 'img-1' AS imageId, ['t'] AS addTags", "brotli.parquet", "FORMAT PARQUET, COMPRESSION brotli");

        assertThatThrownBy(() -> Fixtures.readAll(new ParquetUpdateReader(file, defaultInput())))
                .hasMessage(file + ": column 'imageId' is compressed with BROTLI, which tagsync cannot read; write the "
                        + "file with SNAPPY, ZSTD, GZIP, LZ4_RAW, LZ4 or none");
    }

    @Test
    void jsonAsDuckDbWritesItLinesOrAnArrayWithNulls() throws SQLException {
        String select = """
                SELECT * FROM (VALUES
                  ('img-1', {'camera': 'north', 'lux': NULL}, ['night', NULL], NULL),
                  ('img-2', NULL, NULL, ['old']))
                  AS t(imageId, metadata, addTags, removeTags)""";
        Path lines = copy(select, "changes.json", "FORMAT JSON");
        Path array = copy(select, "changes-array.json", "FORMAT JSON, ARRAY true");

        for (Path file : List.of(lines, array)) {
            List<ReadRow> rows = readAll(Fixtures.open(file, defaultInput()));
            assertThat(rows).as(file.toString()).hasSize(2);
            ImageUpdate first = valid(rows.get(0));
            assertThat(first.metadata()).containsExactly(Map.entry("camera", "north"));
            assertThat(first.addTags()).containsExactly("night");
            assertThat(valid(rows.get(1)).removeTags()).containsExactly("old");
        }
        assertThat(Fixtures.readAll(Fixtures.open(lines, defaultInput())).get(1).line())
                .isEqualTo(2);
    }

    @Test
    void csvAsDuckDbWritesIt() throws SQLException, IOException {
        Path file = copy("""
                SELECT * FROM (VALUES ('img-1', 'north', 'night|truck', NULL), ('img-2', NULL, NULL, 'camera'))
                  AS t(imageId, "metadata.camera", addTags, removeMetadata)""", "changes.csv", "FORMAT CSV, HEADER");

        List<ReadRow> rows = readAll(Fixtures.open(file, defaultInput()));

        assertThat(Files.readAllLines(file).get(0)).isEqualTo("imageId,metadata.camera,addTags,removeMetadata");
        assertThat(valid(rows.get(0)).metadata()).containsExactly(Map.entry("camera", "north"));
        assertThat(valid(rows.get(0)).addTags()).containsExactly("night", "truck");
        assertThat(valid(rows.get(1)).removeMetadata()).containsExactly("camera");
    }

    @Test
    void partitionFoldersAreColumnsUnderTheSameMappingAndIgnoreRules() throws SQLException, IOException {
        Path out = dir.resolve("export");
        try (Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT 'img-' || i AS imageId, ['t' || i] AS addTags, "
                    + "CASE WHEN i % 3 = 0 THEN NULL ELSE 'cam ' || (i % 3) END AS camera, i % 2 AS shard "
                    + "FROM range(12) r(i)) TO '" + out + "' (FORMAT PARQUET, PARTITION_BY (camera, shard))");
        }
        Files.writeString(out.resolve("_SUCCESS"), "");
        TagsyncProperties.Input settings = new TagsyncProperties.Input(
                "|", Map.of("camera", "metadata.camera"), List.of("shard"), null, null, null, null);

        List<Path> files = InputReader.files(out);
        assertThatThrownBy(() -> Fixtures.readAll(new InputReader(out, files, defaultInput())))
                .hasMessageContaining("partition column 'camera', which is not a tagsync column");
        List<ReadRow> rows = readAll(new InputReader(out, files, settings));

        assertThat(files)
                .hasSize(6)
                .allSatisfy(file -> assertThat(out.relativize(file).toString()).startsWith("camera="));
        assertThat(rows).hasSize(12).allSatisfy(row -> assertThat(row).isInstanceOf(ReadRow.Valid.class));
        Map<String, Object> cameras = new TreeMap<>();
        rows.forEach(
                row -> cameras.put(valid(row).imageId(), valid(row).metadata().get("camera")));
        assertThat(cameras)
                .containsEntry("img-1", "cam 1")
                .containsEntry("img-5", "cam 2")
                .containsEntry("img-3", null);
        assertThat(rows.get(0).source()).contains("camera=").contains("/data_0.parquet");
    }

    @Test
    void csvWithTheDelimiterOfASpreadsheetExport() throws SQLException {
        Path file = copy(
                "SELECT 'img-1' AS imageId, 'a,b' AS \"metadata.pair\", 'x|y' AS addTags",
                "semicolons.csv",
                "FORMAT CSV, HEADER, DELIMITER ';'");
        TagsyncProperties.Input semicolons =
                new TagsyncProperties.Input("|", Map.of(), List.of(), null, ";", null, null);

        ImageUpdate update = valid(readAll(Fixtures.open(file, semicolons)).get(0));

        assertThat(update.metadata()).containsExactly(Map.entry("pair", "a,b"));
        assertThat(update.addTags()).containsExactly("x", "y");
    }

    @Test
    void sparksInt96TimestampsAreIsoInstants() {
        LocalDateTime at = LocalDateTime.of(2026, 11, 29, 10, 15, 30, 123_456_789);
        ByteBuffer bytes = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(at.toLocalTime().toNanoOfDay())
                .putInt((int) (at.toLocalDate().toEpochDay() + 2_440_588L));
        org.apache.parquet.schema.PrimitiveType int96 = org.apache.parquet.schema.Types.required(
                        org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT96)
                .named("ts");

        Object value = ParquetValues.decoder(int96)
                .fromBinary(org.apache.parquet.io.api.Binary.fromConstantByteArray(bytes.array()));

        assertThat(value).isEqualTo("2026-11-29T10:15:30.123456789Z");
    }
}
