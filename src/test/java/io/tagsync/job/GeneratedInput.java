package io.tagsync.job;

import io.tagsync.job.JobTestSupport.State;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A CSV of random valid changes, and the state it must produce, computed by applying its rows one after the
 * other — independently of tagsync's merge.
 */
public final class GeneratedInput {

    private static final List<String> KEYS = List.of("camera", "site", "shift");
    private static final List<String> TAGS = List.of("night", "rain", "truck", "person", "blurry", "glare");

    public final List<String> imageIds = new ArrayList<>();
    public final Map<String, State> expected = new TreeMap<>();
    public int rows;

    /**
     * Writes {@code images} images with {@code minRows} to {@code maxRows} rows each, the rows of all images
     * shuffled together so that one image's rows lie far apart.
     */
    public static GeneratedInput write(Path file, int images, int minRows, int maxRows, long seed) throws IOException {
        Random random = new Random(seed);
        GeneratedInput input = new GeneratedInput();
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            String id = String.format("gen-%06d", i);
            input.imageIds.add(id);
            int count = minRows + random.nextInt(maxRows - minRows + 1);
            for (int r = 0; r < count; r++) {
                rows.add(randomRow(random, id));
            }
        }
        Collections.shuffle(rows, random);
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter csv = new CSVPrinter(
                        writer,
                        CSVFormat.RFC4180
                                .builder()
                                .setHeader(
                                        "imageId",
                                        "metadata.camera",
                                        "metadata.site",
                                        "metadata.shift:number",
                                        "removeMetadata",
                                        "addTags",
                                        "removeTags")
                                .get())) {
            for (String[] row : rows) {
                csv.printRecord((Object[]) row);
                input.apply(row);
            }
        }
        input.rows = rows.size();
        return input;
    }

    private static String[] randomRow(Random random, String id) {
        String camera = random.nextInt(3) == 0 ? "cam-" + random.nextInt(5) : "";
        String site = random.nextInt(4) == 0 ? "site-" + random.nextInt(3) : "";
        String shift = random.nextInt(4) == 0 ? String.valueOf(random.nextInt(3)) : "";
        List<String> remove = new ArrayList<>();
        for (String key : KEYS) {
            boolean set = (key.equals("camera") && !camera.isEmpty())
                    || (key.equals("site") && !site.isEmpty())
                    || (key.equals("shift") && !shift.isEmpty());
            if (!set && random.nextInt(6) == 0) {
                remove.add(key);
            }
        }
        List<String> add = new ArrayList<>();
        List<String> untag = new ArrayList<>();
        for (String tag : TAGS) {
            int pick = random.nextInt(8);
            if (pick == 0) {
                add.add(tag);
            } else if (pick == 1) {
                untag.add(tag);
            }
        }
        if (camera.isEmpty()
                && site.isEmpty()
                && shift.isEmpty()
                && remove.isEmpty()
                && add.isEmpty()
                && untag.isEmpty()) {
            add.add(TAGS.get(random.nextInt(TAGS.size())));
        }
        return new String[] {
            id, camera, site, shift, String.join("|", remove), String.join("|", add), String.join("|", untag)
        };
    }

    private void apply(String[] row) {
        State state = expected.computeIfAbsent(row[0], id -> new State());
        if (!row[1].isEmpty()) {
            state.metadata().put("camera", row[1]);
        }
        if (!row[2].isEmpty()) {
            state.metadata().put("site", row[2]);
        }
        if (!row[3].isEmpty()) {
            state.metadata().put("shift", Long.parseLong(row[3]));
        }
        for (String key : split(row[4])) {
            state.metadata().remove(key);
        }
        for (String tag : split(row[5])) {
            state.tags().add(tag);
        }
        for (String tag : split(row[6])) {
            state.tags().remove(tag);
        }
    }

    private static List<String> split(String cell) {
        return cell.isEmpty() ? List.of() : List.of(cell.split("\\|"));
    }
}
