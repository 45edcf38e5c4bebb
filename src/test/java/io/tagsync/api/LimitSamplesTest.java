package io.tagsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The adaptive limit (Netflix's Vegas, as tuned in {@link LimitSamples#vegas}) fed the calls of a model server:
 * 100 ms a call up to its capacity, latency growing as a queue's beyond it, {@code 429} in 2 ms beyond twice it.
 */
class LimitSamplesTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long clock = 1_000_000 * MS;

    /** 50 ms of calls at the limit's width against a server of {@code capacity}; true if one was refused. */
    private boolean tick(LimitSamples limit, int capacity) {
        int width = limit.getLimit();
        int served = Math.min(width, 2 * capacity);
        long latency = 100L * Math.max(capacity, served) / capacity;
        for (int i = 0; i < served; i++) {
            limit.onSample(clock, latency * MS, width, false);
        }
        for (int i = served; i < width; i++) {
            limit.onSample(clock, 2 * MS, width, true);
        }
        clock += 50 * MS;
        return served < width;
    }

    @ParameterizedTest(name = "capacity {0}")
    @CsvSource({"4, 4, 8", "16, 16, 32", "48, 48, 64"})
    void settlesBetweenTheCapacityAndTwiceItWithoutRefusals(int capacity, int least, int most) {
        LimitSamples limit = LimitSamples.vegas(4, 64);
        for (int i = 0; i < 60; i++) {
            tick(limit, capacity);
        }
        for (int i = 0; i < 400; i++) {
            assertThat(tick(limit, capacity))
                    .as("refused at %d", limit.getLimit())
                    .isFalse();
            assertThat(limit.getLimit()).isBetween(least, most);
        }
    }

    @Test
    void comesDownOnRefusalsWithoutTakingThemForTheUnloadedLatency() {
        LimitSamples limit = LimitSamples.vegas(40, 64);
        limit.onSample(clock, 100 * MS, 1, false); // the least latency
        for (int i = 0; i < 20; i++) {
            tick(limit, 10); // at first 40 calls, 20 of them refused in 2 ms
        }
        int cut = limit.getLimit();
        assertThat(cut).isBetween(10, 20);
        // Served at 100 ms again, it grows back, a call a window now that the server has refused: had 2 ms become
        // the least latency, 100 ms would look queued and it would keep shrinking.
        for (int i = 0; i < 20; i++) {
            tick(limit, 100);
        }
        assertThat(limit.getLimit()).isGreaterThan(cut + 3);
    }

    @Test
    void anUnusedLimitDoesNotGrowButComesDownWhenTheCallsItHasAreSlow() {
        LimitSamples limit = LimitSamples.vegas(20, 64);
        limit.onSample(clock, 100 * MS, 1, false);
        for (int i = 0; i < 20; i++) {
            for (int call = 0; call < 5; call++) {
                limit.onSample(clock, 100 * MS, 2, false);
            }
            clock += 50 * MS;
        }
        assertThat(limit.getLimit())
                .as("2 calls in flight of 20, answered fast")
                .isEqualTo(20);
        for (int i = 0; i < 5; i++) {
            for (int call = 0; call < 5; call++) {
                limit.onSample(clock, 200 * MS, 10, false);
            }
            clock += 50 * MS;
        }
        assertThat(limit.getLimit())
                .as("10 of 20, answered at twice the least latency")
                .isLessThan(20);
    }

    @Test
    void refusalsFromBeforeARestartDoNotRestartItAgain() {
        LimitSamples limit = LimitSamples.vegas(40, 64);
        limit.onSample(clock, 100 * MS, 1, false);
        long before = clock;
        clock += 200 * MS;
        for (int call = 0; call < 3; call++) {
            limit.onSample(clock, 2 * MS, 40, true);
        }
        int restarted = limit.getLimit();
        assertThat(restarted).as("an eighth of 40").isEqualTo(5);
        clock += 200 * MS;
        // late word of calls refused in the same burst, started before the restart
        for (int call = 0; call < 10; call++) {
            limit.onSample(before + 100 * MS, 300 * MS, 40, true);
        }
        assertThat(limit.getLimit()).isEqualTo(restarted);
    }

    @Test
    void afterARefusalItDoublesBackToHalfItsLimitThenGrowsByOneCallAWindow() {
        LimitSamples limit = LimitSamples.vegas(40, 64);
        limit.onSample(clock, 100 * MS, 1, false);
        clock += 200 * MS;
        for (int call = 0; call < 3; call++) {
            limit.onSample(clock, 2 * MS, 40, true);
        }
        List<Integer> limits = new ArrayList<>(List.of(limit.getLimit()));
        for (int i = 0; i < 5; i++) {
            clock += 200 * MS;
            for (int call = 0; call < 3; call++) {
                limit.onSample(clock, 100 * MS, limit.getLimit(), false);
            }
            limits.add(limit.getLimit());
        }
        assertThat(limits).containsExactly(5, 10, 20, 21, 22, 23);
    }
}
