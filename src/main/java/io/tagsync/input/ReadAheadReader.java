package io.tagsync.input;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads, parses and validates rows on a thread of its own, a block of rows ahead of the caller, so that
 * parsing the input and what the caller does with its rows run on two cores at once. Rows come out in the
 * input's order; a failure of the input (an {@link InputException}, say) is thrown from {@link #next} where
 * the rows before it end, as the reader would have thrown it. The wrapped reader is used by the read-ahead
 * thread only, and closed by {@link #close} once that thread has stopped. One caller.
 */
public final class ReadAheadReader implements UpdateReader {

    private static final int BLOCK = 512;
    private static final int BLOCKS_AHEAD = 8;

    private final UpdateReader reader;
    private final BlockingQueue<Block> blocks = new ArrayBlockingQueue<>(BLOCKS_AHEAD);
    private final Thread thread;
    private volatile boolean closed;
    private List<InputRow> rows = List.of();
    private int next;
    private boolean ended;
    private Throwable failure;

    public ReadAheadReader(UpdateReader reader, String threadName) {
        this.reader = reader;
        this.thread = new Thread(this::readAhead, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** A block of rows; {@code last} when the input ends after them, {@code failure} when it failed there. */
    private record Block(List<InputRow> rows, boolean last, Throwable failure) {}

    private void readAhead() {
        while (!closed) {
            List<InputRow> block = new ArrayList<>(BLOCK);
            InputRow row = null;
            try {
                while (block.size() < BLOCK && (row = reader.next()) != null) {
                    block.add(row);
                }
            } catch (RuntimeException | Error e) {
                put(new Block(block, true, e)); // the rows read before the failure first
                return;
            }
            boolean last = row == null;
            if (!put(new Block(block, last, null)) || last) {
                return;
            }
        }
    }

    /** Hands a block over, waiting for room; false when the caller has gone. */
    private boolean put(Block block) {
        try {
            while (!closed) {
                if (blocks.offer(block, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public InputRow next() {
        while (next == rows.size()) {
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            if (ended) {
                return null;
            }
            Block block = take();
            rows = block.rows();
            next = 0;
            ended = block.last();
            failure = block.failure();
        }
        return rows.get(next++);
    }

    private Block take() {
        try {
            return blocks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the input", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        blocks.clear();
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        reader.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
