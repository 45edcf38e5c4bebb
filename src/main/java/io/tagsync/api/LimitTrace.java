package io.tagsync.api;

import io.tagsync.run.ConcurrencyPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an adaptive limit moved, at most one point a second (the last value of the second), kept until taken.
 * Thread-safe.
 */
final class LimitTrace {

    private final List<ConcurrencyPoint> points = new ArrayList<>();
    private long lastSecond = Long.MIN_VALUE;
    private int last = -1;

    synchronized void record(Instant at, int calls) {
        if (calls == last) {
            return;
        }
        last = calls;
        long second = at.getEpochSecond();
        if (second == lastSecond && !points.isEmpty()) {
            points.set(
                    points.size() - 1,
                    new ConcurrencyPoint(points.get(points.size() - 1).at(), calls));
        } else {
            points.add(new ConcurrencyPoint(at, calls));
            lastSecond = second;
        }
    }

    /** The points recorded since the last call, and the limit now as a last point. */
    synchronized List<ConcurrencyPoint> take(Instant now) {
        List<ConcurrencyPoint> taken = new ArrayList<>(points);
        points.clear();
        if (last >= 0) {
            taken.add(new ConcurrencyPoint(now, last));
        }
        lastSecond = Long.MIN_VALUE;
        return taken;
    }
}
