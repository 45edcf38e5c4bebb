package io.tagsync;

import io.tagsync.api.RoboflowClient;
import io.tagsync.api.RunLimits;
import io.tagsync.input.ImageUpdate;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import io.tagsync.staging.RequestPayloads;
import io.tagsync.staging.StagedUpdate;
import io.tagsync.staging.UpdateMerger;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.StagedRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A run's API work without the job around it: a sandbox on loopback, a client of it, and the store of a run's
 * requests on an in-memory H2 repository, with requests staged as staging stores them.
 */
public final class ApiWork implements AutoCloseable {

    public static final String KEY = "k-" + Long.toHexString(System.nanoTime());
    public static final String WORKSPACE = "ws";
    public static final long RUN = 5;

    public final ImageStore images = new ImageStore();
    public final SandboxServer sandbox;
    public final JdbcTemplate jdbc;
    public final RequestStore store;
    private final Path spill;

    public ApiWork(SandboxSettings settings, List<String> seeded, Path spill) throws IOException {
        images.seed(seeded);
        sandbox = SandboxServer.start(settings.workspace(WORKSPACE).apiKey(KEY), images, 0);
        DataSource repository = Fixtures.repository("api-work");
        jdbc = new JdbcTemplate(repository);
        store = Fixtures.requestStore(repository);
        this.spill = spill;
    }

    /** A client of the sandbox letting {@code calls} calls be in flight, retrying twice after a short pause. */
    public RoboflowClient client(int calls) {
        TagsyncProperties.Api settings = new TagsyncProperties.Api(
                URI.create("https://unused"),
                KEY,
                null,
                TagsyncProperties.AuthMode.BEARER,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                3,
                Duration.ofMillis(5),
                Duration.ofMillis(20),
                false);
        return RoboflowClient.create(settings, KEY, sandbox.url(), WORKSPACE, calls, RunLimits.of(calls));
    }

    /** Stages {@code updates} (one row each, in this order) as requests of {@code size}; returns their IDs. */
    public List<Long> stage(int size, List<ImageUpdate> updates) {
        List<StagedUpdate> merged = new ArrayList<>();
        try (UpdateMerger merger = new UpdateMerger(spill, 1000)) {
            long row = 0;
            for (ImageUpdate update : updates) {
                merger.add(update, ++row, Long.toString(row));
            }
            merger.finish(merged::add);
        }
        List<StagedRequest> requests = new ArrayList<>();
        for (int from = 0; from < merged.size(); from += size) {
            requests.add(RequestPayloads.stage(
                    requests.size() + 1, merged.subList(from, Math.min(merged.size(), from + size))));
        }
        store.insertRequests(RUN, requests);
        store.assignParts(RUN, 1);
        return store.requestIds(RUN, RequestStatus.PENDING);
    }

    /** An update that adds {@code tag} to {@code imageId}. */
    public static ImageUpdate tag(String imageId, String tag) {
        return Fixtures.update(imageId, java.util.Map.of(), List.of(), List.of(tag), List.of());
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
