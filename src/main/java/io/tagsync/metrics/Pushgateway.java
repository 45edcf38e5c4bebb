package io.tagsync.metrics;

import io.tagsync.run.TagsyncProperties;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Pushes a run's metrics to a Prometheus Pushgateway ({@code PUT /metrics/job/tagsync/workspace/W/run_key/K}
 * in the text exposition format), the way batch jobs report to Prometheus. Off unless
 * {@code tagsync.metrics.pushgateway-url} is set; a push that fails is logged, never fails the run.
 */
@Component
public class Pushgateway {

    private static final Logger log = LoggerFactory.getLogger(Pushgateway.class);

    private final TagsyncMetrics metrics;
    private final URI url;

    public Pushgateway(TagsyncMetrics metrics, TagsyncProperties properties) {
        this.metrics = metrics;
        this.url = properties.metrics().pushgatewayUrl();
    }

    public void push(String workspace, String runKey, int exitCode) {
        if (url == null) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Double> entry : metrics.snapshot().entrySet()) {
            text.append(name(entry.getKey()))
                    .append(' ')
                    .append(entry.getValue())
                    .append('\n');
        }
        text.append("tagsync_exit_code ").append(exitCode).append('\n');
        text.append("tagsync_last_run_end_seconds ")
                .append(System.currentTimeMillis() / 1000)
                .append('\n');
        URI target = URI.create(url.toString().replaceAll("/+$", "") + "/metrics/job/tagsync/workspace/"
                + URLEncoder.encode(workspace, StandardCharsets.UTF_8) + "/run_key/"
                + URLEncoder.encode(runKey, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(
                            HttpRequest.newBuilder(target)
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "text/plain; version=0.0.4")
                                    .PUT(HttpRequest.BodyPublishers.ofString(text.toString()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                log.warn("The Pushgateway answered {} to the run's metrics", response.statusCode());
            }
        } catch (Exception e) {
            log.warn("Could not push the run's metrics to the Pushgateway: {}", e.toString());
        }
    }

    /** A Prometheus name: {@code tagsync.rows.staged} → {@code tagsync_rows_staged_total}. */
    static String name(String key) {
        String base = key;
        String label = "";
        int brace = key.indexOf('{');
        if (brace >= 0) {
            base = key.substring(0, brace);
            label = "{step=\"" + key.substring(brace + 1, key.indexOf('}')) + "\"}";
            String suffix = key.substring(key.indexOf('}') + 1);
            base = base + suffix;
        }
        String name = base.replaceAll("[^A-Za-z0-9_]", "_");
        if (name.startsWith("tagsync_") && !name.endsWith("_seconds") && !name.endsWith("_count")) {
            name = name + "_total";
        }
        return name + label;
    }
}
