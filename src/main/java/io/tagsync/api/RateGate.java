package io.tagsync.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One gate shared by every thread that calls the API in a run: a {@code 429} closes it for the
 * {@code Retry-After} time, and every caller waits before its next request, so the whole run slows down
 * rather than the one request that was refused. Thread-safe.
 */
public final class RateGate {

    private final AtomicLong openAtNanos = new AtomicLong(System.nanoTime());

    public void closeFor(Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        openAtNanos.accumulateAndGet(until, (current, proposed) -> proposed - current > 0 ? proposed : current);
    }

    public void awaitOpen() throws InterruptedException {
        while (true) {
            long waitNanos = openAtNanos.get() - System.nanoTime();
            if (waitNanos <= 0) {
                return;
            }
            Thread.sleep(Math.max(1, waitNanos / 1_000_000));
        }
    }
}
