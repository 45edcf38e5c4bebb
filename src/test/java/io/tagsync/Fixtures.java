package io.tagsync;

import io.tagsync.input.ImageUpdate;
import io.tagsync.input.InputRow;
import io.tagsync.input.UpdateReader;
import io.tagsync.run.TagsyncProperties.Input;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Small named fixtures under src/test/resources/fixtures. */
public final class Fixtures {

    private Fixtures() {}

    public static Path fixture(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no fixture " + name, e);
        }
    }

    public static Input defaultInput() {
        return new Input("|", Map.of(), List.of(), null, null, null, null);
    }

    /** img-001 ... img-010: the images basic.csv and basic.jsonl name (img-missing aside). */
    public static final List<String> BASIC_IMAGES = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> String.format("img-%03d", i))
            .toList();

    /** An update with fresh, mutable collections in the given order. */
    public static ImageUpdate update(
            String id, Map<String, Object> set, List<String> remove, List<String> add, List<String> untag) {
        return new ImageUpdate(
                id,
                new LinkedHashMap<>(set),
                new LinkedHashSet<>(remove),
                new LinkedHashSet<>(add),
                new LinkedHashSet<>(untag));
    }

    /** Every row of a reader, in order. */
    public static List<InputRow> readAll(UpdateReader reader) {
        List<InputRow> rows = new ArrayList<>();
        try (reader) {
            for (InputRow row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }
}
