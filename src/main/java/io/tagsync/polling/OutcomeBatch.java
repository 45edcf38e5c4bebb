package io.tagsync.polling;

import io.tagsync.store.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Outcomes of finished tasks waiting to be recorded together, one transaction a batch instead of one a task.
 * An outcome lost with the process is harmless: its request is still {@code SUBMITTED} with its task ID, and
 * the next run polls that task again. Thread-safe.
 */
final class OutcomeBatch {

    private final int maxSize;
    private final long maxAgeNanos;
    private List<Outcome> outcomes = new ArrayList<>();
    private long oldestNanos;

    OutcomeBatch(int maxSize, long maxAgeNanos) {
        this.maxSize = maxSize;
        this.maxAgeNanos = maxAgeNanos;
    }

    synchronized void add(Outcome outcome) {
        if (outcomes.isEmpty()) {
            oldestNanos = System.nanoTime();
        }
        outcomes.add(outcome);
    }

    /** The whole batch when it is full, old enough, or {@code now} is true; otherwise nothing. */
    synchronized List<Outcome> take(boolean now) {
        boolean due = now || outcomes.size() >= maxSize || System.nanoTime() - oldestNanos >= maxAgeNanos;
        if (outcomes.isEmpty() || !due) {
            return List.of();
        }
        List<Outcome> taken = outcomes;
        outcomes = new ArrayList<>();
        return taken;
    }
}
