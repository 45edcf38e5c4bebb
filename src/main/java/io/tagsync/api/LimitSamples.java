package io.tagsync.api;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

/**
 * Chooses what a latency-based limit (Vegas) learns from the calls, and when. Thread-safe.
 * <ul>
 *   <li>Once a window: the calls of about one round trip (at least 100 ms and 3 calls) make one sample, their
 *       average latency, as TCP Vegas updates once a round trip. Changed on every call, the limit would take a
 *       burst of answers from one congested moment for as many signals and fall to a few calls at once. (The
 *       library's own window needs 10 calls, which a small server does not answer in a round trip.)
 *   <li>A window counts only calls that started after the limit last moved: the answers of calls started under the
 *       old limit would otherwise move it again, and a doubling limit would double twice before it saw the first.
 *   <li>A refused call ({@code 429}) comes back in a few milliseconds: counted at the latency of the last call
 *       served, or the limit would take it for the server's unloaded latency and see every call after it as
 *       queued. A refusal restarts the limit at once (see {@link #vegas}); refusals of calls that started before that
 *       restart belong to it and do not restart it again.
 *   <li>Only calls that found the limit in use (as many calls in flight as the limit, less one) say whether the
 *       server takes more: a window's growth is judged on their latency alone. Calls started with fewer in flight
 *       (just after the limit grew, say) show the server less loaded than the limit would load it, and a doubling
 *       limit would double again on them. A window without such calls counts only when its queue estimate is
 *       beyond {@code hold} (the limit comes down: the calls in flight are already too many for the server, or for
 *       this machine) and for the least latency seen.
 * </ul>
 */
final class LimitSamples implements Limit {

    private static final long MIN_WINDOW = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MIN_CALLS = 3;
    private static final int RESTART = 8;
    private static final double NOISE = 0.10;

    private final Limit limit;
    private final IntUnaryOperator hold;
    private final AtomicInteger threshold;
    private final AtomicBoolean clear;
    private long lastServed;
    private long least = Long.MAX_VALUE;
    private long windowStart;
    private long windowEnd;
    private long sum;
    private int calls;
    private int mostInFlight;
    private long sumInUse;
    private int callsInUse;
    private long restartedAt = Long.MIN_VALUE / 2;
    private long changedAt = Long.MIN_VALUE / 2;

    LimitSamples(Limit limit, IntUnaryOperator hold, AtomicInteger threshold, AtomicBoolean clear) {
        this.limit = limit;
        this.hold = hold;
        this.threshold = threshold;
        this.clear = clear;
    }

    /**
     * Vegas, tuned for an API whose calls take about the same time each and that refuses calls ({@code 429})
     * soon after its queue grows. It starts low ({@code initial}), so that the least latency it learns is the
     * server's unloaded one (or where the last run against the API ended: {@code LimitHistory}). Once a round trip it
     * grows while the estimated queue at the server is under max(2, limit/8) calls: it doubles, as TCP's slow start
     * does, while the calls at the limit are answered within 5% of the least latency and it is under its threshold,
     * and grows by one call a round trip beyond (as TCP leaves slow start when its round trip grows or at its
     * threshold). Latency within a tenth of the least is noise, not a queue. It holds up to max(2, limit/4), shrinks
     * by an eighth beyond, and on a {@code 429} restarts as TCP does after a loss that stalled it: the threshold
     * becomes half the limit, and the limit an eighth of what it was, from where it doubles back to the threshold. (A
     * {@code 429} closes the run's rate gate; halved only, the limit would let all the callers the gate held go at
     * once when it opens, into a server whose capacity may have fallen meanwhile.) The library's defaults hold 3 to
     * 6 calls, past the refusal threshold of a small server. It learns the unloaded latency again every 50-100 ×
     * limit windows (the library's 30 × limit overshoots a small server every few seconds). It never goes above
     * {@code max}.
     */
    static LimitSamples vegas(int initial, int max) {
        AtomicInteger threshold = new AtomicInteger(max);
        AtomicBoolean clear = new AtomicBoolean();
        IntUnaryOperator beta = calls -> Math.max(2, calls / 4);
        VegasLimit limit = VegasLimit.newBuilder()
                .initialLimit(Math.min(initial, max))
                .maxConcurrency(max)
                .alphaFunction(calls -> Math.max(2, calls / 8))
                .betaFunction(beta)
                .thresholdFunction(calls -> -1)
                .increaseFunction(calls ->
                        clear.get() && calls < threshold.get() ? Math.min(2 * calls, threshold.get()) : calls + 1)
                .decreaseFunction(calls -> calls - Math.max(1, Math.floor(calls / 8)))
                .probeMultiplier(100)
                .build();
        return new LimitSamples(limit, beta, threshold, clear);
    }

    @Override
    public int getLimit() {
        return limit.getLimit();
    }

    @Override
    public void notifyOnChange(Consumer<Integer> consumer) {
        limit.notifyOnChange(consumer);
    }

    /**
     * A window's latency less what noise explains: up to {@link #NOISE} of the least latency is taken for this
     * machine's own CPU, a garbage collection, the network's jitter, not for a queue at the server. A queue adds
     * latency in whole service times (latency × calls ÷ capacity), so a server served beyond its capacity by a tenth
     * shows it; but read as a queue, a few percent of noise stops Vegas near 16 calls, whose threshold of 2 calls is
     * a latency only 6% above the least.
     */
    private long queued(long average) {
        long allowance = (long) (least * NOISE);
        return average <= least + allowance ? least : average - allowance;
    }

    @Override
    public synchronized void onSample(long startTime, long rtt, int inflight, boolean didDrop) {
        if (didDrop) {
            if (startTime - restartedAt < 0) {
                return; // refused before the last restart, which it belongs to: restarting again would cut twice
            }
            restart(startTime, Math.max(rtt, lastServed), startTime + rtt);
            return;
        }
        lastServed = rtt;
        if (rtt < least) {
            least = rtt;
            limit.onSample(startTime, rtt, inflight, false);
            return;
        }
        int current = limit.getLimit();
        if (startTime - changedAt < 0) {
            return; // started under the limit before the last change: says nothing about the new one
        }
        if (calls == 0) {
            windowStart = startTime;
        }
        sum += rtt;
        calls++;
        if (inflight >= current - 1) {
            sumInUse += rtt;
            callsInUse++;
        }
        mostInFlight = Math.max(mostInFlight, inflight);
        long now = startTime + rtt;
        if (calls >= MIN_CALLS && now >= windowEnd) {
            long average = queued(sum / calls);
            int queue = (int) Math.ceil(current * (1 - least / (double) average));
            if (callsInUse > 0) {
                // only calls that found the limit in use say how the server bears it
                long inUse = sumInUse / callsInUse;
                clear.set(inUse <= least * (1 + NOISE / 2));
                limit.onSample(windowStart, queued(inUse), current, false);
            } else if (queue > hold.applyAsInt(current)) {
                limit.onSample(windowStart, average, Math.max(mostInFlight, current), false);
            }
            if (limit.getLimit() != current) {
                changedAt = now;
            }
            windowEnd = now + Math.max(MIN_WINDOW, average);
            clearWindow();
        }
    }

    /**
     * The first refusal of a call started since the last restart restarts the limit at once, not at the end of its
     * window: the refusal closes the run's rate gate, and the callers it holds back all go when it opens, as many
     * as the limit lets through. Vegas cuts an eighth a sample: it is told of the refusal until it is down.
     */
    private void restart(long startTime, long rtt, long answeredAt) {
        int current = limit.getLimit();
        int half = Math.max(1, current / 2);
        int restart = Math.max(1, current / RESTART);
        threshold.set(half);
        for (int i = 0; i < 64 && limit.getLimit() > restart; i++) {
            limit.onSample(startTime, rtt, current, true);
        }
        restartedAt = answeredAt;
        changedAt = answeredAt;
        windowEnd = answeredAt + Math.max(MIN_WINDOW, rtt);
        clearWindow();
    }

    private void clearWindow() {
        sum = 0;
        calls = 0;
        sumInUse = 0;
        callsInUse = 0;
        mostInFlight = 0;
    }
}
