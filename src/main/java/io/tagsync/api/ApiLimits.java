package io.tagsync.api;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a server has shown it refuses beyond the documented rules, learned during a run so that later
 * requests are shaped to fit before they are sent: batches in which one update sets a key or tag that
 * another removes, and bodies above a size. Thread-safe.
 */
public final class ApiLimits {

    private final AtomicBoolean refusesConflicts = new AtomicBoolean();
    private final AtomicInteger smallestRefusedBytes = new AtomicInteger(Integer.MAX_VALUE);

    /** True once the server refused a batch whose only fault was a conflict between two of its updates. */
    public boolean refusesConflicts() {
        return refusesConflicts.get();
    }

    /** Returns true the first time. */
    public boolean noteRefusesConflicts() {
        return refusesConflicts.compareAndSet(false, true);
    }

    public void noteTooLarge(int bytes) {
        smallestRefusedBytes.accumulateAndGet(bytes, Math::min);
    }

    /** False for a body at least as large as one the server refused with {@code 413}. */
    public boolean fits(int bytes) {
        return bytes < smallestRefusedBytes.get();
    }
}
