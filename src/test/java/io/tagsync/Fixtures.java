package io.tagsync;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tagsync.TagsyncProperties.Input;

/** Small named fixtures under src/test/resources/fixtures. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path fixture(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no fixture " + name, e);
        }
    }

    public static Input defaultInput() {
        return new Input("|", Map.of(), List.of());
    }
}
