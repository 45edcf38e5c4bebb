package io.tagsync.staging;

import static io.tagsync.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.Fixtures;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StepResults;
import io.tagsync.run.SyncMode;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.Outcome;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.SyncState;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.MetaDataInstanceFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The store-requests step's --changed-only decisions, on a real H2 repository: when a run is a full one. */
class StoreRequestsTaskletTest {

    private static final RunParameters RUN = new RunParameters(
                    Path.of("snapshot.csv"), "ws", "night", URI.create("http://127.0.0.1:1"), 4, null)
            .withSync(SyncMode.CHANGED_ONLY);

    @TempDir
    Path spill;

    private RequestStore store;
    private SyncState sync;
    private long scope;

    @BeforeEach
    void repository() {
        DataSource repository = Fixtures.repository("store-requests");
        store = Fixtures.requestStore(repository);
        sync = new SyncState(
                new JdbcTemplate(repository), new TransactionTemplate(new DataSourceTransactionManager(repository)));
        scope = sync.scope(RUN.apiUrl(), RUN.workspace());
    }

    private UpdateMerger snapshot() {
        UpdateMerger merger = new UpdateMerger(spill, 100);
        merger.add(update("a", Map.of("camera", "x"), List.of(), List.of("day"), List.of()), 1, "1");
        merger.add(update("b", Map.of("camera", "y"), List.of(), List.of(), List.of()), 2, "2");
        return merger;
    }

    /** Records the snapshot's updates as applied by run 1, as the poller does when their task completes. */
    private void applied() {
        List<StagedUpdate> updates = new ArrayList<>();
        try (UpdateMerger merger = snapshot()) {
            merger.finish(updates::add);
        }
        UpdateDigests digests = new UpdateDigests();
        List<SyncState.AppliedImage> images = updates.stream()
                .map(update -> new SyncState.AppliedImage(update.imageId(), digests.of(update)))
                .toList();
        store.finish(
                1,
                List.of(new Outcome(-1, RequestStatus.COMPLETED, null, List.of())),
                new RequestStore.Applied(scope, images));
    }

    private StepExecution stage(Duration fullEvery) throws Exception {
        StepExecution step = MetaDataInstanceFactory.createStepExecution(RUN.toJobParameters());
        new StoreRequestsTasklet(
                        snapshot(), store, sync, RUN, new TagsyncProperties.Sync(true, fullEvery, Duration.ofDays(90)))
                .execute(new StepContribution(step), null);
        return step;
    }

    @Test
    void aWorkspaceWhoseLastFullSendIsRecentComparesAndLeavesTheUnchangedOut() throws Exception {
        applied();
        sync.fullSent(scope, Instant.now().minus(Duration.ofHours(1)));

        StepExecution step = stage(Duration.ofDays(1));

        assertThat(step.getExecutionContext().getString(StepResults.SYNC)).isEqualTo("changed-only");
        assertThat(step.getExecutionContext().getLong(StepResults.IMAGES_UNCHANGED))
                .isEqualTo(2);
        assertThat(step.getExecutionContext().getLong(StepResults.REQUESTS)).isZero();
    }

    @Test
    void aWorkspaceWhoseLastFullSendIsOlderThanFullEverySendsEveryImage() throws Exception {
        applied();
        Instant longAgo = Instant.now().minus(Duration.ofDays(2));
        sync.fullSent(scope, longAgo);

        StepExecution step = stage(Duration.ofDays(1));

        assertThat(step.getExecutionContext().getString(StepResults.SYNC)).isEqualTo("full");
        assertThat(step.getExecutionContext().getLong(StepResults.IMAGES_UNCHANGED))
                .isZero();
        assertThat(step.getExecutionContext().getLong(StepResults.REQUESTS)).isEqualTo(1);
        assertThat(sync.lastFull(scope)).isAfter(longAgo.plus(Duration.ofDays(1)));
        assertThat(sync.applied(scope, List.of("a", "b")))
                .as("forgotten until confirmed")
                .isEmpty();
    }
}
