package io.tagsync.api;

import io.tagsync.run.RunParameters;
import java.util.concurrent.Semaphore;

/**
 * What the clients of one run share in a process, whichever partition made them: the {@code 429} gate (a pause
 * the server asks for holds every partition), what the server was learned to refuse, and the run's requests in
 * flight. Thread-safe.
 */
public record RunLimits(RateGate gate, ApiLimits limits, Semaphore sends, CallLimit calls) {

    /**
     * A fixed concurrency limits the requests sent at once ({@code sends}), as it always has; {@code auto} limits
     * every call, submissions and status requests alike, adaptively ({@code calls}).
     */
    public static RunLimits of(RunParameters run) {
        if (run.adaptive()) {
            return new RunLimits(
                    new RateGate(), new ApiLimits(), new Semaphore(run.width()), CallLimit.adaptive(4, run.width()));
        }
        return of(run.concurrency());
    }

    public static RunLimits of(int concurrency) {
        return new RunLimits(
                new RateGate(), new ApiLimits(), new Semaphore(Math.max(1, concurrency)), CallLimit.none());
    }
}
