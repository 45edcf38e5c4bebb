package io.tagsync.staging;

import io.tagsync.input.InputRow;
import io.tagsync.input.RejectedRowException;
import io.tagsync.store.RejectedRow;
import io.tagsync.store.RequestStore;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.listener.SkipListener;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStream;

/**
 * Records each row staging skips — one its reader or its validator rejected — for {@code rejects.csv}, in batches
 * written with each chunk and when the step ends, each in a transaction of its own: a row once reported stays
 * reported whatever becomes of the chunk. Not thread-safe: one step thread.
 */
public class RejectedRows implements SkipListener<InputRow, InputRow>, ItemStream {

    private static final int BATCH = 1000;

    private final RequestStore store;
    private final long instanceId;
    private final List<RejectedRow> pending = new ArrayList<>();

    public RejectedRows(RequestStore store, long instanceId) {
        this.store = store;
        this.instanceId = instanceId;
    }

    @Override
    public void onSkipInRead(Throwable failure) {
        add(failure);
    }

    @Override
    public void onSkipInProcess(InputRow row, Throwable failure) {
        add(failure);
    }

    private void add(Throwable failure) {
        RejectedRowException reject = (RejectedRowException) failure;
        pending.add(new RejectedRow(reject.source(), reject.row(), reject.line(), reject.imageId(), reject.reason()));
        if (pending.size() == BATCH) {
            flush();
        }
    }

    @Override
    public void update(ExecutionContext context) {
        flush();
    }

    @Override
    public void close() {
        flush();
    }

    private void flush() {
        if (!pending.isEmpty()) {
            store.insertRejects(instanceId, pending);
            pending.clear();
        }
    }
}
