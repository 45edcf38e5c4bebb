package io.tagsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpdateParserTest {

    @Test
    void readsABatchIntoPlainValues() {
        UpdateParser.Result result = batch(
                "{\"updates\":[{\"imageId\":\"a\",\"metadata\":{\"camera\":\"c1\",\"n\":16,"
                        + "\"x\":2.5,\"whole\":3.0,\"ok\":true,\"big\":123456789012345678901234567890},\"addTags\":[\"t1\",\"t2\"]},"
                        + "{\"removeTags\":[\"t1\"],\"imageId\":\"b\",\"removeMetadata\":[\"camera\"]}],\"note\":{\"ignored\":[1]}}");

        assertThat(result.problem()).isNull();
        assertThat(result.updates()).hasSize(2);
        SandboxUpdate first = result.updates().get(0);
        assertThat(first.imageId()).isEqualTo("a");
        assertThat(first.metadata())
                .containsExactly(
                        "camera", "c1", "n", 16L, "x", 2.5, "whole", 3L, "ok", true, "big", 1.2345678901234568E29);
        assertThat(first.addTags()).containsExactly("t1", "t2");
        assertThat(first.removeTags()).isEmpty();
        SandboxUpdate second = result.updates().get(1);
        assertThat(second.imageId()).isEqualTo("b");
        assertThat(second.metadata()).isEmpty();
        assertThat(second.removeMetadata()).containsExactly("camera");
        assertThat(second.removeTags()).containsExactly("t1");
    }

    @Test
    void refusesBatchesOfTheWrongShapeOrSize() {
        assertThat(batch("[1]").problem()).isEqualTo("body must be an object with an 'updates' array");
        assertThat(batch("{\"updates\":{}}").problem()).isEqualTo("body must be an object with an 'updates' array");
        assertThat(batch("{\"updates\":[]}").problem()).isEqualTo("updates must hold 1 to 1000 items, not 0");
        StringBuilder many = new StringBuilder("{\"updates\":[");
        for (int i = 0; i <= 1000; i++) {
            many.append(i == 0 ? "" : ",").append(i == 5 ? "7" : "{\"imageId\":\"i" + i + "\",\"addTags\":[\"t\"]}");
        }
        assertThat(batch(many.append("]}").toString()).problem())
                .isEqualTo("updates must hold 1 to 1000 items, not 1001");
        assertThat(batch("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"t\"]}]} x")
                        .problem())
                .isEqualTo("body is not valid JSON");
        assertThat(batch("{\"updates\":7, \"x\": [}").problem()).isEqualTo("body is not valid JSON");
    }

    @Test
    void namesTheFirstBadUpdateAndWhatIsWrongWithIt() {
        assertThat(problem("7")).isEqualTo("updates[1]: an update must be an object");
        assertThat(problem("{\"imageId\":\"b\",\"addTags\":[\"t\"],\"tags\":[\"t\"]}"))
                .isEqualTo("updates[1]: unknown field 'tags'");
        assertThat(problem("{\"addTags\":[\"t\"]}")).isEqualTo("updates[1]: imageId is required");
        assertThat(problem("{\"imageId\":\" \",\"addTags\":[\"t\"]}")).isEqualTo("updates[1]: imageId is required");
        assertThat(problem("{\"imageId\":\"b\",\"metadata\":[1]}")).isEqualTo("updates[1]: metadata must be an object");
        assertThat(problem("{\"imageId\":\"b\",\"metadata\":{\"k\":null}}"))
                .isEqualTo("updates[1]: metadata value of 'k' must be a string, number or boolean");
        assertThat(problem("{\"imageId\":\"b\",\"removeMetadata\":\"k\"}"))
                .isEqualTo("updates[1]: removeMetadata must be an array of strings");
        assertThat(problem("{\"imageId\":\"b\",\"addTags\":[1]}"))
                .isEqualTo("updates[1]: addTags must be an array of strings");
        assertThat(problem("{\"imageId\":\"b\",\"removeTags\":null}"))
                .isEqualTo("updates[1]: removeTags must be an array of strings");
        assertThat(problem("{\"imageId\":\"b\",\"metadata\":{},\"addTags\":[]}"))
                .isEqualTo("updates[1]: an update needs at least one of metadata, removeMetadata, addTags, removeTags");
        assertThat(problem("{\"imageId\":\"b\",\"metadata\":{\"k\":1},\"removeMetadata\":[\"k\"]}"))
                .isEqualTo("updates[1]: metadata key 'k' is both set and removed");
        assertThat(problem("{\"imageId\":\"b\",\"addTags\":[\"t\"],\"removeTags\":[\"t\"]}"))
                .isEqualTo("updates[1]: tag 't' is both added and removed");
        assertThat(problem("{\"imageId\":\"b\",\"addTags\":[\"a b\"]}")).isEqualTo("updates[1]: Invalid tag 'a b'");
        assertThat(problem("{\"imageId\":\"b\",\"addTags\":[\"refused\"]}"))
                .isEqualTo("updates[1]: Invalid tag 'refused'");
        // the earlier update's problem wins over a later one's
        assertThat(batch("{\"updates\":[{\"imageId\":\"a\"},{\"tags\":1}]}").problem())
                .isEqualTo("updates[0]: an update needs at least one of metadata, removeMetadata, addTags, removeTags");
    }

    @Test
    void aSingleImageBodyHasNoImageId() {
        UpdateParser.Result ok = UpdateParser.single(bytes("{\"metadata\":{\"k\":\"v\",\"k\":\"w\"}}"), Set.of());
        assertThat(ok.problem()).isNull();
        assertThat(ok.updates().get(0).metadata()).containsExactly("k", "w");
        assertThat(UpdateParser.single(bytes("{\"imageId\":\"a\",\"addTags\":[\"t\"]}"), Set.of())
                        .problem())
                .isEqualTo("unknown field 'imageId'");
        assertThat(UpdateParser.single(bytes("{\"addTags\":[\"t\"]"), Set.of()).problem())
                .isEqualTo("body is not valid JSON");
    }

    private static String problem(String secondUpdate) {
        return batch("{\"updates\":[{\"imageId\":\"a\",\"addTags\":[\"t\"]}," + secondUpdate + "]}")
                .problem();
    }

    private static UpdateParser.Result batch(String body) {
        return UpdateParser.batch(bytes(body), Set.of("refused"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
