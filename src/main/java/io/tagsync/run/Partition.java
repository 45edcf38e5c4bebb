package io.tagsync.run;

/**
 * One partition of a run's API work as its tasklet sees it: the run, its job instance, which of its requests
 * ({@code part} of {@code parts}), how the run's concurrency is spread over this process's threads, and the
 * {@link Fence} that says whether this process may still send for it.
 */
public record Partition(RunParameters run, long instanceId, int part, RunConcurrency concurrency, Fence fence) {

    public int parts() {
        return concurrency.partitions();
    }

    /** How log lines name the partition: {@code "part3: "}, or nothing when it is the run's only one. */
    public String who() {
        return parts() <= 1 ? "" : "part" + part + ": ";
    }
}
