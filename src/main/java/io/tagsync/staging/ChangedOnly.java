package io.tagsync.staging;

import io.tagsync.store.SyncState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * {@code --changed-only} between the merge and the requests: hands on only the updates that differ from the last one
 * the API confirmed for their image (or all of them, for a full run), and counts the rest as unchanged. Before a
 * changed image's update is sent, what was applied to it is forgotten (not in a dry run), so that it is sent again
 * until the API confirms the new one. Updates are compared {@value #BATCH} at a time, in the merge's order, on
 * threads of their own (one a core) that work up to {@value #AHEAD} batches ahead of the merge, so memory does not
 * grow with the input and the merge does not wait for the repository. What it hands on, it hands on in order on the
 * merge's thread (whose transaction the requests are stored in). Not thread-safe: one merge, which closes it.
 */
final class ChangedOnly implements Consumer<StagedUpdate>, AutoCloseable {

    static final int BATCH = 1000;
    static final int AHEAD = 4;

    private final SyncState state;
    private final long scope;
    private final boolean full;
    private final boolean forget;
    private final Consumer<StagedUpdate> next;
    private final ExecutorService comparers =
            Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), task -> {
                Thread thread = new Thread(task, "changed-only");
                thread.setDaemon(true);
                return thread;
            });
    private final Deque<Future<Compared>> compared = new ArrayDeque<>();
    private List<StagedUpdate> batch = new ArrayList<>(BATCH);
    private long unchanged;
    private long since;

    /** A batch compared: the updates to send, and how many were unchanged since which run. */
    private record Compared(List<StagedUpdate> changed, long unchanged, long since) {}

    ChangedOnly(SyncState state, long scope, boolean full, boolean forget, Consumer<StagedUpdate> next) {
        this.state = state;
        this.scope = scope;
        this.full = full;
        this.forget = forget;
        this.next = next;
    }

    @Override
    public void accept(StagedUpdate update) {
        batch.add(update);
        if (batch.size() == BATCH) {
            compare();
        }
    }

    /** Hands on what is left; call once the merge has ended. */
    void flush() {
        if (!batch.isEmpty()) {
            compare();
        }
        while (!compared.isEmpty()) {
            handOn();
        }
    }

    @Override
    public void close() {
        comparers.shutdownNow();
    }

    private void compare() {
        List<StagedUpdate> updates = batch;
        batch = new ArrayList<>(BATCH);
        compared.add(comparers.submit(() -> compare(updates)));
        if (compared.size() > AHEAD) {
            handOn();
        }
    }

    private void handOn() {
        try {
            Compared batch = compared.poll().get();
            unchanged += batch.unchanged();
            since = Math.max(since, batch.since());
            batch.changed().forEach(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("staging interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** On a comparer's thread. */
    private Compared compare(List<StagedUpdate> updates) {
        UpdateDigests digests = new UpdateDigests();
        long unchanged = 0;
        long since = 0;
        List<String> imageIds = new ArrayList<>(updates.size());
        for (StagedUpdate update : updates) {
            imageIds.add(update.imageId());
        }
        Map<String, SyncState.Applied> applied = state.applied(scope, imageIds);
        List<String> stale = new ArrayList<>();
        List<StagedUpdate> changed = new ArrayList<>(updates.size());
        for (StagedUpdate update : updates) {
            SyncState.Applied last = applied.get(update.imageId());
            if (last == null) {
                changed.add(update);
                continue;
            }
            if (!full && last.digest().equals(digests.of(update))) {
                unchanged++;
                since = Math.max(since, last.instanceId());
            } else {
                changed.add(update);
                stale.add(update.imageId());
            }
        }
        if (forget) {
            state.forget(scope, stale);
        }
        return new Compared(changed, unchanged, since);
    }

    long scope() {
        return scope;
    }

    boolean full() {
        return full;
    }

    long unchanged() {
        return unchanged;
    }

    /** The latest run that applied an image counted as unchanged; 0 when none was. */
    long since() {
        return since;
    }
}
