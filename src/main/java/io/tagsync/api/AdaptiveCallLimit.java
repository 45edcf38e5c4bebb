package io.tagsync.api;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.tagsync.run.ConcurrencyPoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An adaptive limit's permits, handed to waiting callers one at a time: each call that ends wakes one waiter,
 * and a waiter that finds room left (the limit grew) wakes the next. (The library's blocking limiter wakes every
 * waiter on every call that ends; with a hundred senders and pollers waiting on two cores that costs more than
 * the calls.) A waiter also looks again every 100 ms. Thread-safe.
 */
final class AdaptiveCallLimit implements CallLimit {

    private static final long LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long GIVE_UP_NANOS = TimeUnit.MINUTES.toNanos(30);

    private final SimpleLimiter<Void> limiter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    private final LimitTrace trace = new LimitTrace();
    private long ends; // guarded by lock

    AdaptiveCallLimit(Limit limit) {
        this.limiter = SimpleLimiter.newBuilder().limit(limit).build();
        trace.record(Instant.now(), limit.getLimit());
        limit.notifyOnChange(calls -> trace.record(Instant.now(), calls));
    }

    @Override
    public Permit acquire() throws InterruptedException {
        long giveUp = System.nanoTime() + GIVE_UP_NANOS;
        while (true) {
            long seen = ends();
            Optional<Limiter.Listener> listener = limiter.acquire(null);
            if (listener.isPresent()) {
                if (limiter.getInflight() < limiter.getLimit()) {
                    wakeOne(false);
                }
                return permit(listener.get());
            }
            if (System.nanoTime() - giveUp > 0) {
                throw new InterruptedException("no permit for a call within 30 minutes");
            }
            lock.lockInterruptibly();
            try {
                if (ends == seen) {
                    ended.awaitNanos(LOOK_AGAIN_NANOS);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public int limit() {
        return limiter.getLimit();
    }

    @Override
    public List<ConcurrencyPoint> takeTrace() {
        return trace.take(Instant.now());
    }

    private long ends() {
        lock.lock();
        try {
            return ends;
        } finally {
            lock.unlock();
        }
    }

    private void wakeOne(boolean callEnded) {
        lock.lock();
        try {
            if (callEnded) {
                ends++;
            }
            ended.signal();
        } finally {
            lock.unlock();
        }
    }

    private Permit permit(Limiter.Listener listener) {
        return new Permit() {
            @Override
            public void success() {
                listener.onSuccess();
                wakeOne(true);
            }

            @Override
            public void dropped() {
                listener.onDropped();
                wakeOne(true);
            }

            @Override
            public void ignore() {
                listener.onIgnore();
                wakeOne(true);
            }
        };
    }
}
