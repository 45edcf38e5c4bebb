package io.tagsync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class RunConcurrencyTest {

    /** The settings as the application binds them, with {@code settings} over the defaults. */
    private static TagsyncProperties settings(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("tagsync", TagsyncProperties.class);
    }

    private static RunParameters run(int concurrency, int maxConcurrency) {
        return new RunParameters(
                Path.of("in.csv"),
                "ws",
                "key",
                URI.create("http://127.0.0.1:1"),
                concurrency,
                Path.of("reports"),
                null,
                false,
                maxConcurrency);
    }

    @Test
    void aFixedConcurrencyOnOnePartitionSendsWithAllItsCallsAndPollsWithAsManyAgain() {
        RunConcurrency concurrency = RunConcurrency.of(run(8, 64), settings(Map.of()));

        assertThat(concurrency).isEqualTo(new RunConcurrency(8, 1, 1, 8, 8, 16, 16));
    }

    @Test
    void autoSizesThreadsForTheMostItMayGrowTo() {
        RunConcurrency concurrency = RunConcurrency.of(run(RunParameters.AUTO, 48), settings(Map.of()));

        assertThat(concurrency).isEqualTo(new RunConcurrency(48, 1, 1, 48, 24, 48, 48));
    }

    @Test
    void partitionsAtOnceShareTheCallsRoundedUpAndNeverOutnumberThem() {
        Map<String, String> fourPartitions = Map.of("tagsync.partition.count", "4");

        RunConcurrency ten = RunConcurrency.of(run(10, 64), settings(fourPartitions));
        RunConcurrency one = RunConcurrency.of(run(1, 64), settings(fourPartitions));

        assertThat(ten).isEqualTo(new RunConcurrency(10, 4, 4, 3, 2, 5, 20));
        assertThat(one.partitionsAtOnce()).isEqualTo(1);
        assertThat(one.senders()).isEqualTo(1);
    }

    @Test
    void configuredPollersAreSharedByThePartitionsAtOnce() {
        RunConcurrency concurrency = RunConcurrency.of(
                run(8, 64),
                settings(Map.of(
                        "tagsync.partition.count",
                        "8",
                        "tagsync.partition.at-once",
                        "2",
                        "tagsync.await.pollers",
                        "6")));

        assertThat(concurrency).isEqualTo(new RunConcurrency(8, 8, 2, 4, 3, 7, 14));
    }
}
