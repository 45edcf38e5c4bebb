package io.tagsync.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.tagsync.input.ImageUpdate;
import org.junit.jupiter.api.Test;

class UpdateMergerTest {

    private static ImageUpdate update(String id, Map<String, Object> set, List<String> remove, List<String> add,
            List<String> untag) {
        return new ImageUpdate(id, new LinkedHashMap<>(set), new LinkedHashSet<>(remove), new LinkedHashSet<>(add),
                new LinkedHashSet<>(untag));
    }

    @Test
    void laterSetWinsOverEarlierRemoveAndEarlierSet() {
        UpdateMerger merger = new UpdateMerger();
        merger.add(update("a", Map.of("k", "1"), List.of(), List.of(), List.of()), 1, "1");
        merger.add(update("a", Map.of(), List.of("k"), List.of(), List.of()), 2, "2");
        merger.add(update("a", Map.of("k", "3"), List.of(), List.of(), List.of()), 3, "3");

        MergedUpdate merged = merger.updates().iterator().next();
        assertThat(merged.metadata()).containsExactly(Map.entry("k", "3"));
        assertThat(merged.removeMetadata()).isEmpty();
        assertThat(merged.rows()).isEqualTo("1,2,3");
        assertThat(merged.firstRow()).isEqualTo(1);
        assertThat(merged.lastRow()).isEqualTo(3);
    }

    @Test
    void laterRemoveWinsOverEarlierSet() {
        UpdateMerger merger = new UpdateMerger();
        merger.add(update("a", Map.of("k", "1", "j", 2L), List.of(), List.of(), List.of()), 1, "1");
        merger.add(update("a", Map.of(), List.of("k"), List.of(), List.of()), 2, "2");

        MergedUpdate merged = merger.updates().iterator().next();
        assertThat(merged.metadata()).containsExactly(Map.entry("j", 2L));
        assertThat(merged.removeMetadata()).containsExactly("k");
    }

    @Test
    void tagsFollowTheLastRowThatNamesThem() {
        UpdateMerger merger = new UpdateMerger();
        merger.add(update("a", Map.of(), List.of(), List.of("x", "y"), List.of()), 1, "1");
        merger.add(update("a", Map.of(), List.of(), List.of(), List.of("x", "z")), 2, "2");
        merger.add(update("a", Map.of(), List.of(), List.of("z"), List.of()), 3, "3");

        MergedUpdate merged = merger.updates().iterator().next();
        assertThat(merged.addTags()).containsExactlyInAnyOrder("y", "z");
        assertThat(merged.removeTags()).containsExactly("x");
    }

    @Test
    void keepsImagesInOrderOfTheirFirstRow() {
        UpdateMerger merger = new UpdateMerger();
        for (String id : List.of("c", "a", "c", "b", "a")) {
            merger.add(update(id, Map.of(), List.of(), List.of("t"), List.of()), 1, "1");
        }
        assertThat(merger.updates()).extracting(MergedUpdate::imageId).containsExactly("c", "a", "b");
        assertThat(merger.size()).isEqualTo(3);
    }

    @Test
    void mergedUpdateNeverSetsAndRemovesTheSameKeyOrTag() {
        UpdateMerger merger = new UpdateMerger();
        merger.add(update("a", Map.of("k", 1L), List.of(), List.of("t"), List.of()), 1, "1");
        merger.add(update("a", Map.of(), List.of("k"), List.of(), List.of("t")), 2, "2");
        merger.add(update("a", Map.of("k", 2L), List.of(), List.of("t"), List.of()), 3, "3");

        MergedUpdate merged = merger.updates().iterator().next();
        Set<String> both = new LinkedHashSet<>(merged.metadata().keySet());
        both.retainAll(merged.removeMetadata());
        assertThat(both).isEmpty();
        assertThat(merged.addTags()).containsExactly("t");
        assertThat(merged.removeTags()).isEmpty();
    }
}
