package io.tagsync.input;

import static io.tagsync.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpdateRulesTest {

    @Test
    void acceptsAnyOneKindOfChange() {
        assertThat(UpdateRules.violation(update("a", Map.of("k", 1L), List.of(), List.of(), List.of())))
                .isEmpty();
        assertThat(UpdateRules.violation(update("a", Map.of(), List.of("k"), List.of(), List.of())))
                .isEmpty();
        assertThat(UpdateRules.violation(update("a", Map.of(), List.of(), List.of("t"), List.of())))
                .isEmpty();
        assertThat(UpdateRules.violation(update("a", Map.of(), List.of(), List.of(), List.of("t"))))
                .isEmpty();
    }

    @Test
    void refusesWhatTheServerWouldRefuse() {
        assertThat(UpdateRules.violation(update("", Map.of("k", 1L), List.of(), List.of(), List.of())))
                .contains("missing imageId");
        assertThat(UpdateRules.violation(update("a b", Map.of("k", 1L), List.of(), List.of(), List.of())))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("invalid imageId"));
        assertThat(UpdateRules.violation(update("a", Map.of(), List.of(), List.of(), List.of())))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("no change"));
        assertThat(UpdateRules.violation(update("a", Map.of("k", 1L), List.of("k"), List.of(), List.of())))
                .contains("metadata key 'k' is both set and removed");
        assertThat(UpdateRules.violation(update("a", Map.of(), List.of(), List.of("t"), List.of("t"))))
                .contains("tag 't' is both added and removed");
        assertThat(UpdateRules.violation(update("a", Map.of(), List.of(), List.of("two words"), List.of())))
                .contains("invalid tag 'two words': tags cannot contain spaces");
        assertThat(UpdateRules.violation(update("a", Map.of(), List.of(), List.of("tab\tbed"), List.of())))
                .isPresent();
    }
}
