package io.tagsync.api;

/**
 * Shares a run's {@link RunLimits} with the other processes working on the run (the workers of a remote run): told
 * of each run's limits once, when this process first makes a client for it.
 */
public interface RunLimitsSharing {

    void share(long instanceId, RunLimits limits);
}
