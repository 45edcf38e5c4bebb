package io.tagsync.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** From {@code at} on, a process let {@code calls} of a run's API calls be in flight at once. */
public record ConcurrencyPoint(Instant at, int calls) {

    /** Where a limit settled: the one it held for at least half its time; each point holds until the next. */
    public static int settled(List<ConcurrencyPoint> points) {
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
