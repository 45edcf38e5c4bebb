package io.tagsync.job;

import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.ParquetFiles;
import io.tagsync.run.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Every input that cannot be read fails the run with one line naming the file (and line), before any request. */
@ExtendWith(OutputCaptureExtension.class)
class InputProblemsTest extends JobTestSupport {

    interface Maker {
        Path make(Path dir) throws IOException;
    }

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of("missing file", (Maker) dir -> dir.resolve("absent.csv"), "absent.csv: no such file"),
                Arguments.of(
                        "empty file",
                        (Maker) dir -> Files.createFile(dir.resolve("empty.csv")),
                        "empty.csv: the file is empty (0 bytes)"),
                Arguments.of(
                        "empty directory",
                        (Maker) dir -> Files.createDirectories(dir.resolve("nothing")),
                        "nothing: the directory holds no input files"),
                Arguments.of(
                        "directory mixing formats",
                        (Maker) dir -> {
                            Path mixed = Files.createDirectories(dir.resolve("mixed"));
                            Files.writeString(mixed.resolve("part-0.csv"), "imageId,addTags\na,x\n");
                            Files.writeString(
                                    mixed.resolve("part-1.jsonl"), "{\"imageId\":\"b\",\"addTags\":[\"x\"]}\n");
                            return mixed;
                        },
                        "mixed: the directory mixes formats (part-0.csv and part-1.jsonl)"),
                Arguments.of(
                        "unknown column",
                        (Maker) dir -> fixture("unknown-column.csv"),
                        "unknown-column.csv: line 1: unknown column 'tagz'"),
                Arguments.of(
                        "duplicate column",
                        (Maker) dir -> fixture("duplicate-column.csv"),
                        "duplicate-column.csv: line 1: duplicate column 'addTags'"),
                Arguments.of(
                        "wrong Parquet type",
                        (Maker) dir -> {
                            Schema schema = SchemaBuilder.record("r")
                                    .fields()
                                    .requiredString("imageId")
                                    .requiredDouble("removeTags")
                                    .endRecord();
                            Path file = dir.resolve("typed.parquet");
                            ParquetFiles.write(file, schema, CompressionCodecName.SNAPPY, List.of());
                            return file;
                        },
                        "typed.parquet: column 'removeTags' has type double"),
                Arguments.of(
                        "corrupt Parquet",
                        (Maker) dir -> Files.write(
                                dir.resolve("broken.parquet"),
                                new byte[] {'P', 'A', 'R', '1', 0, 1, 2, 3, 'P', 'A', 'R', '1'}),
                        "broken.parquet: not a readable Parquet file"),
                Arguments.of(
                        "gzip that is not gzip",
                        (Maker) dir -> Files.writeString(dir.resolve("plain.csv.gz"), "imageId,addTags\na,x\n"),
                        "plain.csv.gz: not a gzip file"),
                Arguments.of(
                        "invalid UTF-8",
                        (Maker) dir -> fixture("invalid-utf8.csv"),
                        "invalid-utf8.csv: line 2: not valid UTF-8"),
                Arguments.of(
                        "unterminated quote",
                        (Maker) dir -> fixture("unterminated-quote.csv"),
                        "unterminated-quote.csv: line 2: EOF reached before encapsulated token finished"),
                Arguments.of(
                        "Spark's default CSV read as RFC 4180",
                        (Maker) dir -> resource("/spark/default-csv"),
                        "line 2: Invalid character between encapsulated token and delimiter (the line holds \\\", a quote escaped "
                                + "with a backslash, as Spark writes CSV by default: set "
                                + "tagsync.input.csv-escape=backslash to read such a file)"),
                Arguments.of(
                        "a link to a device in a folder",
                        (Maker) dir -> {
                            Path parts = Files.createDirectories(dir.resolve("parts"));
                            Files.writeString(parts.resolve("part-0.csv"), "imageId,addTags\na,x\n");
                            Files.createSymbolicLink(parts.resolve("part-3.csv"), Path.of("/dev/zero"));
                            return parts;
                        },
                        "part-3.csv: not a regular file (a device, pipe or socket); tagsync reads regular files only"),
                Arguments.of(
                        "a named pipe",
                        (Maker) dir -> {
                            Path fifo = dir.resolve("changes.csv");
                            try {
                                new ProcessBuilder("mkfifo", fifo.toString())
                                        .inheritIO()
                                        .start()
                                        .waitFor();
                            } catch (InterruptedException e) {
                                throw new IOException(e);
                            }
                            return fifo;
                        },
                        "changes.csv: not a regular file (a device, pipe or socket)"),
                Arguments.of(
                        "JSON nested past the parser's limit",
                        (Maker) dir -> Files.writeString(dir.resolve("nested.jsonl"), "[".repeat(100_000)),
                        "nested.jsonl: line 1: not valid JSON (Document nesting depth"),
                Arguments.of(
                        "unsupported extension",
                        (Maker) dir -> Files.writeString(dir.resolve("changes.xlsx"), "x"),
                        "changes.xlsx: unsupported input format"));
    }

    private static Path resource(String name) throws IOException {
        try {
            return Path.of(InputProblemsTest.class.getResource(name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    @Timeout(60)
    void failsWithOneLineNamingTheFileAndSendsNothing(String name, Maker maker, String message, CapturedOutput output)
            throws IOException {
        Path input = maker.make(dir);

        int exit = run(input, "problem-" + name.replace(' ', '-'));

        assertThat(exit).isEqualTo(ExitCodes.FAILED);
        assertThat(sandbox.stats().apiCalls()).isZero();
        List<String> errors = output.getErr()
                .lines()
                .filter(line -> line.startsWith("tagsync: run"))
                .toList();
        assertThat(errors).singleElement().asString().contains(message);
    }
}
