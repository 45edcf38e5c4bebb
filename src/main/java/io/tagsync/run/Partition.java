package io.tagsync.run;

/**
 * One partition of a run's API work as its tasklet sees it: the run, its job instance, which of its requests
 * ({@code part} of {@code parts}), and how many of the run's partitions work at once in this
 * process, which share its concurrency and its pollers; and the {@link Fence} that says whether this process may still
 * send for it.
 */
public record Partition(RunParameters run, long instanceId, int part, int parts, int atOnce, Fence fence) {

    /** How log lines name the partition: {@code "part3: "}, or nothing when it is the run's only one. */
    public String who() {
        return parts <= 1 ? "" : "part" + part + ": ";
    }

    /** This partition's share of the run's {@code calls} (pollers, say), at least 2. */
    public int share(int calls) {
        return Math.max(2, calls / Math.max(1, atOnce));
    }
}
