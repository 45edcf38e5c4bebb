package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.cli.StatusCommand;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import io.tagsync.run.SyncMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code --changed-only}: nightly snapshots of 40 images, of which a run sends only the images whose update differs
 * from the last one the sandbox confirmed; what the sandbox did not confirm is sent again.
 */
class ChangedOnlyTest extends JobTestSupport {

    private static final Pattern SINGLE_UPDATE = Pattern.compile("POST /[^/]+/images/([^/?]+)/metadata.*");
    private static final String HEADER = "imageId,metadata.camera,metadata.shift:number,addTags,removeTags";
    private static final List<String> IMAGES = IntStream.rangeClosed(1, 40)
            .mapToObj(i -> String.format("snap-%03d", i))
            .toList();

    @Autowired
    private StatusCommand status;

    private int bodiesBefore;
    private int linesBefore;

    @BeforeEach
    void keepBodies() {
        sandbox.settings().keepBodies(true).keepRequestLines(true);
        store.seed(IMAGES);
        store.seed(List.of("snap-new"));
    }

    /** A snapshot: each image's row, as {@code edit} leaves it (it may drop or add rows). */
    private Path snapshot(String name, UnaryOperator<List<String>> edit) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < IMAGES.size(); i++) {
            rows.add(IMAGES.get(i) + ",cam-" + (i % 3) + "," + (i % 5) + ",day|yard,");
        }
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        lines.addAll(edit.apply(rows));
        Path file = dir.resolve(name);
        Files.write(file, lines);
        return file;
    }

    private int sync(Path input, String runKey, SyncMode mode) {
        return runCommand.run(
                new RunParameters(input, WORKSPACE, runKey, sandbox.url(), 4, reportDir(runKey)).withSync(mode));
    }

    /** The images of the batch requests the sandbox accepted, and of single updates, since the last call. */
    private Set<String> sentSinceLast() {
        List<JsonNode> bodies = sandbox.acceptedBodies();
        Set<String> images = new TreeSet<>();
        for (JsonNode body : bodies.subList(bodiesBefore, bodies.size())) {
            body.get("updates")
                    .forEach(update -> images.add(update.get("imageId").stringValue()));
        }
        bodiesBefore = bodies.size();
        List<String> lines = sandbox.requestLines();
        for (String line : lines.subList(linesBefore, lines.size())) {
            Matcher single = SINGLE_UPDATE.matcher(line);
            if (single.matches()) {
                images.add(URLDecoder.decode(single.group(1), StandardCharsets.UTF_8));
            }
        }
        linesBefore = lines.size();
        return images;
    }

    /** The images the sandbox's workspace tracks for --changed-only. */
    private long tracked() {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM synced_image i JOIN sync_scope s ON s.id = i.scope_id WHERE s.api_url = ?",
                Long.class,
                sandbox.url().toString());
    }

    /** The first night's snapshot, sent with --changed-only and applied by the sandbox. */
    private Path firstNightApplied() throws IOException {
        Path night1 = snapshot("night1.csv", rows -> rows);
        assertThat(sync(night1, "night-1", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).containsExactlyElementsOf(IMAGES);
        return night1;
    }

    private String summary(String runKey) throws IOException {
        return Files.readString(reportDir(runKey).resolve("summary.txt"));
    }

    @Test
    void theSameSnapshotAgainSendsNothingAndAChangedOneOnlyWhatChanged() throws Exception {
        Path night1 = firstNightApplied();
        long firstRun = instanceOf(night1, "night-1");

        Path night2 = snapshot("night2.csv", rows -> rows);
        assertThat(sync(night2, "night-2", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).isEmpty();
        assertThat(summary("night-2"))
                .contains("40 images unchanged since run " + firstRun + ", left out; 0 images sent");

        // a value changed, a tag added, a tag removed, the columns in another order, and a new image
        Path night3 = dir.resolve("night3.csv");
        List<String> lines = new ArrayList<>();
        lines.add("metadata.shift:number,imageId,removeTags,addTags,metadata.camera");
        for (int i = 0; i < IMAGES.size(); i++) {
            String tags = i == 4 ? "day|yard|wet" : i == 5 ? "day" : "yard|day";
            String camera = i == 3 ? "cam-9" : "cam-" + (i % 3);
            lines.add((i % 5) + "," + IMAGES.get(i) + ",," + tags + "," + camera);
        }
        lines.add("1,snap-new,,day,cam-1");
        Files.write(night3, lines);
        assertThat(sync(night3, "night-3", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);

        assertThat(sentSinceLast()).containsExactly("snap-004", "snap-005", "snap-006", "snap-new");
        ByteArrayOutputStream listing = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(listing, true, StandardCharsets.UTF_8)) {
            status.printRuns(out, 5, WORKSPACE, false);
        }
        assertThat(listing.toString(StandardCharsets.UTF_8)
                        .lines()
                        .filter(line -> line.endsWith(sandbox.url().toString()))
                        .findFirst()
                        .orElseThrow())
                .matches(WORKSPACE + " +41 +never +"
                        + Pattern.quote(sandbox.url().toString()));
        assertThat(summary("night-3")).contains("37 images unchanged since run " + firstRun);
        assertThat(store.image("snap-004").orElseThrow().metadata()).containsEntry("camera", "cam-9");
        assertThat(store.image("snap-005").orElseThrow().tags()).containsExactly("day", "wet", "yard");
        assertThat(store.image("snap-new").orElseThrow().tags()).containsExactly("day");
    }

    @Test
    void anImageTheServerFailedIsSentAgainByTheNextRun() throws IOException {
        Path night1 = snapshot("night1.csv", rows -> {
            rows.add("img-missing,cam-0,1,day,");
            return rows;
        });
        assertThat(sync(night1, "night-1", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.PARTIAL);
        sentSinceLast();

        assertThat(sync(night1, "night-2", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.PARTIAL);

        assertThat(sentSinceLast()).containsExactly("img-missing");
    }

    /**
     * A task that fails is sent again in the same run, split until what fails is alone (a single update, which the
     * sandbox applies): what is kept is what those later sends had confirmed, so the next run sends nothing.
     */
    @Test
    void theImagesOfAFailedTaskAreKeptOnlyOnceALaterSendIsConfirmed() throws IOException {
        Path night1 = snapshot("night1.csv", rows -> rows);
        sandbox.settings().failTasksWith(Set.of("snap-007"));

        assertThat(sync(night1, "night-1", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);

        assertThat(sentSinceLast()).containsExactlyElementsOf(IMAGES);
        assertThat(tracked()).isEqualTo(40);
        sandbox.settings().failTasksWith(Set.of());
        assertThat(sync(night1, "night-2", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).isEmpty();
    }

    @Test
    void theImagesOfARunThatDidNotFinishAreSentAgainByTheNextRun() throws IOException {
        Path night1 = firstNightApplied();
        Path night2 = snapshot(
                "night2.csv",
                rows -> rows.stream()
                        .map(row -> row.replace(",day|yard,", ",dusk,"))
                        .toList());
        sandbox.settings().holdTasks(true); // accepted, never finished: the run gives them up as unknown

        assertThat(sync(night2, "night-2", SyncMode.CHANGED_ONLY)).isNotEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).containsExactlyElementsOf(IMAGES);
        sandbox.settings().holdTasks(false);

        assertThat(sync(night2, "night-3", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).containsExactlyElementsOf(IMAGES);
        assertThat(sync(night2, "night-4", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).isEmpty();
    }

    @Test
    void aFullRunSendsEveryImageAndTheRunsAfterItCompareWithWhatItApplied() throws IOException {
        Path night1 = firstNightApplied();

        assertThat(sync(night1, "night-2", SyncMode.FULL)).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).containsExactlyElementsOf(IMAGES);
        assertThat(summary("night-2")).contains("full: 40 images sent");

        assertThat(sync(night1, "night-3", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).isEmpty();
        assertThat(summary("night-3")).contains("40 images unchanged since run " + instanceOf(night1, "night-2"));
    }

    @Test
    void whatARunWithoutChangedOnlySendsIsSentAgainByTheNextChangedOnlyRun() throws IOException {
        Path night1 = firstNightApplied();
        Path fix = dir.resolve("fix.csv");
        Files.write(fix, List.of(HEADER, "snap-002,cam-8,1,,yard"));
        assertThat(run(fix, "manual-fix")).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).containsExactly("snap-002");

        assertThat(sync(night1, "night-2", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);

        assertThat(sentSinceLast()).containsExactly("snap-002");
        assertThat(store.image("snap-002").orElseThrow().metadata()).containsEntry("camera", "cam-1");
    }

    @Test
    void whatWasAppliedLongerAgoThanForgetAfterIsSentAgain() throws IOException {
        Path night1 = firstNightApplied();
        // three images were applied 91 days ago; tagsync.sync.forget-after is 90 days
        jdbc.update(
                "UPDATE synced_image SET applied_at = DATEADD('DAY', -91, applied_at) WHERE image_id IN (?, ?, ?)"
                        + " AND scope_id = (SELECT id FROM sync_scope WHERE api_url = ?)",
                "snap-010",
                "snap-020",
                "snap-030",
                sandbox.url().toString());

        assertThat(sync(night1, "night-2", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);

        assertThat(sentSinceLast()).containsExactly("snap-010", "snap-020", "snap-030");
        assertThat(tracked()).isEqualTo(40);
    }

    @Test
    void aDryRunOfAWorkspaceWithoutStateTakesEveryImageForNewAndMakesNoState() throws IOException {
        Path night1 = snapshot("night1.csv", rows -> rows);

        int dry = runCommand.run(
                new RunParameters(night1, WORKSPACE, "night-1", sandbox.url(), 4, reportDir("dry"), null, true)
                        .withSync(SyncMode.CHANGED_ONLY));

        assertThat(dry).isEqualTo(ExitCodes.OK);
        assertThat(summary("dry")).contains("no image unchanged since a run before; 40 images would be sent");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM sync_scope WHERE api_url = ?",
                        Long.class,
                        sandbox.url().toString()))
                .isZero();
    }

    @Test
    void aDryRunCountsWhatItWouldLeaveOutAndChangesNothing() throws IOException {
        Path night1 = firstNightApplied();
        Path night2 = snapshot(
                "night2.csv",
                rows -> rows.stream()
                        .map(row -> row.startsWith("snap-001,") ? row.replace("cam-0", "cam-7") : row)
                        .toList());

        int dry = runCommand.run(
                new RunParameters(night2, WORKSPACE, "night-2", sandbox.url(), 4, reportDir("dry"), null, true)
                        .withSync(SyncMode.CHANGED_ONLY));

        assertThat(dry).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).isEmpty();
        assertThat(summary("dry")).contains("39 images unchanged since run ").contains("1 images would be sent");
        assertThat(sync(night2, "night-2", SyncMode.CHANGED_ONLY)).isEqualTo(ExitCodes.OK);
        assertThat(sentSinceLast()).containsExactly("snap-001");
        assertThat(tracked()).isEqualTo(40);
    }
}
