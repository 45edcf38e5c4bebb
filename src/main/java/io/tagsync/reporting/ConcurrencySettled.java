package io.tagsync.reporting;

import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.RunParameters;
import java.util.List;
import java.util.Map;

/** What a run's concurrency was: the fixed setting, or where an adaptive limit settled and how far it moved. */
final class ConcurrencySettled {

    private ConcurrencySettled() {}

    static RunSummary.Concurrency of(RunParameters run, Map<String, List<ConcurrencyPoint>> byProcess) {
        if (!run.adaptive()) {
            return new RunSummary.Concurrency("fixed", run.concurrency(), run.concurrency(), run.concurrency());
        }
        int settled = 0;
        int least = Integer.MAX_VALUE;
        int most = 0;
        for (List<ConcurrencyPoint> points : byProcess.values()) {
            settled += ConcurrencyPoint.settled(points);
            for (ConcurrencyPoint point : points) {
                least = Math.min(least, point.calls());
                most = Math.max(most, point.calls());
            }
        }
        return byProcess.isEmpty()
                ? new RunSummary.Concurrency("auto", 0, 0, 0)
                : new RunSummary.Concurrency("auto", settled, least, most);
    }
}
