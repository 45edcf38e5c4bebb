package io.tagsync.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SmallMap and SmallSet keep the order and contents a LinkedHashMap and a LinkedHashSet would. */
class SmallCollectionsTest {

    @Test
    void smallMapMatchesLinkedHashMapAcrossItsLinearLimit() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            Map<String, Object> small = new SmallMap<>();
            Map<String, Object> expected = new LinkedHashMap<>();
            int keys = 1 + random.nextInt(2 * SmallMap.LINEAR_LIMIT + 4);
            for (int op = 0; op < 60; op++) {
                String key = "k" + random.nextInt(keys);
                switch (random.nextInt(4)) {
                    case 0, 1 -> assertThat(small.put(key, op)).isEqualTo(expected.put(key, op));
                    case 2 -> assertThat(small.remove(key)).isEqualTo(expected.remove(key));
                    default -> {
                        assertThat(small.get(key)).isEqualTo(expected.get(key));
                        assertThat(small.containsKey(key)).isEqualTo(expected.containsKey(key));
                    }
                }
                assertThat(new ArrayList<>(small.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
                assertThat(small.size()).isEqualTo(expected.size());
            }
            assertThat(small).isEqualTo(expected);
        }
    }

    @Test
    void smallSetMatchesLinkedHashSetAcrossItsLinearLimit() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            Set<String> small = new SmallSet<>();
            Set<String> expected = new LinkedHashSet<>();
            int items = 1 + random.nextInt(2 * SmallMap.LINEAR_LIMIT + 4);
            for (int op = 0; op < 60; op++) {
                String item = "t" + random.nextInt(items);
                switch (random.nextInt(3)) {
                    case 0, 1 -> assertThat(small.add(item)).isEqualTo(expected.add(item));
                    default -> assertThat(small.remove(item)).isEqualTo(expected.remove(item));
                }
                assertThat(small.contains(item)).isEqualTo(expected.contains(item));
                assertThat(new ArrayList<>(small)).isEqualTo(new ArrayList<>(expected));
            }
            assertThat(small).isEqualTo(expected).hasSameHashCodeAs(expected);
        }
    }
}
