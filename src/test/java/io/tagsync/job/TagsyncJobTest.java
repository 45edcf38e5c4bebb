package io.tagsync.job;

import static io.tagsync.Fixtures.BASIC_IMAGES;
import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ExitCodes;
import io.tagsync.sandbox.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TagsyncJobTest extends JobTestSupport {

    @Test
    void appliesTheValidRowsInFileOrderAndReportsTheRest() throws IOException {
        store.seed(BASIC_IMAGES);

        int exit = run(fixture("basic.csv"), "basic");

        assertThat(exit).isEqualTo(ExitCodes.PARTIAL);
        assertThat(actualState(BASIC_IMAGES)).isEqualTo(expectedState(fixture("basic.expected.json")));

        List<String> rejects = Files.readAllLines(reportDir("basic").resolve("rejects.csv"));
        List<String> expectedRejects = Files.readAllLines(fixture("basic.rejects.csv"));
        assertThat(rejects.get(0)).isEqualTo("row,line,imageId,reason,file");
        assertThat(rejects).hasSize(expectedRejects.size());
        for (int i = 1; i < expectedRejects.size(); i++) {
            String[] expected = expectedRejects.get(i).split(",", 3);
            assertThat(rejects.get(i))
                    .startsWith(expected[0] + "," + expected[1] + ",")
                    .contains(expected[2])
                    .endsWith(",basic.csv");
        }
        List<String> failed = Files.readAllLines(reportDir("basic").resolve("failed-items.csv"));
        assertThat(failed).hasSize(2);
        assertThat(failed.get(0)).isEqualTo("imageId,taskId,error,rows");
        assertThat(failed.get(1))
                .startsWith("img-missing,")
                .contains("Image not found")
                .endsWith(",13");
        assertThat(Files.readString(reportDir("basic").resolve("summary.json")))
                .contains("\"rejected\" : 8")
                .contains("\"exitCode\" : 4");
    }

    @Test
    void longFormInputWithEveryImageOnManyScatteredRowsEndsExact() throws IOException {
        Path input = dir.resolve("long-form.csv");
        GeneratedInput generated = GeneratedInput.write(input, 2_500, 5, 20, 42);
        store.seed(generated.imageIds);

        int exit = run(input, "long-form");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(generated.rows).isGreaterThan(25_000);
        Map<String, State> actual = actualState(generated.imageIds);
        assertThat(actual).isEqualTo(generated.expected);
        // one merged update per image: each image is in exactly one request, applied once
        assertThat(generated.imageIds)
                .allSatisfy(id -> assertThat(store.image(id).map(ImageStore.Image::updates))
                        .contains(1));
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(3);
        // the benchmark's "first request to the last task seen final"
        assertThat(sandbox.stats().firstCallNanos()).isPositive();
        assertThat(sandbox.stats().lastSeenNanos())
                .isGreaterThan(sandbox.stats().firstCallNanos());
    }

    @Test
    void headerOnlyInputEndsCleanWithNothingSent() {
        assertThat(run(fixture("header-only.csv"), "empty")).isEqualTo(ExitCodes.OK);
        assertThat(sandbox.stats().apiCalls()).isZero();
        assertThat(reportDir("empty").resolve("summary.json")).content().contains("\"read\" : 0");
    }

    @Test
    void anUnreadableInputFailsBeforeAnythingIsSent() {
        assertThat(run(fixture("unknown-column.csv"), "bad-header")).isEqualTo(ExitCodes.FAILED);
        assertThat(sandbox.stats().apiCalls()).isZero();
    }

    @Test
    void aRefusedKeyStopsTheRunWithExitCodeTwo() throws IOException {
        store.seed(BASIC_IMAGES);
        sandbox.settings().apiKey("another-key");

        assertThat(run(fixture("basic.csv"), "bad-key")).isEqualTo(ExitCodes.BAD_KEY);
        assertThat(sandbox.stats().acceptedBatches()).isZero();
    }

    @Test
    void anUnknownWorkspaceStopsTheRunWithExitCodeThree() {
        store.seed(BASIC_IMAGES);

        assertThat(run(fixture("basic.csv"), "no-such-workspace", "wrong-ws")).isEqualTo(ExitCodes.NO_WORKSPACE);
    }

    @Test
    void aCompletedRunIsNotRunAgain() {
        store.seed(BASIC_IMAGES);
        assertThat(run(fixture("basic.csv"), "twice")).isEqualTo(ExitCodes.PARTIAL);
        long batches = sandbox.stats().acceptedBatches();

        assertThat(run(fixture("basic.csv"), "twice")).isEqualTo(ExitCodes.PARTIAL);
        assertThat(sandbox.stats().acceptedBatches()).isEqualTo(batches);
    }
}
