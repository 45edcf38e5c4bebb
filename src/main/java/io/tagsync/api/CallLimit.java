package io.tagsync.api;

import io.tagsync.run.ConcurrencyPoint;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * How many of a run's calls may be in flight at once in this process. A fixed limit is a semaphore. The adaptive
 * one ({@code --concurrency=auto}) is Netflix's concurrency-limits library: a {@link VegasLimit}, which estimates
 * the queue at the server from how far latency has grown over the least seen, grows the limit while that queue is
 * short and cuts it when it grows or when the server answers {@code 429} (a dropped call), between 1 and the run's
 * {@code --max-concurrency}; a caller over the limit waits. (The library's Gradient2 limit does not react to dropped
 * calls, which is what a {@code 429} is.)
 * Thread-safe.
 */
public interface CallLimit {

    /** One call's permit: say how the call went, exactly once. */
    interface Permit {

        /** An answer: its latency counts. */
        void success();

        /** The server was overloaded ({@code 429}, a timeout): the limit comes down. */
        void dropped();

        /** Any other failure: says nothing about the server's load. */
        void ignore();
    }

    Permit acquire() throws InterruptedException;

    /** The limit now. */
    int limit();

    /** Where an adaptive limit moved since the last call (and where it is now); nothing for a fixed one. */
    default List<ConcurrencyPoint> takeTrace() {
        return List.of();
    }

    static CallLimit fixed(int limit) {
        Semaphore permits = new Semaphore(Math.max(1, limit));
        Permit release = new Permit() {
            @Override
            public void success() {
                permits.release();
            }

            @Override
            public void dropped() {
                permits.release();
            }

            @Override
            public void ignore() {
                permits.release();
            }
        };
        int fixed = Math.max(1, limit);
        return new CallLimit() {
            @Override
            public Permit acquire() throws InterruptedException {
                permits.acquire();
                return release;
            }

            @Override
            public int limit() {
                return fixed;
            }
        };
    }

    /** No limit: every call goes at once (the calls another limit already holds). */
    static CallLimit none() {
        Permit nothing = new Permit() {
            @Override
            public void success() {}

            @Override
            public void dropped() {}

            @Override
            public void ignore() {}
        };
        return new CallLimit() {
            @Override
            public Permit acquire() {
                return nothing;
            }

            @Override
            public int limit() {
                return Integer.MAX_VALUE;
            }
        };
    }

    /** An adaptive limit: {@link LimitSamples#vegas}. */
    static CallLimit adaptive(int initial, int max) {
        return new AdaptiveCallLimit(LimitSamples.vegas(initial, max));
    }
}
