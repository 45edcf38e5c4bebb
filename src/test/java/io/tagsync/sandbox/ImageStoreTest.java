package io.tagsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageStoreTest {

    private final ImageStore store = new ImageStore();

    @Test
    void appliesUpdatesInOrderRemovalsFirst() {
        apply(
                "a",
                "{\"metadata\":{\"camera\":\"cam-1\",\"site\":\"kiel\",\"exposure\":16},\"addTags\":[\"glare\",\"dock\",\"blur\"]}");
        apply(
                "a",
                "{\"removeMetadata\":[\"site\"],\"metadata\":{\"camera\":\"cam-2\",\"reviewed\":true},"
                        + "\"removeTags\":[\"dock\",\"absent\"],\"addTags\":[\"anchor\",\"glare\"]}");
        // not an update the API accepts, but the store's order shows in it: removals first
        assertThat(store.apply(
                        new SandboxUpdate(
                                null,
                                new Object[] {"camera", "cam-3"},
                                new String[] {"camera"},
                                new String[] {"blur"},
                                new String[] {"blur"}),
                        "a",
                        true))
                .isTrue();

        ImageStore.Image image = store.image("a").orElseThrow();
        assertThat(image.metadata()).isEqualTo(Map.of("camera", "cam-3", "exposure", 16L, "reviewed", true));
        assertThat(image.tags()).containsExactly("anchor", "blur", "glare");
        assertThat(image.updates()).isEqualTo(3);
    }

    @Test
    void removingEverythingLeavesAnEmptyImageAndOthersUntouched() {
        apply("a", "{\"metadata\":{\"k1\":1,\"k2\":2,\"k3\":3},\"addTags\":[\"t1\",\"t2\"]}");
        apply("b", "{\"metadata\":{\"k1\":1},\"addTags\":[\"t1\"]}");
        apply("a", "{\"removeMetadata\":[\"k2\",\"k1\",\"k3\"],\"removeTags\":[\"t2\",\"t1\"]}");
        apply("a", "{\"metadata\":{\"k4\":4.5}}");

        assertThat(store.image("a").orElseThrow().metadata()).isEqualTo(Map.of("k4", 4.5));
        assertThat(store.image("a").orElseThrow().tags()).isEmpty();
        assertThat(store.image("b").orElseThrow().metadata()).isEqualTo(Map.of("k1", 1L));
        assertThat(store.image("b").orElseThrow().tags()).containsExactly("t1");
        assertThat(store.snapshot().keySet()).containsExactly("a", "b");
    }

    @Test
    void aClosedStoreRefusesUnknownImages() {
        store.seed(List.of("known"));
        assertThat(store.apply(update("{\"addTags\":[\"x\"]}"), "unknown", false))
                .isFalse();
        assertThat(store.apply(update("{\"addTags\":[\"x\"]}"), "known", false)).isTrue();
        assertThat(store.image("unknown")).isEmpty();
    }

    private void apply(String imageId, String update) {
        assertThat(store.apply(update(update), imageId, true)).isTrue();
    }

    private static SandboxUpdate update(String json) {
        UpdateParser.Result parsed = UpdateParser.single(json.getBytes(StandardCharsets.UTF_8), Set.of());
        assertThat(parsed.problem()).isNull();
        return parsed.updates().get(0);
    }
}
