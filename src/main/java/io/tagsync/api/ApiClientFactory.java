package io.tagsync.api;

import io.tagsync.run.LimitHistory;
import io.tagsync.run.Partition;
import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Makes the client for a run. The key comes from {@code tagsync.api.key} (which defaults to the
 * {@code ROBOFLOW_API_KEY} environment variable) or {@code tagsync.api.key-file}.
 */
@Component
public class ApiClientFactory {

    private final TagsyncProperties.Api settings;
    private final Map<Long, RunLimits> runs = new ConcurrentHashMap<>();

    private final RunLimitsSharing sharing;
    private final LimitHistory history;

    public ApiClientFactory(
            TagsyncProperties properties,
            ObjectProvider<RunLimitsSharing> sharing,
            ObjectProvider<LimitHistory> history) {
        this.settings = properties.api();
        this.sharing = sharing.getIfAvailable(() -> (instanceId, limits) -> {});
        this.history = history.getIfAvailable(() -> LimitHistory.NONE);
    }

    /**
     * A client for one partition of a run (or the whole run). The clients of a run in this process share its
     * {@link RunLimits}: the partitions a process runs at once share the run's {@code --concurrency}, its 429 gate
     * and what the server was learned to refuse.
     */
    public RoboflowClient create(Partition partition) {
        RunParameters run = partition.run();
        return RoboflowClient.create(
                settings,
                apiKey(),
                run.apiUrl(),
                run.workspace(),
                partition.concurrency().connections(),
                limits(partition.instanceId(), run),
                partition.fence());
    }

    public RunLimits limits(long instanceId, RunParameters run) {
        return runs.computeIfAbsent(instanceId, id -> {
            RunLimits limits = RunLimits.of(run, run.adaptive() ? history.start(run) : run.concurrency());
            sharing.share(id, limits);
            return limits;
        });
    }

    /**
     * Starts, on threads of their own, what the first client of {@code apiUrl} would otherwise do on the run's
     * path after staging: building TLS, and loading and linking the HTTP client's classes, which a client
     * built here and never used does (it holds no key and opens no connection).
     */
    public void prepare(URI apiUrl) {
        Tls.prepare(apiUrl);
        Thread warmUp = new Thread(
                () -> {
                    try {
                        RoboflowClient.create(settings, "unused", apiUrl, "unused", 2, RunLimits.of(1));
                    } catch (RuntimeException e) {
                        // the run's own client reports whatever went wrong here
                    }
                },
                "client-setup");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    public boolean hasKey() {
        String key = keyOrNull();
        return key != null && !key.isBlank();
    }

    private String apiKey() {
        String key = keyOrNull();
        if (key == null || key.isBlank()) {
            throw new ApiException(
                    ApiException.Kind.AUTH, 0, "no API key: set ROBOFLOW_API_KEY or tagsync.api.key-file", null);
        }
        return key.strip();
    }

    private String keyOrNull() {
        if (settings.key() != null && !settings.key().isBlank()) {
            return settings.key();
        }
        Path file = settings.keyFile();
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the key file " + file, e);
            }
        }
        return null;
    }
}
