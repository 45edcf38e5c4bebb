package io.tagsync.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.RunParameters;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConcurrencySettledTest {

    private static final Instant T = Instant.parse("2026-11-30T02:00:00Z");

    private static ConcurrencyPoint at(int second, int calls) {
        return new ConcurrencyPoint(T.plusSeconds(second), calls);
    }

    private static RunParameters run(int concurrency) {
        return new RunParameters(
                Path.of("in.csv"), "ws", "key", URI.create("http://x"), concurrency, null, null, false, 64);
    }

    @Test
    void settledIsWhereTheLimitSpentMostOfItsTime() {
        // 4 for 1 s, 6 for 1 s, 9 for 1 s, then 7 for 17 s, 8 at the end
        List<ConcurrencyPoint> points = List.of(at(0, 4), at(1, 6), at(2, 9), at(3, 7), at(20, 8));
        assertThat(ConcurrencyPoint.settled(points)).isEqualTo(7);
        assertThat(ConcurrencySettled.of(run(RunParameters.AUTO), Map.of("a:1", points)))
                .isEqualTo(new RunSummary.Concurrency("auto", 7, 4, 9));
    }

    @Test
    void processesAddUpAndAFixedSettingIsItself() {
        Map<String, List<ConcurrencyPoint>> two =
                Map.of("a:1", List.of(at(0, 10), at(10, 10)), "b:2", List.of(at(0, 6), at(1, 12), at(10, 12)));
        assertThat(ConcurrencySettled.of(run(RunParameters.AUTO), two))
                .isEqualTo(new RunSummary.Concurrency("auto", 22, 6, 12));
        assertThat(ConcurrencySettled.of(run(8), Map.of())).isEqualTo(new RunSummary.Concurrency("fixed", 8, 8, 8));
    }
}
