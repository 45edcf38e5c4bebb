package io.tagsync.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.Fixtures;
import io.tagsync.run.Fence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A run's requests as the store keeps them, on an H2 repository with the job's own migrations. */
class RequestStoreTest {

    private static final long RUN = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private JdbcTemplate jdbc;
    private RequestStore store;
    private PartitionLeases leases;

    @BeforeEach
    void repository() {
        DataSource dataSource = Fixtures.repository("requests");
        jdbc = new JdbcTemplate(dataSource);
        store = Fixtures.requestStore(dataSource);
        leases = new PartitionLeases(jdbc);
    }

    private static StagedRequest request(int seq, int updates) {
        return new StagedRequest(
                seq,
                seq * 10L,
                seq * 10L + updates - 1,
                updates,
                ("body-" + seq).getBytes(StandardCharsets.UTF_8),
                ("rows-" + seq).getBytes(StandardCharsets.UTF_8));
    }

    private List<Long> stage(int requests) {
        List<StagedRequest> staged = new ArrayList<>();
        for (int seq = 1; seq <= requests; seq++) {
            staged.add(request(seq, 5));
        }
        store.insertRequests(RUN, staged);
        return store.requestIds(RUN, RequestStatus.PENDING);
    }

    @Test
    void stagedRequestsArePendingInOrderWithTheirBodies() {
        List<Long> ids = stage(3);

        assertThat(ids).hasSize(3);
        assertThat(store.request(ids.get(1)))
                .extracting(StoredRequest::seq, StoredRequest::updateCount, StoredRequest::status)
                .containsExactly(2, 5, RequestStatus.PENDING);
        assertThat(new String(store.payload(ids.get(2)), StandardCharsets.UTF_8))
                .isEqualTo("body-3");
        assertThat(new String(store.imageRows(ids.get(0)), StandardCharsets.UTF_8))
                .isEqualTo("rows-1");
        assertThat(store.counts(RUN).requests()).isEqualTo(3);
        assertThat(store.counts(RUN).updates()).isEqualTo(15);
    }

    @Test
    void partsAreRangesOfTheStagingOrderAndARestartKeepsThem() {
        stage(8);

        assertThat(store.assignParts(RUN, 4)).containsExactly(0, 1, 2, 3);
        assertThat(store.requestIds(RUN, 0, RequestStatus.PENDING)).hasSize(2);
        assertThat(store.requestIds(RUN, 3, RequestStatus.PENDING)).hasSize(2);
        assertThat(store.assignParts(RUN, 2))
                .as("placed requests keep their partition")
                .containsExactly(0, 1, 2, 3);
    }

    @Test
    void aTaskIdIsRecordedOnlyUnderTheLeaseItWasSentUnder() {
        List<Long> ids = stage(2);
        store.assignParts(RUN, 1);
        Fence.Token lease =
                leases.take(RUN, 0, 1, "submit:part0", "w1", TIMEOUT).orElseThrow();

        assertThat(store.markSubmitted(ids.get(0), "task-1", null, lease)).isTrue();
        assertThat(store.submitted(RUN, 0)).singleElement().satisfies(submitted -> {
            assertThat(submitted.taskId()).isEqualTo("task-1");
            assertThat(submitted.attempts()).isEqualTo(1);
        });

        leases.release(lease);
        assertThat(store.markSubmitted(ids.get(1), "task-2", null, lease))
                .as("the lease moved on: the holder sends it again")
                .isFalse();
        assertThat(store.request(ids.get(1)).status()).isEqualTo(RequestStatus.PENDING);
    }

    @Test
    void aLateRecordNeverReopensACompletedRequest() {
        long id = stage(1).get(0);
        store.markSubmitted(id, "task-1", null, null);
        store.finish(RUN, id, RequestStatus.COMPLETED, null, List.of());

        store.markSubmitted(id, "task-late", null, null);

        assertThat(store.request(id).status()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT task_id FROM batch_request WHERE id = ?", String.class, id))
                .isEqualTo("task-1");
    }

    @Test
    void aFinishedRequestKeepsItsFailedItemsAndACompletedOneDropsItsBody() {
        List<Long> ids = stage(2);
        store.markSubmitted(ids.get(0), "task-1", null, null);
        store.markSubmitted(ids.get(1), "task-2", null, null);

        store.finish(
                RUN,
                List.of(
                        new Outcome(
                                ids.get(0),
                                RequestStatus.COMPLETED,
                                null,
                                List.of(new FailedItem("img-9", "12", "task-1", "image not found"))),
                        new Outcome(ids.get(1), RequestStatus.FAILED, "task failed", List.of())));

        RunCounts counts = store.counts(RUN);
        assertThat(counts.requests(RequestStatus.COMPLETED)).isEqualTo(1);
        assertThat(counts.requests(RequestStatus.FAILED)).isEqualTo(1);
        assertThat(counts.succeededImages())
                .as("5 updates less one failed item")
                .isEqualTo(4);
        List<FailedItem> failed = new ArrayList<>();
        store.forEachFailedItem(RUN, failed::add);
        assertThat(failed).extracting(FailedItem::imageId).contains("img-9");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM request_body WHERE request_id = ?", Integer.class, ids.get(0)))
                .isZero();
    }

    @Test
    void aSplitRequestBecomesPartsWithTheNextNumbersInItsPartitionOnce() {
        List<Long> ids = stage(4);
        store.assignParts(RUN, 2);
        long parent = ids.get(3);

        List<Long> parts = store.split(RUN, parent, List.of(request(0, 2), request(0, 3)), "400: bad tag");
        List<Long> again = store.split(RUN, parent, List.of(request(0, 2), request(0, 3)), "400: bad tag");

        assertThat(again).as("a split already recorded is not made twice").isEqualTo(parts);
        assertThat(parts).extracting(id -> store.request(id).seq()).containsExactly(5, 6);
        assertThat(store.request(parent).status()).isEqualTo(RequestStatus.SPLIT);
        assertThat(store.requestIds(RUN, 1, RequestStatus.PENDING))
                .containsExactly(ids.get(2), parts.get(0), parts.get(1));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM request_body WHERE request_id = ?", Integer.class, parent))
                .isZero();
    }

    @Test
    void clearingWhatWasStagedLeavesNothingOfTheRun() {
        List<Long> ids = stage(2);
        store.insertRejects(RUN, List.of(new RejectedRow("in.csv", 3, 4, null, "missing imageId")));
        store.markSubmitted(ids.get(0), "task-1", null, null);
        store.finish(
                RUN,
                ids.get(0),
                RequestStatus.COMPLETED,
                null,
                List.of(new FailedItem("img-9", "12", "task-1", "image not found")));

        store.clearStaged(RUN);

        assertThat(store.counts(RUN).requests()).isZero();
        assertThat(store.counts(RUN).rejectedRows()).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM request_body", Integer.class))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM failed_item", Integer.class))
                .isZero();
    }
}
