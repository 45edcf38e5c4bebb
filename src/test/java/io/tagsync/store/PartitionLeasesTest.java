package io.tagsync.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.Fixtures;
import io.tagsync.run.Fence;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Leases of a run's parts and the fences built on them, on an H2 repository with the job's own migrations. */
class PartitionLeasesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long RUN = 7;

    private JdbcTemplate jdbc;
    private PartitionLeases leases;
    private RepositoryOutages outages;

    @BeforeEach
    void repository() {
        DataSource dataSource = Fixtures.repository("leases");
        jdbc = new JdbcTemplate(dataSource);
        leases = new PartitionLeases(jdbc);
        outages = new RepositoryOutages(new DataSourceTransactionManager(dataSource), Duration.ofSeconds(5));
    }

    @Test
    void aPartHeldByALiveWorkerIsNotTakenAndEachTakeIsANewGeneration() {
        Fence.Token first =
                leases.take(RUN, 0, 11, "submit:part0", "w1", TIMEOUT).orElseThrow();
        assertThat(first.generation()).isEqualTo(1);
        assertThat(leases.take(RUN, 0, 11, "submit:part0", "w2", TIMEOUT)).isEmpty();
        assertThat(leases.take(RUN, 0, 11, "submit:part0", "w1", TIMEOUT))
                .as("not even by its own holder's other thread")
                .isEmpty();
        assertThat(leases.take(RUN, 1, 12, "submit:part1", "w2", TIMEOUT)).isPresent();

        assertThat(leases.release(first)).isTrue();
        Fence.Token next = leases.take(RUN, 0, 21, "await:part0", "w2", TIMEOUT).orElseThrow();
        assertThat(next.generation()).as("release and take: two generations").isEqualTo(3);
        assertThat(leases.renew(first)).as("the first holder's token is stale").isFalse();
        assertThat(leases.renew(next)).isTrue();
    }

    @Test
    void aSilentHolderLosesItsPartToTheNextTakerOrToTheManager() {
        Fence.Token silent =
                leases.take(RUN, 0, 11, "submit:part0", "w1", TIMEOUT).orElseThrow();
        jdbc.update("UPDATE partition_lease SET heartbeat_at = heartbeat_at - INTERVAL '11' SECOND");
        PartitionLeases.Lease lease = leases.lease(RUN, 0).orElseThrow();
        assertThat(leases.revoke(lease, Duration.ofSeconds(30)))
                .as("silent for less than the manager's timeout")
                .isFalse();
        assertThat(leases.revoke(lease, TIMEOUT)).isTrue();
        assertThat(leases.revoke(lease, TIMEOUT)).as("once").isFalse();
        assertThat(leases.lease(RUN, 0).orElseThrow().free()).isTrue();
        assertThat(leases.renew(silent)).isFalse();

        Fence.Token taker =
                leases.take(RUN, 0, 11, "submit:part0", "w2", TIMEOUT).orElseThrow();
        assertThat(taker.generation()).isEqualTo(3);
    }

    @Test
    void aHolderThatBeatKeepsItsPartFromTheManager() {
        leases.take(RUN, 0, 11, "submit:part0", "w1", TIMEOUT).orElseThrow();
        PartitionLeases.Lease lease = leases.lease(RUN, 0).orElseThrow();
        assertThat(leases.revoke(lease, TIMEOUT)).isFalse();
        assertThat(leases.lease(RUN, 0).orElseThrow().worker()).isEqualTo("w1");
    }

    @Test
    void aFenceWhoseLeaseWasRevokedRefusesTheNextSendOnceItsConfirmationIsOld() throws InterruptedException {
        Duration timeout = Duration.ofMillis(400);
        Fence.Token token =
                leases.take(RUN, 0, 11, "submit:part0", "w1", timeout).orElseThrow();
        LeaseFence fence = new LeaseFence(leases, outages, token, "submit:part0", timeout);
        fence.hold();
        leases.revoke(leases.lease(RUN, 0).orElseThrow(), Duration.ZERO);
        Thread.sleep(250); // past half the timeout: the next send confirms the lease first
        assertThatThrownBy(fence::hold)
                .isInstanceOf(Fence.LostException.class)
                .hasMessageContaining("submit:part0 is no longer this worker's");
        assertThat(fence.lost()).isTrue();
        assertThat(fence.handedBack()).isFalse();
    }

    @Test
    void aFenceConfirmedByItsHeartbeatSendsWithoutAskingTheRepository() {
        Fence.Token token =
                leases.take(RUN, 0, 11, "submit:part0", "w1", TIMEOUT).orElseThrow();
        LeaseFence fence = new LeaseFence(leases, outages, token, "submit:part0", TIMEOUT);
        assertThat(fence.beat()).isTrue();
        fence.hold();
        leases.release(token);
        assertThat(fence.beat()).as("the heartbeat finds the lease moved on").isFalse();
        assertThatThrownBy(fence::hold).isInstanceOf(Fence.LostException.class);
    }

    @Test
    void aFenceHandedBackSendsNothingMoreButIsNotLostToAnother() {
        Fence.Token token =
                leases.take(RUN, 0, 11, "submit:part0", "w1", TIMEOUT).orElseThrow();
        LeaseFence fence = new LeaseFence(leases, outages, token, "submit:part0", TIMEOUT);
        fence.handBack();
        assertThatThrownBy(fence::hold).hasMessageContaining("handed back");
        assertThat(fence.lost()).isTrue();
        assertThat(fence.handedBack()).isTrue();
        assertThat(leases.renew(token))
                .as("still this worker's until it gives it up")
                .isTrue();
    }

    @Test
    void aSendIsRecordedOnlyUnderTheCurrentGenerationOfItsPartsLease() {
        jdbc.update("""
                INSERT INTO batch_request (job_instance_id, seq, update_count, first_row, last_row, status, attempts, part)
                VALUES (?, 1, 2, 1, 2, 'PENDING', 0, 0)""", RUN);
        long requestId = jdbc.queryForObject("SELECT id FROM batch_request", Long.class);
        RequestStore store = new RequestStore(
                jdbc, new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource())), outages);
        Fence.Token first =
                leases.take(RUN, 0, 11, "submit:part0", "w1", TIMEOUT).orElseThrow();
        jdbc.update("UPDATE partition_lease SET heartbeat_at = heartbeat_at - INTERVAL '11' SECOND");
        Fence.Token second =
                leases.take(RUN, 0, 11, "submit:part0", "w2", TIMEOUT).orElseThrow();

        assertThat(store.markSubmitted(requestId, "task-stale", null, first)).isFalse();
        assertThat(jdbc.queryForObject("SELECT status FROM batch_request", String.class))
                .isEqualTo("PENDING");
        assertThat(store.markSubmitted(requestId, "task-1", null, second)).isTrue();
        assertThat(jdbc.queryForObject("SELECT task_id FROM batch_request", String.class))
                .isEqualTo("task-1");
        assertThat(store.markSubmitted(requestId, "task-2", null, null))
                .as("a run's own process records without a lease")
                .isTrue();
        assertThat(Optional.ofNullable(jdbc.queryForObject("SELECT task_id FROM batch_request", String.class)))
                .contains("task-2");
    }
}
