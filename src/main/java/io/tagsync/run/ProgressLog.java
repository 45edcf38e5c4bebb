package io.tagsync.run;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Counts work done by many threads and logs a line with rate and ETA at most every few seconds, never per
 * item. Thread-safe.
 */
public final class ProgressLog {

    private static final long INTERVAL_NANOS = 5_000_000_000L;

    private final Logger log;
    private final String what;
    private final long total;
    private final long started = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime());
    private final Supplier<String> more;

    /** {@code total} of -1 when it is not known (no percentage, no ETA). */
    public ProgressLog(Logger log, String what, long total) {
        this(log, what, total, () -> "");
    }

    /** With {@code more} appended to each line (e.g. where an adaptive concurrency limit is now). */
    public ProgressLog(Logger log, String what, long total, Supplier<String> more) {
        this.log = log;
        this.what = what;
        this.total = total;
        this.more = more;
    }

    public void add(long count) {
        done.addAndGet(count);
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            log(now);
        }
    }

    /** Sets the count of work done (for callers that count elsewhere). */
    public void set(long count) {
        done.set(count);
        add(0);
    }

    public long done() {
        return done.get();
    }

    private void log(long now) {
        long count = done.get();
        double seconds = (now - started) / 1e9;
        double rate = count / Math.max(seconds, 1e-9);
        long etaSeconds = rate > 0 ? Math.round((total - count) / rate) : -1;
        if (total < 0) {
            log.info("{}: {}, {}/s{}", what, count, String.format("%.0f", rate), more.get());
            return;
        }
        log.info(
                "{}: {}/{} ({}%), {}/s, ETA {}{}",
                what,
                count,
                total,
                total == 0 ? 100 : count * 100 / total,
                String.format("%.1f", rate),
                etaSeconds < 0 ? "unknown" : etaSeconds + " s",
                more.get());
    }
}
