package io.tagsync.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.LimitHistory;
import io.tagsync.run.RunParameters;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where an adaptive limit starts, from where the last run against the same API settled and how long ago. */
class ConcurrencyHistoryTest {

    private static final Instant NOW = Instant.parse("2026-12-04T02:00:00Z");

    private static RunParameters auto(int max) {
        return new RunParameters(
                Path.of("in.csv"),
                "ws",
                "night",
                URI.create("https://api.example"),
                RunParameters.AUTO,
                null,
                null,
                false,
                max);
    }

    /** A run that held {@code calls} for its last hour, ending {@code ago} before now. */
    private static Map<String, List<ConcurrencyPoint>> lastRun(int calls, Duration ago) {
        Instant end = NOW.minus(ago);
        return Map.of(
                "host:1",
                List.of(
                        new ConcurrencyPoint(end.minus(Duration.ofMinutes(62)), 4),
                        new ConcurrencyPoint(end.minus(Duration.ofMinutes(60)), calls),
                        new ConcurrencyPoint(end, calls)));
    }

    @Test
    void aFirstRunStartsLow() {
        assertThat(ConcurrencyHistory.start(auto(64), Map.of(), NOW)).isEqualTo(LimitHistory.FIRST_START);
        assertThat(ConcurrencyHistory.start(auto(2), Map.of(), NOW)).isEqualTo(2);
    }

    @Test
    void aRunStartsWhereLastNightsSettled() {
        assertThat(ConcurrencyHistory.start(auto(64), lastRun(22, Duration.ofHours(23)), NOW))
                .isEqualTo(22);
        assertThat(ConcurrencyHistory.start(auto(16), lastRun(22, Duration.ofHours(23)), NOW))
                .as("never above the run's own most")
                .isEqualTo(16);
        assertThat(ConcurrencyHistory.start(auto(64), lastRun(2, Duration.ofHours(1)), NOW))
                .as("a server that took only 2 at once")
                .isEqualTo(2);
    }

    @Test
    void anOldStartHalvesWithEachWeekAfterTheFirstAndIsForgottenAfterAMonth() {
        assertThat(ConcurrencyHistory.start(auto(64), lastRun(32, Duration.ofDays(7)), NOW))
                .isEqualTo(32);
        assertThat(ConcurrencyHistory.start(auto(64), lastRun(32, Duration.ofDays(14)), NOW))
                .isEqualTo(16);
        assertThat(ConcurrencyHistory.start(auto(64), lastRun(32, Duration.ofDays(21)), NOW))
                .isEqualTo(8);
        assertThat(ConcurrencyHistory.start(auto(64), lastRun(32, Duration.ofDays(28)), NOW))
                .as("not below a first run's start")
                .isEqualTo(LimitHistory.FIRST_START);
        assertThat(ConcurrencyHistory.start(auto(64), lastRun(32, Duration.ofDays(31)), NOW))
                .isEqualTo(LimitHistory.FIRST_START);
    }
}
