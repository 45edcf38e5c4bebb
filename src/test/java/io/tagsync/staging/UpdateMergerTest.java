package io.tagsync.staging;

import static io.tagsync.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.input.ImageUpdate;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateMergerTest {

    @TempDir
    Path spillDir;

    private UpdateMerger merger(int bufferRows) {
        return new UpdateMerger(spillDir, bufferRows);
    }

    private static StagedUpdate only(UpdateMerger merger) {
        List<StagedUpdate> out = new ArrayList<>();
        merger.finish(out::add);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void spillingToDiskGivesTheSameUpdatesAsMergingInMemory() throws IOException {
        Random random = new Random(3);
        List<ImageUpdate> rows = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String id = "img-" + random.nextInt(400);
            Map<String, Object> set = new LinkedHashMap<>();
            if (random.nextBoolean()) {
                set.put(
                        "k" + random.nextInt(3),
                        random.nextInt(3) == 0
                                ? (Object) random.nextLong()
                                : random.nextBoolean() ? (Object) ("v" + i) : (Object) (random.nextDouble()));
            }
            List<String> remove = random.nextInt(4) == 0 ? List.of("k" + random.nextInt(3)) : List.of();
            remove = remove.stream().filter(k -> !set.containsKey(k)).toList();
            String tag = "t" + random.nextInt(4);
            boolean add = random.nextBoolean();
            rows.add(update(id, set, remove, add ? List.of(tag) : List.of(), add ? List.of() : List.of(tag)));
        }
        List<String> inMemory = new ArrayList<>();
        List<String> spilled = new ArrayList<>();
        List<String> tiered = new ArrayList<>();
        // one row a run: 4,999 run files (the last row stays in memory), merged 64 at a time into tier-1 runs, and
        // 64 of those into a tier-2 run
        try (UpdateMerger memory = merger(10_000);
                UpdateMerger disk = merger(97);
                UpdateMerger tiers = merger(1)) {
            for (int i = 0; i < rows.size(); i++) {
                memory.add(rows.get(i), i + 1, String.valueOf(i + 1));
                disk.add(rows.get(i), i + 1, String.valueOf(i + 1));
                tiers.add(rows.get(i), i + 1, String.valueOf(i + 1));
            }
            memory.finish(update -> inMemory.add(describe(update)));
            disk.finish(update -> spilled.add(describe(update)));
            tiers.finish(update -> tiered.add(describe(update)));
            assertThat(disk.spills()).isGreaterThan(50);
            assertThat(tiers.spills()).isEqualTo(4_999 + 4_999 / UpdateMerger.FAN_IN + 1);
            assertThat(memory.spills()).isZero();
        }
        assertThat(spilled).hasSize(400).isEqualTo(inMemory);
        assertThat(tiered).isEqualTo(inMemory);
        try (var left = Files.list(spillDir)) {
            assertThat(left).as("spill files removed").isEmpty();
        }
    }

    private static String describe(StagedUpdate update) {
        return update.imageId() + " " + update.json() + " rows " + update.rows() + " " + update.firstRow() + ".."
                + update.lastRow() + " counts " + update.keysSet() + "/" + update.keysRemoved() + "/"
                + update.tagsAdded() + "/" + update.tagsRemoved();
    }

    @Test
    void laterSetWinsOverEarlierRemoveAndEarlierSet() {
        UpdateMerger merger = merger(1000);
        merger.add(update("a", Map.of("k", "1"), List.of(), List.of(), List.of()), 1, "1");
        merger.add(update("a", Map.of(), List.of("k"), List.of(), List.of()), 2, "2");
        merger.add(update("a", Map.of("k", "3"), List.of(), List.of(), List.of()), 3, "3");

        StagedUpdate staged = only(merger);
        ImageUpdate merged = staged.update();
        assertThat(merged.metadata()).containsExactly(Map.entry("k", "3"));
        assertThat(merged.removeMetadata()).isEmpty();
        assertThat(staged.rows()).isEqualTo("1,2,3");
        assertThat(staged.firstRow()).isEqualTo(1);
        assertThat(staged.lastRow()).isEqualTo(3);
        assertThat(staged.keysSet()).isEqualTo(1);
    }

    @Test
    void laterRemoveWinsOverEarlierSet() {
        UpdateMerger merger = merger(1000);
        merger.add(update("a", Map.of("k", "1", "j", 2L), List.of(), List.of(), List.of()), 1, "1");
        merger.add(update("a", Map.of(), List.of("k"), List.of(), List.of()), 2, "2");

        ImageUpdate merged = only(merger).update();
        assertThat(merged.metadata()).containsExactly(Map.entry("j", 2L));
        assertThat(merged.removeMetadata()).containsExactly("k");
    }

    @Test
    void tagsFollowTheLastRowThatNamesThem() {
        UpdateMerger merger = merger(1000);
        merger.add(update("a", Map.of(), List.of(), List.of("x", "y"), List.of()), 1, "1");
        merger.add(update("a", Map.of(), List.of(), List.of(), List.of("x", "z")), 2, "2");
        merger.add(update("a", Map.of(), List.of(), List.of("z"), List.of()), 3, "3");

        ImageUpdate merged = only(merger).update();
        assertThat(merged.addTags()).containsExactlyInAnyOrder("y", "z");
        assertThat(merged.removeTags()).containsExactly("x");
    }

    @Test
    void emitsImagesInImageIdOrder() {
        UpdateMerger merger = merger(1000);
        for (String id : List.of("c", "a", "c", "b", "a")) {
            merger.add(update(id, Map.of(), List.of(), List.of("t"), List.of()), 1, "1");
        }
        List<StagedUpdate> out = new ArrayList<>();
        assertThat(merger.finish(out::add)).isEqualTo(3);
        assertThat(out).extracting(StagedUpdate::imageId).containsExactly("a", "b", "c");
    }

    @Test
    void mergedUpdateNeverSetsAndRemovesTheSameKeyOrTag() {
        UpdateMerger merger = merger(1000);
        merger.add(update("a", Map.of("k", 1L), List.of(), List.of("t"), List.of()), 1, "1");
        merger.add(update("a", Map.of(), List.of("k"), List.of(), List.of("t")), 2, "2");
        merger.add(update("a", Map.of("k", 2L), List.of(), List.of("t"), List.of()), 3, "3");

        ImageUpdate merged = only(merger).update();
        Set<String> both = new LinkedHashSet<>(merged.metadata().keySet());
        both.retainAll(merged.removeMetadata());
        assertThat(both).isEmpty();
        assertThat(merged.addTags()).containsExactly("t");
        assertThat(merged.removeTags()).isEmpty();
    }

    @Test
    void anImageWithOneRowIsSentAsItsRowWasWrittenAndAFoldedOneKeepsEveryValueExactly() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("text", "quote \" slash \\ tab \t é 画像");
        values.put("long", Long.MIN_VALUE);
        values.put("big", new BigInteger("123456789012345678901234567890"));
        values.put("decimal", new BigDecimal("0.12345678901234567890123"));
        values.put("double", 1.0e-7);
        values.put("flag", true);
        UpdateMerger merger = merger(1000);
        merger.add(update("one", values, List.of("gone"), List.of("x"), List.of()), 1, "1");
        merger.add(update("two", values, List.of(), List.of(), List.of()), 2, "parts/a.csv:2");
        merger.add(update("two", Map.of(), List.of(), List.of("y"), List.of()), 3, "parts/b.csv:7");
        List<StagedUpdate> out = new ArrayList<>();
        merger.finish(out::add);

        // keys in order, whatever the input's: equal updates are equal bytes
        String written = "\"metadata\":{\"big\":123456789012345678901234567890,"
                + "\"decimal\":0.12345678901234567890123,\"double\":1.0E-7,\"flag\":true,"
                + "\"long\":-9223372036854775808,\"text\":\"quote \\\" slash \\\\ tab \\t é 画像\"}";
        assertThat(out.get(0).json())
                .isEqualTo("{\"imageId\":\"one\"," + written + ",\"removeMetadata\":[\"gone\"],\"addTags\":[\"x\"]}");
        assertThat(out.get(1).json()).isEqualTo("{\"imageId\":\"two\"," + written + ",\"addTags\":[\"y\"]}");
        assertThat(out.get(1).rows()).isEqualTo("parts/a.csv:2,parts/b.csv:7");
        assertThat(out.get(1).update().metadata())
                .containsEntry("long", Long.MIN_VALUE)
                .containsEntry("big", new BigInteger("123456789012345678901234567890"));
        assertThat(List.of(
                        out.get(0).keysSet(),
                        out.get(0).keysRemoved(),
                        out.get(0).tagsAdded(),
                        out.get(0).tagsRemoved()))
                .containsExactly(6, 1, 1, 0);
    }

    @Test
    void imageIdsBeyondAsciiComeOutOnceEachInOneOrderWhetherSpilledOrNot() {
        // U+E000 sorts after U+1F600 as UTF-16 but before it as UTF-8: the buffer and the run files must agree
        List<String> ids = List.of("b", "\uE000", "\uD83D\uDE00", "é", "a", "\uE000", "\uD83D\uDE00", "é", "b", "a");
        List<List<String>> outputs = new ArrayList<>();
        for (int bufferRows : new int[] {1000, 3, 1}) {
            try (UpdateMerger merger = merger(bufferRows)) {
                for (int i = 0; i < ids.size(); i++) {
                    merger.add(
                            update(ids.get(i), Map.of(), List.of(), List.of("t" + i), List.of()),
                            i + 1,
                            String.valueOf(i + 1));
                }
                List<String> out = new ArrayList<>();
                merger.finish(update -> out.add(update.imageId() + " " + update.rows()));
                outputs.add(out);
            }
        }
        assertThat(outputs.get(0)).containsExactly("a 5,10", "b 1,9", "é 4,8", "\uE000 2,6", "\uD83D\uDE00 3,7");
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
        assertThat(outputs.get(2)).isEqualTo(outputs.get(0));
    }

    @Test
    void repeatedRowsAreFoldedBeforeTheySpillAndAnImagesRowsAreNamedUpToABound() throws IOException {
        // 200,000 rows for 3 images, 1,000 rows a sorted run: each run holds 3 records, not 1,000
        long spilled;
        List<StagedUpdate> out = new ArrayList<>();
        try (UpdateMerger merger = merger(1_000)) {
            for (int i = 1; i <= 200_000; i++) {
                String tag = "t" + (i % 5);
                merger.add(
                        update("img-" + (i % 3), Map.of("n", (long) i), List.of(), List.of(tag), List.of()),
                        i,
                        String.valueOf(i));
                if (i == 150_000) {
                    try (var runs = Files.walk(spillDir)) {
                        spilled = runs.filter(Files::isRegularFile)
                                .mapToLong(run -> run.toFile().length())
                                .sum();
                    }
                    assertThat(spilled).as("bytes spilled for 150,000 rows").isLessThan(150 * 3 * 400);
                    try (var runs = Files.walk(spillDir)) {
                        assertThat(runs.filter(Files::isRegularFile).toList())
                                .isNotEmpty()
                                .allSatisfy(run -> assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                                                Files.getPosixFilePermissions(run)))
                                        .isEqualTo("rw-------"));
                    }
                }
            }
            merger.finish(out::add);
            assertThat(merger.spills()).isGreaterThan(150);
        }
        assertThat(out).extracting(StagedUpdate::imageId).containsExactly("img-0", "img-1", "img-2");
        StagedUpdate first = out.get(0);
        assertThat(first.update().metadata()).isEqualTo(Map.of("n", 199_998L));
        assertThat(first.update().addTags()).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4");
        assertThat(first.firstRow()).isEqualTo(3);
        assertThat(first.lastRow()).isEqualTo(199_998);
        assertThat(first.rows())
                .startsWith("3,6,9,12,")
                .endsWith(",… " + (66_666 - first.rows().split(",").length + 1) + " more");
        assertThat(first.rows().length()).isLessThan(MergedUpdate.ROWS_SHOWN + 32);
    }

    @Test
    void theSpillFolderKeepsAShareOfItsDiskFree() {
        assertThat(UpdateMerger.keptFree(256 << 10)).isEqualTo((256 << 10) / 20);
        assertThat(UpdateMerger.keptFree(500L << 30)).isEqualTo(1L << 30);
    }
}
