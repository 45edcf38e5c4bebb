package io.tagsync.staging;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.input.ImageUpdate;
import io.tagsync.store.StagedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestPayloadsTest {

    @Test
    void storedRowsFollowTheBodysImagesThroughSplits() {
        List<MergedUpdate> updates = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            MergedUpdate update = new MergedUpdate("img-" + i);
            update.apply(update("img-" + i, i), i, Integer.toString(i));
            if (i == 2) {
                update.apply(update("img-2", 9), 9, "parts/b.csv:9");
            }
            updates.add(update);
        }
        UpdateJson json = new UpdateJson();
        StagedRequest staged =
                RequestPayloads.stage(1, updates.stream().map(json::merged).toList());

        List<RequestPayloads.ImageRows> rows = RequestPayloads.imageRows(staged.payload(), staged.imageRows());
        assertThat(rows)
                .containsExactly(
                        new RequestPayloads.ImageRows("img-1", "1"),
                        new RequestPayloads.ImageRows("img-2", "2,parts/b.csv:9"),
                        new RequestPayloads.ImageRows("img-3", "3"),
                        new RequestPayloads.ImageRows("img-4", "4"),
                        new RequestPayloads.ImageRows("img-5", "5"));

        List<StagedRequest> halves = RequestPayloads.halves(staged.payload(), staged.imageRows(), 1, 9);
        assertThat(RequestPayloads.imageRows(
                        halves.get(0).payload(), halves.get(0).imageRows()))
                .isEqualTo(rows.subList(0, 3));
        assertThat(RequestPayloads.imageRows(
                        halves.get(1).payload(), halves.get(1).imageRows()))
                .isEqualTo(rows.subList(3, 5));
        StagedRequest single = RequestPayloads.halves(
                        halves.get(1).payload(), halves.get(1).imageRows(), 4, 5)
                .get(1);
        assertThat(RequestPayloads.single(single.payload()).imageId()).isEqualTo("img-5");
        assertThat(RequestPayloads.imageRows(single.payload(), single.imageRows()))
                .containsExactly(new RequestPayloads.ImageRows("img-5", "5"));
    }

    private static StagedUpdate merged(String imageId, long row) {
        MergedUpdate update = new MergedUpdate(imageId);
        update.apply(update(imageId, row), row, Long.toString(row));
        return new UpdateJson().merged(update);
    }

    private static ImageUpdate update(String imageId, long value) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("n", value);
        return new ImageUpdate(
                imageId, metadata, new LinkedHashSet<>(), new LinkedHashSet<>(Set.of("t")), new LinkedHashSet<>());
    }
}
