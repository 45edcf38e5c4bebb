package io.tagsync.staging;

import io.tagsync.store.SyncState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code --changed-only} between the merge and the requests: hands on only the updates that differ from the last one
 * the API confirmed for their image (or all of them, for a full run), and counts the rest as unchanged. Before a
 * changed image's update is sent, what was applied to it is forgotten (not in a dry run), so that it is sent again
 * until the API confirms the new one. Updates are looked up {@value #BATCH} at a time, in the merge's order, so
 * memory does not grow with the input. Not thread-safe: one merge.
 */
final class ChangedOnly implements Consumer<StagedUpdate> {

    static final int BATCH = 1000;

    private final SyncState state;
    private final long scope;
    private final boolean full;
    private final boolean forget;
    private final Consumer<StagedUpdate> next;
    private final UpdateDigests digests = new UpdateDigests();
    private final List<StagedUpdate> batch = new ArrayList<>(BATCH);
    private long unchanged;
    private long since;

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
            flush();
        }
    }

    /** Hands on what is left; call once the merge has ended. */
    void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<String> imageIds = new ArrayList<>(batch.size());
        for (StagedUpdate update : batch) {
            imageIds.add(update.imageId());
        }
        Map<String, SyncState.Applied> applied = state.applied(scope, imageIds);
        List<String> stale = new ArrayList<>();
        List<StagedUpdate> changed = new ArrayList<>(batch.size());
        for (StagedUpdate update : batch) {
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
        batch.clear();
        changed.forEach(next);
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
