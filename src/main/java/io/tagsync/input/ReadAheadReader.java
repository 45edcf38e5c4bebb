package io.tagsync.input;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.batch.infrastructure.item.ItemReader;

/**
 * Reads and parses rows on a thread of its own, a block of rows ahead of the caller, so that parsing the input and
 * what the caller does with its rows run on two cores at once. Rows come out in the input's order, and a rejected
 * row's {@link RejectedRowException} where the row was; a failure of the input (an {@link InputException}, say) is
 * thrown where the rows before it end, as the reader would have thrown it. The wrapped reader, opened by the caller,
 * is used by the read-ahead thread only until {@link #close} has stopped that thread. One caller.
 */
final class ReadAheadReader implements ItemReader<InputRow>, AutoCloseable {

    private static final int BLOCK = 512;
    private static final int BLOCKS_AHEAD = 8;

    private final ItemReader<InputRow> reader;
    private final BlockingQueue<Block> blocks = new ArrayBlockingQueue<>(BLOCKS_AHEAD);
    private final Thread thread;
    private volatile boolean closed;
    /** Rows ({@link InputRow}) and rejects ({@link RejectedRowException}), in input order. */
    private List<Object> rows = List.of();

    private int next;
    private boolean ended;
    private Throwable failure;

    ReadAheadReader(ItemReader<InputRow> reader, String threadName) {
        this.reader = reader;
        this.thread = new Thread(this::readAhead, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** A block of rows; {@code last} when the input ends after them, {@code failure} when it failed there. */
    private record Block(List<Object> rows, boolean last, Throwable failure) {}

    private void readAhead() {
        while (!closed) {
            List<Object> block = new ArrayList<>(BLOCK);
            boolean last = false;
            try {
                while (block.size() < BLOCK) {
                    InputRow row;
                    try {
                        row = reader.read();
                    } catch (RejectedRowException rejected) {
                        block.add(rejected);
                        continue;
                    }
                    if (row == null) {
                        last = true;
                        break;
                    }
                    block.add(row);
                }
            } catch (Exception | Error e) {
                put(new Block(block, true, e)); // the rows read before the failure first
                return;
            }
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
    public InputRow read() throws Exception {
        while (next == rows.size()) {
            if (failure instanceof Exception exception) {
                throw exception;
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
        Object row = rows.get(next++);
        if (row instanceof RejectedRowException rejected) {
            throw rejected;
        }
        return (InputRow) row;
    }

    private Block take() {
        try {
            return blocks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the input", e);
        }
    }

    /** Stops the read-ahead thread; the wrapped reader is the caller's to close after. */
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
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
