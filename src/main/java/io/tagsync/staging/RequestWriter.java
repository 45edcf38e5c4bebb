package io.tagsync.staging;

import io.tagsync.run.ChangeCounts;
import io.tagsync.run.Threads;
import io.tagsync.store.RequestStore;
import io.tagsync.store.StagedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Groups staged updates into requests of {@code size} and stores them as {@code PENDING}, numbered from 1.
 * Joining and compressing request bodies, and storing them, happen on a thread of their own while the
 * caller goes on merging; at most a few requests wait between the two. Not thread-safe: one caller.
 */
final class RequestWriter implements AutoCloseable {

    private static final int STORE_EVERY = 16;
    private static final List<StagedUpdate> END = List.of();

    private final RequestStore store;
    private final long instanceId;
    private final int size;
    private final BlockingQueue<List<StagedUpdate>> batches = new ArrayBlockingQueue<>(4);
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Threads.named("stage-writer"));
    private final Future<Integer> written;
    private List<StagedUpdate> batch;
    private long keysSet;
    private long keysRemoved;
    private long tagsAdded;
    private long tagsRemoved;

    RequestWriter(RequestStore store, long instanceId, int size) {
        this.store = store;
        this.instanceId = instanceId;
        this.size = size;
        this.batch = new ArrayList<>(size);
        this.written = worker.submit(this::drain);
    }

    void add(StagedUpdate update) throws InterruptedException {
        keysSet += update.keysSet();
        keysRemoved += update.keysRemoved();
        tagsAdded += update.tagsAdded();
        tagsRemoved += update.tagsRemoved();
        batch.add(update);
        if (batch.size() == size) {
            hand(batch);
            batch = new ArrayList<>(size);
        }
    }

    /** The changes of all updates added. */
    ChangeCounts changes() {
        return new ChangeCounts(keysSet, keysRemoved, tagsAdded, tagsRemoved);
    }

    /** Stores what is left and waits for the writer; returns the number of requests stored. */
    int finish() throws InterruptedException {
        if (!batch.isEmpty()) {
            hand(batch);
            batch = new ArrayList<>();
        }
        hand(END);
        return written();
    }

    private void hand(List<StagedUpdate> full) throws InterruptedException {
        while (!batches.offer(full, 100, TimeUnit.MILLISECONDS)) {
            if (written.isDone()) {
                written(); // the writer failed: its failure is thrown here
                throw new IllegalStateException("the request writer ended before all requests were handed to it");
            }
        }
    }

    private int written() throws InterruptedException {
        try {
            return written.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    private int drain() throws InterruptedException {
        int seq = 0;
        List<StagedRequest> staged = new ArrayList<>(STORE_EVERY);
        while (true) {
            List<StagedUpdate> next = batches.take();
            if (next == END) {
                break;
            }
            staged.add(RequestPayloads.stage(++seq, next));
            if (staged.size() == STORE_EVERY) {
                store.insertRequests(instanceId, staged);
                staged.clear();
            }
        }
        if (!staged.isEmpty()) {
            store.insertRequests(instanceId, staged);
        }
        return seq;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
