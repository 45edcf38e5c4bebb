package io.tagsync.api;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *       queued. A window with a refusal halves the limit; refusals of calls that started before that halving belong
 *       to it and do not halve it again.
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
    private static final int HALVED = 5;
    private static final double NOISE = 0.10;

    private final Limit limit;
    private final IntUnaryOperator hold;
    private final AtomicBoolean refused;
    private final AtomicBoolean clear;
    private long lastServed;
    private long least = Long.MAX_VALUE;
    private long windowStart;
    private long windowEnd;
    private long sum;
    private int calls;
    private int mostInFlight;
    private boolean dropped;
    private long sumInUse;
    private int callsInUse;
    private long halvedAt = Long.MIN_VALUE / 2;
    private long changedAt = Long.MIN_VALUE / 2;

    LimitSamples(Limit limit, IntUnaryOperator hold, AtomicBoolean refused, AtomicBoolean clear) {
        this.limit = limit;
        this.hold = hold;
        this.refused = refused;
        this.clear = clear;
    }

    /**
     * Vegas, tuned for an API whose calls take about the same time each and that refuses calls ({@code 429})
     * soon after its queue grows. It starts low ({@code initial}), so that the least latency it learns is the
     * server's unloaded one (or where the last run against the API ended: {@code LimitHistory}). Once a round trip it
     * grows while the estimated queue at the server is under max(2, limit/8) calls: it doubles, as TCP's slow start
     * does, while the calls at the limit are answered within 5% of the least latency, and grows by one call a round
     * trip once they are slower than that or once the server has refused a call (as TCP leaves slow start when
     * its round trip grows or at its first loss). Latency within a tenth of the least is noise, not a queue. It holds up to max(2, limit/4),
     * shrinks by an eighth beyond, and halves on a {@code 429}; the library's defaults hold 3 to 6 calls, past the
     * refusal threshold of a small server. It learns the unloaded latency again every 50-100 × limit windows (the
     * library's 30 × limit overshoots a small server every few seconds). It never goes above {@code max}.
     */
    static LimitSamples vegas(int initial, int max) {
        AtomicBoolean refused = new AtomicBoolean();
        AtomicBoolean clear = new AtomicBoolean();
        IntUnaryOperator beta = calls -> Math.max(2, calls / 4);
        VegasLimit limit = VegasLimit.newBuilder()
                .initialLimit(Math.min(initial, max))
                .maxConcurrency(max)
                .alphaFunction(calls -> Math.max(2, calls / 8))
                .betaFunction(beta)
                .thresholdFunction(calls -> -1)
                .increaseFunction(calls -> calls + (refused.get() || !clear.get() ? 1 : calls))
                .decreaseFunction(calls -> calls - Math.max(1, Math.floor(calls / 8)))
                .probeMultiplier(100)
                .build();
        return new LimitSamples(limit, beta, refused, clear);
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
            if (startTime - halvedAt < 0) {
                return; // refused before the last halving, which it belongs to: halving again would cut twice
            }
            rtt = Math.max(rtt, lastServed);
        } else {
            lastServed = rtt;
            if (rtt < least) {
                least = rtt;
                limit.onSample(startTime, rtt, inflight, false);
                return;
            }
        }
        int current = limit.getLimit();
        if (!didDrop && startTime - changedAt < 0) {
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
        dropped |= didDrop;
        long now = startTime + rtt;
        if (calls >= MIN_CALLS && now >= windowEnd) {
            long average = queued(sum / calls);
            int queue = (int) Math.ceil(current * (1 - least / (double) average));
            if (dropped) {
                // Vegas cuts an eighth a sample: told of the refusals this many times, it halves.
                for (int i = 0; i < HALVED; i++) {
                    limit.onSample(windowStart, average, Math.max(mostInFlight, current), true);
                }
                halvedAt = now;
                refused.set(true);
            } else if (callsInUse > 0) {
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
            sum = 0;
            calls = 0;
            sumInUse = 0;
            callsInUse = 0;
            mostInFlight = 0;
            dropped = false;
        }
    }
}
