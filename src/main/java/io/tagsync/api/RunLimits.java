package io.tagsync.api;

import java.util.concurrent.Semaphore;

/**
 * What the clients of one run share in a process, whichever partition made them: the {@code 429} gate (a pause
 * the server asks for holds every partition), what the server was learned to refuse, and the run's requests in
 * flight. Thread-safe.
 */
public record RunLimits(RateGate gate, ApiLimits limits, Semaphore sends) {

    public static RunLimits of(int concurrency) {
        return new RunLimits(new RateGate(), new ApiLimits(), new Semaphore(Math.max(1, concurrency)));
    }
}
