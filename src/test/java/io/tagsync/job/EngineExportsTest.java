package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Exports as data teams' engines write them: DuckDB writes each case's file (Parquet, JSON, CSV; every layout,
 * type, codec, name and null case tagsync reads), the whole job runs it against the sandbox, and the images'
 * final state and {@code rejects.csv} must be exactly as expected — or, for what tagsync cannot read, the run
 * fails before sending anything, with a message naming the file, column and reason.
 */
@ExtendWith(OutputCaptureExtension.class)
class EngineExportsTest extends JobTestSupport {

    private static final List<String> IMAGES = List.of("img-1", "img-2", "img-3");

    /**
     * One export: the file DuckDB writes with {@code COPY (sql) TO file (options)}, the state each image must
     * end in, the lines of {@code rejects.csv} after its header, and the text the request bodies must hold.
     */
    record Case(
            String name,
            String file,
            String options,
            String sql,
            Map<String, State> state,
            List<String> rejects,
            List<String> sent,
            String failure) {

        Case expect(String imageId, Map<String, Object> metadata, String... tags) {
            Map<String, State> next = new TreeMap<>(state);
            next.put(imageId, new State(new LinkedHashMap<>(metadata), new TreeSet<>(Arrays.asList(tags))));
            return new Case(name, file, options, sql, next, rejects, sent, failure);
        }

        Case reject(String line) {
            List<String> next = new ArrayList<>(rejects);
            next.add(line);
            return new Case(name, file, options, sql, state, next, sent, failure);
        }

        Case sends(String text) {
            List<String> next = new ArrayList<>(sent);
            next.add(text);
            return new Case(name, file, options, sql, state, rejects, next, failure);
        }

        Case fails(String message) {
            return new Case(name, file, options, sql, state, rejects, sent, message);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case export(String name, String file, String options, String sql) {
        return new Case(name, file, options, sql, Map.of(), List.of(), List.of(), null);
    }

    private static Case parquet(String name, String sql) {
        return export(name, name + ".parquet", "FORMAT PARQUET", sql);
    }

    private static Map<String, Object> meta(Object... pairs) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            metadata.put((String) pairs[i], pairs[i + 1]);
        }
        return metadata;
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Parquet layouts
                parquet("list-three-level", "SELECT 'img-1' AS imageId, ['night', 'truck'] AS addTags")
                        .expect("img-1", meta(), "night", "truck"),
                parquet(
                                "list-null-elements",
                                "SELECT 'img-1' AS imageId, ['a', NULL, 'b'] AS addTags, "
                                        + "[NULL]::VARCHAR[] AS removeTags")
                        .expect("img-1", meta(), "a", "b"),
                parquet("list-empty-and-null", """
                        SELECT * FROM (VALUES ('img-1', ['x'], NULL), ('img-2', [], NULL::VARCHAR[]))
                          AS t(imageId, addTags, removeMetadata)""")
                        .expect("img-1", meta(), "x")
                        .reject(
                                "2,2,img-2,\"no change: the row sets, removes, adds and removes nothing\",list-empty-and-null.parquet"),
                parquet(
                                "struct-metadata",
                                "SELECT 'img-1' AS imageId, {'camera': 'north', 'exposure': 16, "
                                        + "'gain': 1.5, 'ok': true, 'gone': NULL::VARCHAR} AS metadata")
                        .expect("img-1", meta("camera", "north", "exposure", 16L, "gain", 1.5, "ok", true)),
                parquet("map-metadata", "SELECT 'img-2' AS imageId, MAP {'site': 'dock', 'lane': NULL} AS metadata")
                        .expect("img-2", meta("site", "dock")),
                parquet(
                                "json-type-metadata",
                                "SELECT 'img-1' AS imageId, '{\"a\": 1, \"b\": null, \"c\": \"x\"}'::JSON AS metadata")
                        .expect("img-1", meta("a", 1L, "c", "x")),
                parquet("json-string-metadata", "SELECT 'img-1' AS imageId, '{\"a\": true}' AS metadata")
                        .expect("img-1", meta("a", true)),
                parquet(
                                "key-columns",
                                "SELECT 'img-3' AS imageId, 'north' AS \"metadata.camera\", 7 AS \"metadata.n\", "
                                        + "'42' AS \"metadata.m:number\", 'true' AS \"metadata.ok:boolean\"")
                        .expect("img-3", meta("camera", "north", "n", 7L, "m", 42L, "ok", true)),
                parquet(
                                "column-names",
                                "SELECT 'img-1' AS imageId, 'a' AS \"metadata.camera name\", "
                                        + "'b' AS \"metadata.a-b.c\", 'c' AS \"metadata.ünï\"")
                        .expect("img-1", meta("camera name", "a", "a-b.c", "b", "ünï", "c")),
                parquet("repeated-ids", """
                        SELECT * FROM (VALUES ('img-1', ['a'], NULL), ('img-2', ['z'], NULL), ('img-1', ['b'], ['a']))
                          AS t(imageId, addTags, removeTags)""").expect("img-1", meta(), "b").expect("img-2", meta(), "z"),
                // Parquet logical types
                parquet(
                                "unsigned",
                                "SELECT 'img-1' AS imageId, 4294967172::UINTEGER AS \"metadata.u32\", "
                                        + "250::UTINYINT AS \"metadata.u8\", 18446744073709551615::UBIGINT AS \"metadata.u64\" "
                                        + "UNION ALL SELECT 'img-2', 1::UINTEGER, 2::UTINYINT, 3::UBIGINT")
                        .expect("img-1", meta("u32", 4294967172L, "u8", 250L, "u64", 1.8446744073709552E19))
                        .expect("img-2", meta("u32", 1L, "u8", 2L, "u64", 3L))
                        .sends("\"u32\":4294967172")
                        .sends("\"u64\":18446744073709551615"),
                parquet(
                                "decimal",
                                "SELECT 'img-1' AS imageId, 9.53::DECIMAL(10,2) AS \"metadata.price\", "
                                        + "123456789012345678901234567890.123::DECIMAL(38,3) AS \"metadata.huge\" "
                                        + "UNION ALL SELECT 'img-2', 1, 2")
                        .expect("img-1", meta("price", 9.53, "huge", 1.2345678901234568E29))
                        .expect("img-2", meta("price", 1L, "huge", 2L))
                        .sends("\"price\":9.53")
                        .sends("\"huge\":123456789012345678901234567890.123"),
                parquet(
                                "dates-and-times",
                                "SELECT 'img-1' AS imageId, DATE '2026-11-29' AS \"metadata.day\", "
                                        + "TIMESTAMP '2026-11-29 10:15:30.123456' AS \"metadata.at\", "
                                        + "TIMESTAMPTZ '2026-11-29 10:15:30+00' AS \"metadata.utc\", TIME '10:15:00' AS \"metadata.t\"")
                        .expect(
                                "img-1",
                                meta(
                                        "day",
                                        "2026-11-29",
                                        "at",
                                        "2026-11-29T10:15:30.123456",
                                        "utc",
                                        "2026-11-29T10:15:30Z",
                                        "t",
                                        "10:15:00")),
                parquet(
                                "uuid-and-enum",
                                "SELECT 'img-1' AS imageId, UUID '4ac7a9e8-7d3b-4b5e-9c1a-2f0e5d6c7b8a' AS "
                                        + "\"metadata.id\", 'b'::ENUM('a', 'b') AS \"metadata.grade\"")
                        .expect("img-1", meta("id", "4ac7a9e8-7d3b-4b5e-9c1a-2f0e5d6c7b8a", "grade", "b")),
                parquet("floats-and-nan", """
                        SELECT * FROM (VALUES ('img-1', 0.25::DOUBLE), ('img-2', 'NaN'::DOUBLE), ('img-3', 1.5::FLOAT))
                          AS t(imageId, "metadata.score")""")
                        .expect("img-1", meta("score", 0.25))
                        .expect("img-3", meta("score", 1.5))
                        .reject(
                                "2,2,img-2,column 'metadata.score': NaN is not a number JSON can carry,floats-and-nan.parquet"),
                parquet("nulls-everywhere", """
                        SELECT * FROM (VALUES ('img-1', NULL, NULL::VARCHAR[], ['t']), ('img-2', 'x', NULL, NULL))
                          AS t(imageId, "metadata.camera", removeMetadata, addTags)""").expect("img-1", meta(), "t").expect("img-2", meta("camera", "x")),
                // codecs
                export(
                                "codec-gzip",
                                "codec-gzip.parquet",
                                "FORMAT PARQUET, COMPRESSION gzip",
                                "SELECT 'img-1' AS imageId, ['g'] AS addTags")
                        .expect("img-1", meta(), "g"),
                export(
                                "codec-zstd",
                                "codec-zstd.parquet",
                                "FORMAT PARQUET, COMPRESSION zstd",
                                "SELECT 'img-1' AS imageId, ['z'] AS addTags")
                        .expect("img-1", meta(), "z"),
                export(
                                "codec-lz4",
                                "codec-lz4.parquet",
                                "FORMAT PARQUET, COMPRESSION lz4",
                                "SELECT 'img-1' AS imageId, ['l'] AS addTags")
                        .expect("img-1", meta(), "l"),
                export(
                                "codec-none",
                                "codec-none.parquet",
                                "FORMAT PARQUET, COMPRESSION uncompressed",
                                "SELECT 'img-1' AS imageId, ['u'] AS addTags")
                        .expect("img-1", meta(), "u"),
                export("partitioned", "partitioned", "FORMAT PARQUET, PARTITION_BY (\"metadata.site\")", """
                        SELECT * FROM (VALUES ('img-1', ['a'], 'dock'), ('img-2', ['b'], 'gate'), ('img-3', ['c'], NULL))
                          AS t(imageId, addTags, "metadata.site")""")
                        .expect("img-1", meta("site", "dock"), "a")
                        .expect("img-2", meta("site", "gate"), "b")
                        .expect("img-3", meta(), "c"),
                // what tagsync cannot read fails the run, naming file, column and reason
                parquet("blob-refused", "SELECT 'img-1' AS imageId, '\\xAA'::BLOB AS \"metadata.raw\"")
                        .fails("column 'metadata.raw' has type binary; tagsync reads it as a string, number, boolean, "
                                + "date or time: cast it to VARCHAR (a string)"),
                parquet("interval-refused", "SELECT 'img-1' AS imageId, INTERVAL 2 HOUR AS \"metadata.wait\"")
                        .fails("column 'metadata.wait' has type interval"),
                parquet("nested-refused", "SELECT 'img-1' AS imageId, {'a': {'b': 1}} AS metadata")
                        .fails("column 'metadata.a' has type struct"),
                parquet("unknown-column", "SELECT 'img-1' AS imageId, 'x' AS camera")
                        .fails("unknown column 'camera' of type string"),
                export(
                                "codec-brotli-refused",
                                "codec-brotli-refused.parquet",
                                "FORMAT PARQUET, COMPRESSION brotli",
                                "SELECT 'img-1' AS imageId, ['b'] AS addTags")
                        .fails("is compressed with BROTLI, which tagsync cannot read"),
                // JSON as DuckDB writes it
                export("json-lines", "json-lines.json", "FORMAT JSON", """
                        SELECT * FROM (VALUES ('img-1', {'camera': 'north', 'lux': NULL}, ['a', NULL], NULL),
                                              ('img-2', NULL, NULL, ['x']))
                          AS t(imageId, metadata, addTags, removeTags)""")
                        .expect("img-1", meta("camera", "north"), "a"),
                export("json-array", "json-array.json", "FORMAT JSON, ARRAY true", """
                        SELECT * FROM (VALUES ('img-1', ['a']), ('img-2', NULL)) AS t(imageId, addTags)""")
                        .expect("img-1", meta(), "a")
                        .reject(
                                "2,3,img-2,\"no change: the row sets, removes, adds and removes nothing\",json-array.json"),
                export(
                                "json-gzip",
                                "json-gzip.json.gz",
                                "FORMAT JSON, COMPRESSION gzip",
                                "SELECT 'img-3' AS imageId, {'n': 3, 'd': 2.5::DECIMAL(4,1)} AS metadata")
                        .expect("img-3", meta("n", 3L, "d", 2.5)),
                export("ndjson", "changes.ndjson", "FORMAT JSON", "SELECT 'img-2' AS imageId, ['n'] AS addTags")
                        .expect("img-2", meta(), "n"),
                export("json-exact-numbers", "json-exact-numbers.json", "FORMAT JSON", """
                        SELECT * FROM (VALUES ('img-1', {'huge': 123456789012345678901234567890.123::DECIMAL(38,3), 'd': 0.1}),
                                              ('img-2', {'huge': 9.5, 'd': 1e300}))
                          AS t(imageId, metadata)""")
                        .expect("img-1", meta("huge", 1.2345678901234568E29, "d", 0.1))
                        .expect("img-2", meta("huge", 9.5, "d", 1e300))
                        .sends("\"huge\":123456789012345678901234567890.123")
                        .sends("\"d\":0.1"),
                // CSV as DuckDB writes it
                export("csv-nulls", "csv-nulls.csv", "FORMAT CSV, HEADER", """
                        SELECT * FROM (VALUES ('img-1', 'north', NULL), ('img-2', NULL, 'camera'), ('img-3', NULL, NULL))
                          AS t(imageId, "metadata.camera", removeMetadata)""")
                        .expect("img-1", meta("camera", "north"))
                        .reject(
                                "3,4,img-3,\"no change: the row sets, removes, adds and removes nothing\",csv-nulls.csv"),
                export(
                                "csv-quoted",
                                "csv-quoted.csv",
                                "FORMAT CSV, HEADER",
                                "SELECT 'img-1' AS imageId, 'a, \"b\"\nc' AS \"metadata.note\"")
                        .expect("img-1", meta("note", "a, \"b\"\nc")),
                export(
                                "tsv",
                                "changes.tsv",
                                "FORMAT CSV, HEADER, DELIMITER '\t'",
                                "SELECT 'img-1' AS imageId, 'x,y' AS \"metadata.pair\", 'a|b' AS addTags")
                        .expect("img-1", meta("pair", "x,y"), "a", "b"),
                export(
                                "csv-list-text",
                                "csv-list-text.csv",
                                "FORMAT CSV, HEADER",
                                "SELECT 'img-1' AS imageId, ['night', 'truck'] AS addTags, to_json(['old']) AS removeTags")
                        .expect("img-1", meta(), "night", "truck"),
                export(
                                "csv-gzip",
                                "csv-gzip.csv.gz",
                                "FORMAT CSV, HEADER, COMPRESSION gzip",
                                "SELECT 'img-2' AS imageId, 12345678901234567890.5 AS \"metadata.big:number\" "
                                        + "UNION ALL SELECT 'img-3', 0.1")
                        .expect("img-2", meta("big", 1.2345678901234567E19))
                        .expect("img-3", meta("big", 0.1))
                        .sends("\"big\":12345678901234567890.5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endsInTheExactState(Case export, CapturedOutput output) throws SQLException, IOException {
        store.seed(IMAGES);
        sandbox.settings().keepBodies(true);
        Path file = dir.resolve(export.file());
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duckdb.createStatement()) {
            sql.execute("COPY (" + export.sql() + ") TO '" + file + "' (" + export.options() + ")");
        }

        int exit = runCommand.run(
                new RunParameters(file, WORKSPACE, export.name(), sandbox.url(), 4, reportDir(export.name())));

        if (export.failure() != null) {
            assertThat(exit).isEqualTo(ExitCodes.FAILED);
            assertThat(output.getErr()).contains(dir.toString()).contains(export.failure());
            assertThat(sandbox.stats().apiCalls()).isZero();
            return;
        }
        assertThat(exit).isEqualTo(export.rejects().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL);
        Map<String, State> expected = new TreeMap<>();
        IMAGES.forEach(id -> expected.put(id, new State()));
        expected.putAll(export.state());
        assertThat(actualState(IMAGES)).isEqualTo(expected);
        List<String> rejects = Files.readAllLines(reportDir(export.name()).resolve("rejects.csv"));
        assertThat(rejects.subList(1, rejects.size())).containsExactlyElementsOf(export.rejects());
        String bodies =
                sandbox.acceptedBodies().stream().map(JsonNode::toString).reduce("", String::concat);
        for (String text : export.sent()) {
            assertThat(bodies).contains(text);
        }
    }
}
