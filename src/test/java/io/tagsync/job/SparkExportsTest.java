package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import io.tagsync.sandbox.ImageStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.TestPropertySource;

/**
 * Folders as Apache Spark 3.5 writes them ({@code df.write}, local mode; {@code src/test/spark} writes them
 * again), read by the whole job against the sandbox: each ends in the exact state. Spark's own names are mapped
 * as a user would map them ({@code site}, {@code id}, {@code tags}), and its default CSV is read with
 * {@code csv-escape=backslash}.
 */
@TestPropertySource(
        properties = {
            "tagsync.input.columns.site=metadata.site",
            "tagsync.input.columns.id=imageId",
            "tagsync.input.columns.tags=addTags",
            "tagsync.input.ignore-columns=batch",
            "tagsync.input.csv-escape=backslash"
        })
class SparkExportsTest extends JobTestSupport {

    @Test
    void partitionFoldersAreColumnsOfEveryRowBelowThemUnescapedAsSparkEscapes() throws Exception {
        Map<String, State> expected = new TreeMap<>();
        expected.put("sp-1", state(Map.of("site", "gate+1"), "cam"));
        expected.put("sp-2", state(Map.of("site", "gate+1")));
        expected.put("sp-3", state(Map.of("site", "gate 1"), "cam", "dock"));
        expected.put("sp-4", state(Map.of("site", "a:b/c%d=e")));
        expected.put("sp-5", state(Map.of(), "night"));
        expected.put("sp-6", state(Map.of("site", "100% sure?")));

        store.seed(expected.keySet());
        assertThat(runSpark("partitioned")).isEqualTo(ExitCodes.OK);

        assertThat(actualState(expected.keySet())).isEqualTo(expected);
        assertThat(rejects("partitioned")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lists-standard", "lists-legacy", "lists-standard-micros", "lists-legacy-micros"})
    void listsStructsDecimalsAndTimestampsArriveExactlyInEveryLayout(String fixture) throws Exception {
        store.seed(List.of("ls-1", "ls-2", "ls-3"));
        Path before = Files.writeString(
                dir.resolve("before.csv"),
                "imageId,addTags,metadata.stale,metadata.gone:number,metadata.kept:number\n"
                        + "ls-1,old,,,\nls-2,,x,,\nls-3,,,1,2\n");
        assertThat(run(before, "before-" + fixture)).isEqualTo(ExitCodes.OK);
        sandbox.settings().keepBodies(true);
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("camera", "cam-7");
        first.put("frames", 1234567890123L);
        first.put("score", 0.25);
        first.put("ok", true);
        first.put("price", 12.34);
        // the sandbox keeps numbers as doubles; the bodies below show the decimals went exactly
        first.put("weight", ImageStore.normalize(new BigDecimal("123456789012345.678")));
        first.put("total", ImageStore.normalize(new BigDecimal("12345678901234567890123456.7891")));
        first.put("takenAt", "2024-03-05T06:07:08.123456Z");
        Map<String, State> expected = new TreeMap<>();
        expected.put("ls-1", state(first, "a", "b"));
        expected.put("ls-2", state(Map.of("ok", false), "c"));
        expected.put("ls-3", state(Map.of("kept", 2L)));

        assertThat(runSpark(fixture)).isEqualTo(ExitCodes.OK);

        assertThat(actualState(expected.keySet())).isEqualTo(expected);
        assertThat(sandbox.acceptedBodies().toString())
                .contains("12345678901234567890123456.7891")
                .contains("123456789012345.678");
    }

    @Test
    void sparksDefaultCsvIsReadExactlyWithBackslashEscapes() throws Exception {
        Map<String, State> expected = new TreeMap<>();
        expected.put("cv-1", state(Map.of("place", "quai \"B\", 2", "note", "plain"), "x", "y"));
        expected.put("cv-2", state(Map.of("place", "C:\\temp\\new", "note", "ends with \\")));
        expected.put("cv-3", state(Map.of("place", "say \"hi\"", "note", "a\\\"b"), "z"));
        expected.put("cv-4", state(Map.of("place", "line one\nline two"), "w"));
        expected.put("cv-5", state(Map.of("place", "\"", "note", "back\\slash, comma")));
        expected.put("cv-6", state(Map.of("note", "x\""), "v"));

        store.seed(expected.keySet());
        assertThat(runSpark("default-csv")).isEqualTo(ExitCodes.OK);

        assertThat(actualState(expected.keySet())).isEqualTo(expected);
    }

    @Test
    void jsonFieldsAreMappedAndIgnoredAsColumnsAre() throws Exception {
        Map<String, State> expected = new TreeMap<>();
        expected.put("js-1", state(Map.of("k", "v"), "a"));
        expected.put("js-2", state(Map.of("k", "w")));
        expected.put("js-3", state(Map.of(), "b", "c"));

        store.seed(expected.keySet());
        assertThat(runSpark("mapped-json")).isEqualTo(ExitCodes.OK);

        assertThat(actualState(expected.keySet())).isEqualTo(expected);
        assertThat(rejects("mapped-json")).isEmpty();
    }

    @Test
    void anEmptyJsonOutputIsAnInputWithNoChanges() throws Exception {
        assertThat(runSpark("empty-json")).isEqualTo(ExitCodes.OK);

        assertThat(sandbox.stats().apiCalls()).isZero();
    }

    private int runSpark(String fixture) throws URISyntaxException {
        Path input = Path.of(getClass().getResource("/spark/" + fixture).toURI());
        return runCommand.run(new RunParameters(input, WORKSPACE, fixture, sandbox.url(), 4, reportDir(fixture)));
    }

    private List<String> rejects(String runKey) throws IOException {
        Path rejects = reportDir(runKey).resolve("rejects.csv");
        if (!Files.exists(rejects)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(rejects);
        return lines.subList(1, lines.size());
    }

    private static State state(Map<String, Object> metadata, String... tags) {
        return new State(new LinkedHashMap<>(metadata), new TreeSet<>(Arrays.asList(tags)));
    }
}
