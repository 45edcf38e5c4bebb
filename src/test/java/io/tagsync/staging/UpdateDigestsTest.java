package io.tagsync.staging;

import static io.tagsync.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.input.ImageUpdate;
import io.tagsync.store.SyncState.AppliedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateDigestsTest {

    @TempDir
    Path spillDir;

    private List<StagedUpdate> staged(ImageUpdate... rows) {
        List<StagedUpdate> out = new ArrayList<>();
        try (UpdateMerger merger = new UpdateMerger(spillDir, 100)) {
            for (int i = 0; i < rows.length; i++) {
                merger.add(rows[i], i + 1, Integer.toString(i + 1));
            }
            merger.finish(out::add);
        }
        return out;
    }

    private static Map<String, Object> metadata(Object... keysAndValues) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            metadata.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return metadata;
    }

    @Test
    void equalUpdatesHaveEqualDigestsWhateverTheOrderOfTheirKeysAndTags() {
        UpdateDigests digests = new UpdateDigests();
        StagedUpdate one = staged(update(
                        "a", metadata("camera", "x", "shift", 3L), List.of("old"), List.of("day", "yard"), List.of()))
                .get(0);
        StagedUpdate other = staged(update(
                        "a", metadata("shift", 3L, "camera", "x"), List.of("old"), List.of("yard", "day"), List.of()))
                .get(0);
        StagedUpdate changed = staged(update(
                        "a", metadata("camera", "x", "shift", 4L), List.of("old"), List.of("day", "yard"), List.of()))
                .get(0);

        assertThat(digests.of(one)).isEqualTo(digests.of(other)).isNotEqualTo(digests.of(changed));
    }

    @Test
    void aRequestBodyGivesEachUpdateTheDigestItWasStagedWith() {
        UpdateDigests digests = new UpdateDigests();
        List<StagedUpdate> updates = staged(
                update("a", metadata("camera", "südtor \"2\"", "lux", 1.5), List.of(), List.of("x"), List.of()),
                update("b", Map.of(), List.of("camera"), List.of(), List.of("night")),
                update("a", metadata("reviewed", true), List.of(), List.of(), List.of()));

        List<AppliedImage> fromBody =
                digests.ofPayload(RequestPayloads.stage(1, updates).payload());

        assertThat(fromBody)
                .containsExactly(
                        new AppliedImage("a", digests.of(updates.get(0))),
                        new AppliedImage("b", digests.of(updates.get(1))));
    }
}
