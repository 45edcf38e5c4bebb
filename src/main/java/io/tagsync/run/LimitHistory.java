package io.tagsync.run;

/**
 * Where an adaptive concurrency limit starts: where the last run against the same API (base URL and workspace)
 * settled, so that a nightly run does not climb from the bottom again every night.
 */
public interface LimitHistory {

    /**
     * The limit a run starts from when nothing is known about the API: 8 calls, submissions and status requests
     * together, fewer than a fixed 8 sent at once (with its pollers) ever put in flight, and no more than twice a
     * server of capacity 4 takes before it refuses.
     */
    int FIRST_START = 8;

    /** No history: every run starts from {@link #FIRST_START}. */
    LimitHistory NONE = run -> Math.min(FIRST_START, run.width());

    /** The limit {@code run} starts from, between 1 and its {@code width()}. */
    int start(RunParameters run);
}
