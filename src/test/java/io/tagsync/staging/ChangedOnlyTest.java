package io.tagsync.staging;

import static io.tagsync.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures;
import io.tagsync.store.Outcome;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.SyncState;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link ChangedOnly} over many batches, on a real H2 repository: it compares batches ahead of the merge on a thread
 * of its own, and hands on the changed updates in the merge's order.
 */
class ChangedOnlyTest {

    private static final int IMAGES = ChangedOnly.BATCH * (ChangedOnly.AHEAD + 6) + 321;

    @TempDir
    Path spill;

    private DataSource repository;
    private RequestStore store;
    private SyncState sync;
    private long scope;

    @BeforeEach
    void repository() {
        repository = Fixtures.repository("changed-only");
        store = Fixtures.requestStore(repository);
        sync = new SyncState(
                new JdbcTemplate(repository), new TransactionTemplate(new DataSourceTransactionManager(repository)));
        scope = sync.scope(URI.create("http://127.0.0.1:1"), "ws");
    }

    /** Image {@code i}'s update: its camera is {@code camera}. */
    private static List<StagedUpdate> snapshot(Path spill, int images, java.util.function.IntFunction<String> camera) {
        List<StagedUpdate> updates = new ArrayList<>();
        try (UpdateMerger merger = new UpdateMerger(spill, 5000)) {
            for (int i = 0; i < images; i++) {
                merger.add(
                        update(
                                String.format("img-%06d", i),
                                Map.of("camera", camera.apply(i)),
                                List.of(),
                                List.of(),
                                List.of()),
                        i + 1,
                        String.valueOf(i + 1));
            }
            merger.finish(updates::add);
        }
        return updates;
    }

    @Test
    void handsOnTheChangedAndNewUpdatesInOrderAndForgetsWhatWasAppliedToTheChanged() {
        // applied: every image but each 7th; tonight, each 5th has another camera
        UpdateDigests digests = new UpdateDigests();
        List<SyncState.AppliedImage> applied = new ArrayList<>();
        for (StagedUpdate update : snapshot(spill.resolve("1"), IMAGES, i -> "x")) {
            if (Integer.parseInt(update.imageId().substring(4)) % 7 != 0) {
                applied.add(new SyncState.AppliedImage(update.imageId(), digests.of(update)));
            }
        }
        store.finish(
                1,
                List.of(new Outcome(-1, RequestStatus.COMPLETED, null, List.of())),
                new RequestStore.Applied(scope, applied));
        List<StagedUpdate> tonight = snapshot(spill.resolve("2"), IMAGES, i -> i % 5 == 0 ? "y" : "x");

        List<String> handedOn = new ArrayList<>();
        long unchanged;
        try (ChangedOnly changedOnly =
                new ChangedOnly(sync, scope, false, true, update -> handedOn.add(update.imageId()))) {
            tonight.forEach(changedOnly);
            changedOnly.flush();
            unchanged = changedOnly.unchanged();
            assertThat(changedOnly.since()).isEqualTo(1);
        }

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            if (i % 5 == 0 || i % 7 == 0) {
                expected.add(String.format("img-%06d", i));
            }
        }
        assertThat(handedOn).containsExactlyElementsOf(expected);
        assertThat(unchanged).isEqualTo(IMAGES - expected.size());
        assertThat(sync.applied(scope, expected))
                .as("forgotten until confirmed")
                .doesNotContainKeys(expected.toArray(String[]::new));
        assertThat(sync.applied(scope, List.of("img-000001", "img-000002"))).hasSize(2);
    }

    @Test
    void aFailureToReadTheStateFailsTheMergeThatHandsItOn() {
        List<StagedUpdate> tonight = snapshot(spill, IMAGES, i -> "x");
        new JdbcTemplate(repository).execute("DROP TABLE synced_image");

        List<String> handedOn = new ArrayList<>();
        try (ChangedOnly changedOnly =
                new ChangedOnly(sync, scope, false, true, update -> handedOn.add(update.imageId()))) {
            assertThatThrownBy(() -> {
                        tonight.forEach(changedOnly);
                        changedOnly.flush();
                    })
                    .isInstanceOf(DataAccessException.class)
                    .hasMessageContaining("FROM synced_image");
        }
        assertThat(handedOn).isEmpty();
    }
}
