package io.tagsync.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One gate shared by every thread that calls the API in a run: a {@code 429} closes it for the
 * {@code Retry-After} time, and every caller waits before its next request, so the whole run slows down
 * rather than the one request that was refused. Thread-safe.
 */
public final class RateGate {

    private final AtomicLong openAtNanos = new AtomicLong(System.nanoTime());
    private volatile Consumer<Duration> onClose = pause -> {};

    /** Closes the gate for a pause the server asked this process for, and passes it on ({@link #onClose}). */
    public void closeFor(Duration pause) {
        holdFor(pause);
        onClose.accept(pause);
    }

    /** Closes the gate for a pause another process was asked for; not passed on. */
    public void holdFor(Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        openAtNanos.accumulateAndGet(until, (current, proposed) -> proposed - current > 0 ? proposed : current);
    }

    /** Where the pauses this gate is asked for go besides: the other workers of a remote run. */
    public void onClose(Consumer<Duration> listener) {
        this.onClose = listener;
    }

    public boolean isOpen() {
        return openAtNanos.get() - System.nanoTime() <= 0;
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
