package io.tagsync.api;

import io.tagsync.run.RunParameters;

/**
 * What the clients of one run share in a process, whichever partition made them: the {@code 429} gate (a pause
 * the server asks for holds every partition), what the server was learned to refuse, and the run's requests in
 * flight. Thread-safe.
 */
public record RunLimits(RateGate gate, ApiLimits limits, CallLimit calls) {

    /**
     * The run's limits: a concurrency of N lets N calls be in flight at once, submissions and status requests
     * together ({@code calls}, the run's one throttle); {@code auto} limits them adaptively, from {@code start}.
     */
    public static RunLimits of(RunParameters run, int start) {
        if (run.adaptive()) {
            return new RunLimits(
                    new RateGate(),
                    new ApiLimits(),
                    CallLimit.adaptive(Math.max(1, Math.min(start, run.width())), run.width()));
        }
        return of(run.concurrency());
    }

    public static RunLimits of(int concurrency) {
        return new RunLimits(new RateGate(), new ApiLimits(), CallLimit.fixed(Math.max(1, concurrency)));
    }
}
