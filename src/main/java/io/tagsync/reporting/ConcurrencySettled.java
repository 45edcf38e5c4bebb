package io.tagsync.reporting;

import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.RunParameters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
            settled += weightedMedian(points);
            for (ConcurrencyPoint point : points) {
                least = Math.min(least, point.calls());
                most = Math.max(most, point.calls());
            }
        }
        return byProcess.isEmpty()
                ? new RunSummary.Concurrency("auto", 0, 0, 0)
                : new RunSummary.Concurrency("auto", settled, least, most);
    }

    /** The limit the process held for at least half its time; each point holds until the next. */
    static int weightedMedian(List<ConcurrencyPoint> points) {
        TreeMap<Integer, Long> held = new TreeMap<>();
        long total = 0;
        for (int i = 0; i + 1 < points.size(); i++) {
            long millis = Math.max(
                    0,
                    points.get(i + 1).at().toEpochMilli() - points.get(i).at().toEpochMilli());
            held.merge(points.get(i).calls(), millis, Long::sum);
            total += millis;
        }
        if (total == 0) {
            return points.get(points.size() - 1).calls();
        }
        long seen = 0;
        for (Map.Entry<Integer, Long> entry : held.entrySet()) {
            seen += entry.getValue();
            if (seen * 2 >= total) {
                return entry.getKey();
            }
        }
        return held.lastKey();
    }
}
