package io.tagsync.store;

import io.tagsync.run.Fence;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * tagsync's tables beside the job repository: staged requests with their task IDs, rejected rows and
 * failed items, all keyed by job instance so that restarts of a run see what earlier executions did.
 * Thread-safe; each method that records a request's progress is one short transaction of its own (the
 * process-indicator pattern), so that an acknowledged request is never lost to a later failure.
 */
@Repository
public class RequestStore {

    private static final int TEXT_LIMIT = 2000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final RepositoryOutages outages;
    private final SyncState sync;

    public RequestStore(JdbcTemplate jdbc, TransactionTemplate transactions, RepositoryOutages outages) {
        this.jdbc = jdbc;
        this.outages = outages;
        this.sync = new SyncState(jdbc, transactions);
        this.ownTransaction = new TransactionTemplate(transactions.getTransactionManager());
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Stores staged requests in a transaction of their own, whatever transaction the caller is in. */
    public void insertRequests(long instanceId, List<StagedRequest> requests) {
        ownTransaction.executeWithoutResult(tx -> {
            jdbc.batchUpdate("""
                    INSERT INTO batch_request (job_instance_id, seq, first_row, last_row, update_count, status)
                    VALUES (?, ?, ?, ?, ?, 'PENDING')""", requests, requests.size(), (ps, request) -> {
                ps.setLong(1, instanceId);
                ps.setInt(2, request.seq());
                ps.setLong(3, request.firstRow());
                ps.setLong(4, request.lastRow());
                ps.setInt(5, request.updateCount());
            });
            insertBodies(instanceId, requests);
        });
    }

    private void insertBodies(long instanceId, List<StagedRequest> requests) {
        jdbc.batchUpdate("""
                INSERT INTO request_body (request_id, payload, image_rows)
                SELECT id, ?, ? FROM batch_request WHERE job_instance_id = ? AND seq = ?""", requests, requests.size(), (ps, request) -> {
            ps.setBytes(1, request.payload());
            ps.setBytes(2, request.imageRows());
            ps.setLong(3, instanceId);
            ps.setInt(4, request.seq());
        });
    }

    /** Stores rejected rows in a transaction of their own. */
    public void insertRejects(long instanceId, List<RejectedRow> rows) {
        ownTransaction.executeWithoutResult(tx -> jdbc.batchUpdate("""
                INSERT INTO rejected_row (job_instance_id, source, row_no, line_no, image_id, reason)
                VALUES (?, ?, ?, ?, ?, ?)""", rows, rows.size(), (ps, row) -> {
            ps.setLong(1, instanceId);
            ps.setString(2, clip(row.source(), 1000));
            ps.setLong(3, row.row());
            ps.setLong(4, row.line());
            ps.setString(5, row.imageId() == null ? null : clip(row.imageId(), 500));
            ps.setString(6, clip(row.reason(), TEXT_LIMIT));
        }));
    }

    /** Removes what an unfinished staging left, in a transaction of its own, so that staging starts clean. */
    public void clearStaged(long instanceId) {
        ownTransaction.executeWithoutResult(tx -> {
            jdbc.update("DELETE FROM failed_item WHERE job_instance_id = ?", instanceId);
            jdbc.update("DELETE FROM batch_request WHERE job_instance_id = ?", instanceId); // bodies cascade
            jdbc.update("DELETE FROM rejected_row WHERE job_instance_id = ?", instanceId);
        });
    }

    public List<Long> requestIds(long instanceId, RequestStatus status) {
        return outages.ride(
                "reading the run's requests",
                () -> jdbc.queryForList(
                        "SELECT id FROM batch_request WHERE job_instance_id = ? AND status = ? ORDER BY seq",
                        Long.class,
                        instanceId,
                        status.name()));
    }

    /** The requests of one partition in a status. */
    public List<Long> requestIds(long instanceId, int part, RequestStatus status) {
        return outages.ride(
                "reading the run's requests",
                () -> jdbc.queryForList(
                        "SELECT id FROM batch_request WHERE job_instance_id = ? AND part = ? AND status = ? ORDER BY seq",
                        Long.class,
                        instanceId,
                        part,
                        status.name()));
    }

    /**
     * Puts each request not yet in a partition into one of {@code parts} ranges of the staging sequence, and
     * returns the partitions that hold requests. Requests already placed (by an earlier execution of the run, or
     * split from a placed one) keep their partition, so a restart sees the partitions it saw before.
     */
    public List<Integer> assignParts(long instanceId, int parts) {
        return ownTransaction.execute(tx -> {
            Integer maxSeq = jdbc.queryForObject(
                    "SELECT MAX(seq) FROM batch_request WHERE job_instance_id = ? AND parent_id IS NULL",
                    Integer.class,
                    instanceId);
            if (maxSeq != null) {
                jdbc.update("""
                        UPDATE batch_request SET part = CAST(((seq - 1) * ?) / ? AS INT)
                        WHERE job_instance_id = ? AND part IS NULL AND parent_id IS NULL""", (long) parts, (long) maxSeq, instanceId);
            }
            return jdbc.queryForList(
                    "SELECT DISTINCT part FROM batch_request WHERE job_instance_id = ? AND part IS NOT NULL ORDER BY part",
                    Integer.class,
                    instanceId);
        });
    }

    /** A request's stored body, or null when it has none (a completed request's is dropped). */
    public byte[] payloadIfKept(long requestId) {
        List<byte[]> found = outages.ride(
                "reading a request",
                () -> jdbc.queryForList(
                        "SELECT payload FROM request_body WHERE request_id = ?", byte[].class, requestId));
        return found.isEmpty() ? null : found.get(0);
    }

    public byte[] payload(long requestId) {
        return outages.ride(
                "reading a request",
                () -> jdbc.queryForObject(
                        "SELECT payload FROM request_body WHERE request_id = ?", byte[].class, requestId));
    }

    public byte[] imageRows(long requestId) {
        return outages.ride(
                "reading a request",
                () -> jdbc.queryForObject(
                        "SELECT image_rows FROM request_body WHERE request_id = ?", byte[].class, requestId));
    }

    /**
     * Records the task the server accepted a request as; false, and nothing recorded, when the request was sent
     * under a partition's lease ({@code lease} not null) that has moved on since: the lease's holder sends it again.
     * A request already completed (by another process that took the run over) stays so.
     * Waits out an outage of the repository (the request is sent; its task is what a rerun would otherwise lose and
     * send again).
     */
    public boolean markSubmitted(long requestId, String taskId, String taskUrl, Fence.Token lease) {
        Timestamp now = Timestamp.from(Instant.now());
        String task = clip(taskId, 200);
        String url = taskUrl == null ? null : clip(taskUrl, 2000);
        String update = """
                UPDATE batch_request SET status = 'SUBMITTED', task_id = ?, task_url = ?, attempts = attempts + 1,
                       submitted_at = ? WHERE id = ? AND status <> 'COMPLETED'""";
        int updated = outages.ride(
                "recording an accepted request's task ID",
                () -> lease == null
                        ? jdbc.update(update, task, url, now, requestId)
                        : jdbc.update(
                                update
                                        + " AND EXISTS (SELECT 1 FROM partition_lease WHERE job_instance_id = ? AND part = ?"
                                        + " AND worker = ? AND generation = ?)",
                                task,
                                url,
                                now,
                                requestId,
                                lease.instanceId(),
                                lease.part(),
                                lease.worker(),
                                lease.generation()));
        return updated > 0 || lease == null;
    }

    public StoredRequest request(long requestId) {
        return outages.ride("reading a request", () -> readRequest(requestId));
    }

    private StoredRequest readRequest(long requestId) {
        return jdbc.queryForObject(
                """
                SELECT id, seq, update_count, attempts, first_row, last_row, status FROM batch_request WHERE id = ?""",
                (rs, i) -> new StoredRequest(
                        rs.getLong(1),
                        rs.getInt(2),
                        rs.getInt(3),
                        rs.getInt(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        RequestStatus.valueOf(rs.getString(7))),
                requestId);
    }

    /**
     * Replaces a request by the parts it was split into: the parts are stored {@code PENDING} with the next
     * sequence numbers, in the request's partition, and the request becomes {@code SPLIT}, in one transaction.
     * Returns the parts' IDs. Workers in other processes may split at the same moment: a sequence number taken
     * by one of them is tried again with the next.
     */
    public synchronized List<Long> split(long instanceId, long parentId, List<StagedRequest> parts, String reason) {
        for (int attempt = 1; ; attempt++) {
            try {
                return outages.ride("splitting a request", () -> insertSplit(instanceId, parentId, parts, reason));
            } catch (DuplicateKeyException taken) {
                if (attempt == 10) {
                    throw taken;
                }
            }
        }
    }

    private List<Long> insertSplit(long instanceId, long parentId, List<StagedRequest> parts, String reason) {
        String status = jdbc.queryForObject("SELECT status FROM batch_request WHERE id = ?", String.class, parentId);
        if (RequestStatus.SPLIT.name().equals(status)) {
            // split already: by an attempt whose commit went through while its answer was lost in an outage
            return jdbc.queryForList(
                    "SELECT id FROM batch_request WHERE parent_id = ? ORDER BY seq", Long.class, parentId);
        }
        Integer maxSeq = jdbc.queryForObject(
                "SELECT MAX(seq) FROM batch_request WHERE job_instance_id = ?", Integer.class, instanceId);
        Integer part = jdbc.queryForObject("SELECT part FROM batch_request WHERE id = ?", Integer.class, parentId);
        int seq = maxSeq == null ? 0 : maxSeq;
        List<StagedRequest> numbered = new ArrayList<>();
        for (StagedRequest split : parts) {
            numbered.add(new StagedRequest(
                    ++seq, split.firstRow(), split.lastRow(), split.updateCount(), split.payload(), split.imageRows()));
        }
        List<Long> ids = new ArrayList<>();
        for (StagedRequest split : numbered) {
            jdbc.update(
                    """
                    INSERT INTO batch_request (job_instance_id, seq, first_row, last_row, update_count, status,
                                               parent_id, part)
                    VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?)""",
                    instanceId,
                    split.seq(),
                    split.firstRow(),
                    split.lastRow(),
                    split.updateCount(),
                    parentId,
                    part);
            ids.add(jdbc.queryForObject(
                    "SELECT id FROM batch_request WHERE job_instance_id = ? AND seq = ?",
                    Long.class,
                    instanceId,
                    split.seq()));
        }
        insertBodies(instanceId, numbered);
        jdbc.update("DELETE FROM request_body WHERE request_id = ?", parentId);
        jdbc.update(
                "UPDATE batch_request SET status = 'SPLIT', error = ?, finished_at = ? WHERE id = ?",
                clip(reason, TEXT_LIMIT),
                Timestamp.from(Instant.now()),
                parentId);
        return ids;
    }

    /** The acknowledged requests of one partition whose tasks are not final. */
    public List<SubmittedRequest> submitted(long instanceId, int part) {
        return outages.ride(
                "reading the run's requests",
                () -> jdbc.query(
                        """
                SELECT id, seq, task_id, task_url, attempts, submitted_at FROM batch_request
                WHERE job_instance_id = ? AND part = ? AND status = 'SUBMITTED' ORDER BY seq""",
                        (rs, i) -> new SubmittedRequest(
                                rs.getLong(1),
                                rs.getInt(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getInt(5),
                                rs.getTimestamp(6).toInstant()),
                        instanceId,
                        part));
    }

    /** Records one final outcome and its failed items in a transaction of its own. */
    public void finish(long instanceId, long requestId, RequestStatus status, String error, List<FailedItem> items) {
        finish(instanceId, List.of(new Outcome(requestId, status, error, items)));
    }

    /**
     * Records final outcomes and their failed items, all in one transaction: one commit for many tasks keeps
     * the repository from growing a page per task. A completed request's body is dropped.
     */
    public void finish(long instanceId, List<Outcome> outcomes) {
        finish(instanceId, outcomes, null);
    }

    /** The sync state's scope of an API and workspace ({@link SyncState#scope}). */
    public long syncScope(java.net.URI apiUrl, String workspace) {
        return sync.scope(apiUrl, workspace);
    }

    /** What a sync run's finished tasks applied: recorded with their outcomes, in the same transaction. */
    public record Applied(long scope, List<SyncState.AppliedImage> images) {}

    /**
     * Records final outcomes as {@link #finish(long, List)} does and, for a sync run ({@code applied} not null), the
     * updates they applied, in the same transaction: an update is known applied exactly when its task's end is.
     */
    public void finish(long instanceId, List<Outcome> outcomes, Applied applied) {
        if (outcomes.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        List<FailedItemRow> items = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            outcome.items().forEach(item -> items.add(new FailedItemRow(outcome.requestId(), item)));
        }
        List<Outcome> completed = outcomes.stream()
                .filter(outcome -> outcome.status() == RequestStatus.COMPLETED)
                .toList();
        // deletes, then inserts and updates: the same rows however many times an outage makes it run. Another run
        // of the workspace may record one of the same images at the same moment: its insert then wins, and this
        // transaction, whose insert failed on it, runs again and replaces it.
        try {
            recordFinished(instanceId, outcomes, applied, items, completed, now);
        } catch (DuplicateKeyException e) {
            if (applied == null) {
                throw e;
            }
            recordFinished(instanceId, outcomes, applied, items, completed, now);
        }
    }

    private void recordFinished(
            long instanceId,
            List<Outcome> outcomes,
            Applied applied,
            List<FailedItemRow> items,
            List<Outcome> completed,
            Timestamp now) {
        outages.ride("recording finished tasks", () -> {
            jdbc.batchUpdate(
                    "DELETE FROM failed_item WHERE request_id = ?",
                    outcomes,
                    outcomes.size(),
                    (ps, outcome) -> ps.setLong(1, outcome.requestId()));
            jdbc.batchUpdate("""
                    INSERT INTO failed_item (job_instance_id, request_id, image_id, input_rows, task_id, error)
                    VALUES (?, ?, ?, ?, ?, ?)""", items, 500, (ps, row) -> {
                ps.setLong(1, instanceId);
                ps.setLong(2, row.requestId());
                ps.setString(3, clip(row.item().imageId(), 500));
                ps.setString(4, clip(row.item().inputRows(), TEXT_LIMIT));
                ps.setString(5, row.item().taskId());
                ps.setString(6, clip(row.item().error(), TEXT_LIMIT));
            });
            jdbc.batchUpdate("""
                    UPDATE batch_request SET status = ?, failed = ?, error = ?, finished_at = ?,
                           succeeded = CASE WHEN ? THEN GREATEST(update_count - ?, 0) ELSE 0 END
                    WHERE id = ?""", outcomes, outcomes.size(), (ps, outcome) -> {
                ps.setString(1, outcome.status().name());
                ps.setInt(2, outcome.items().size());
                ps.setString(3, outcome.error() == null ? null : clip(outcome.error(), TEXT_LIMIT));
                ps.setTimestamp(4, now);
                ps.setBoolean(5, outcome.status() == RequestStatus.COMPLETED);
                ps.setInt(6, outcome.items().size());
                ps.setLong(7, outcome.requestId());
            });
            if (applied != null) {
                sync.recordApplied(applied.scope(), instanceId, applied.images());
            }
            // A completed request is never sent again: its body goes, keeping the repository small.
            if (!completed.isEmpty()) {
                jdbc.batchUpdate(
                        "DELETE FROM request_body WHERE request_id = ?",
                        completed,
                        completed.size(),
                        (ps, outcome) -> ps.setLong(1, outcome.requestId()));
            }
        });
    }

    private record FailedItemRow(long requestId, FailedItem item) {}

    /** For each request that was not split: when it was acknowledged and when its task ended. */
    public void forEachTiming(long instanceId, BiConsumer<Instant, Instant> action) {
        jdbc.query(
                "SELECT submitted_at, finished_at FROM batch_request WHERE job_instance_id = ? AND status <> 'SPLIT'",
                (RowCallbackHandler) rs -> action.accept(
                        rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant(),
                        rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant()),
                instanceId);
    }

    /** Bytes this run keeps in {@code request_body}: the bodies and image rows of requests not completed. */
    public long storedBytes(long instanceId) {
        Long bytes = jdbc.queryForObject("""
                SELECT COALESCE(SUM(OCTET_LENGTH(b.payload) + OCTET_LENGTH(b.image_rows)), 0)
                FROM request_body b JOIN batch_request r ON r.id = b.request_id WHERE r.job_instance_id = ?""", Long.class, instanceId);
        return bytes == null ? 0 : bytes;
    }

    public RunCounts counts(long instanceId) {
        Map<RequestStatus, Long> byStatus = new EnumMap<>(RequestStatus.class);
        long[] totals = new long[3];
        jdbc.query(
                """
                SELECT status, COUNT(*), COALESCE(SUM(update_count), 0), COALESCE(SUM(succeeded), 0)
                FROM batch_request WHERE job_instance_id = ? GROUP BY status""",
                (RowCallbackHandler) rs -> {
                    long requests = rs.getLong(2);
                    RequestStatus status = RequestStatus.valueOf(rs.getString(1));
                    byStatus.put(status, requests);
                    if (status == RequestStatus.SPLIT) {
                        return; // its parts are counted instead
                    }
                    totals[0] += requests;
                    totals[1] += rs.getLong(3);
                    totals[2] += rs.getLong(4);
                },
                instanceId);
        Long rejects = jdbc.queryForObject(
                "SELECT COUNT(*) FROM rejected_row WHERE job_instance_id = ?", Long.class, instanceId);
        Long failed = jdbc.queryForObject(
                "SELECT COUNT(*) FROM failed_item WHERE job_instance_id = ?", Long.class, instanceId);
        return new RunCounts(totals[0], totals[1], byStatus, rejects, totals[2], failed);
    }

    public void forEachReject(long instanceId, Consumer<RejectedRow> action) {
        jdbc.query(
                """
                SELECT source, row_no, line_no, image_id, reason FROM rejected_row
                WHERE job_instance_id = ? ORDER BY source, row_no""",
                (RowCallbackHandler) rs -> action.accept(new RejectedRow(
                        rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5))),
                instanceId);
    }

    public void forEachFailedItem(long instanceId, Consumer<FailedItem> action) {
        jdbc.query(
                """
                SELECT f.image_id, f.input_rows, f.task_id, f.error FROM failed_item f
                JOIN batch_request r ON r.id = f.request_id
                WHERE f.job_instance_id = ? ORDER BY r.seq, f.id""",
                (RowCallbackHandler) rs -> action.accept(
                        new FailedItem(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))),
                instanceId);
    }

    private static String clip(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
    }
}
