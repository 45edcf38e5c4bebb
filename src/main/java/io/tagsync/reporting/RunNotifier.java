package io.tagsync.reporting;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.NotifySettings;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StepResults;
import io.tagsync.store.RequestStore;
import io.tagsync.store.RunCounts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Announces a run's end to {@code tagsync.notify.webhook-url}: a JSON POST with the outcome, the exit code, the
 * counts, the report folder and a {@code text} field that a Slack- or Teams-style incoming webhook shows as is.
 * Tried a few times, briefly; a webhook that does not answer is logged (by host only: webhook URLs carry their
 * secret) and never fails the run. The body never carries the API key.
 */
@Component
public class RunNotifier {

    private static final Logger log = LoggerFactory.getLogger(RunNotifier.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final NotifySettings settings;
    private final RequestStore store;

    public RunNotifier(NotifySettings settings, RequestStore store) {
        this.settings = settings;
        this.store = store;
    }

    public boolean enabled() {
        return settings.webhookUrl() != null;
    }

    /**
     * Announces the end of {@code execution} with its exit code; {@code problem} says what went wrong and what to
     * do (null when it completed), {@code reportDir} where its reports are (null when none were written).
     */
    public void announce(RunParameters run, JobExecution execution, int exitCode, String problem, String reportDir) {
        if (!enabled()) {
            return;
        }
        try {
            post(body(run, execution, exitCode, problem, reportDir));
        } catch (RuntimeException e) {
            log.warn("The run's end was not announced to {}: {}", host(), e.toString());
        }
    }

    Map<String, Object> body(
            RunParameters run, JobExecution execution, int exitCode, String problem, String reportDir) {
        long instanceId = execution.getJobInstance().getInstanceId();
        ExecutionContext context = execution.getExecutionContext();
        long read = context.getLong(StepResults.ROWS_READ, 0L);
        long rejected = context.getLong(StepResults.ROWS_REJECTED, 0L);
        RunCounts counts = store.counts(instanceId);
        String outcome = exitCode == ExitCodes.PARTIAL
                ? "COMPLETED_WITH_FAILURES"
                : execution.getStatus().toString();
        Map<String, Object> countsJson = new LinkedHashMap<>();
        countsJson.put("rowsRead", read);
        countsJson.put("rowsRejected", rejected);
        countsJson.put("images", counts.updates());
        countsJson.put("imagesUpdated", counts.succeededImages());
        countsJson.put("imagesFailed", counts.failedImages());
        countsJson.put("requests", counts.requests());
        StringBuilder text = new StringBuilder()
                .append("tagsync ")
                .append(run.dryRun() ? "dry run " : "run ")
                .append(instanceId)
                .append(" (workspace ")
                .append(run.workspace())
                .append(", run key ")
                .append(run.runKey())
                .append(") ")
                .append(outcome.toLowerCase().replace('_', ' '))
                .append(", exit ")
                .append(exitCode)
                .append(": ")
                .append(read)
                .append(" rows read, ")
                .append(rejected)
                .append(" rejected; ")
                .append(counts.succeededImages())
                .append(" of ")
                .append(counts.updates())
                .append(" images updated, ")
                .append(counts.failedImages())
                .append(" failed.");
        if (problem != null) {
            text.append(' ').append(problem);
        }
        if (reportDir != null) {
            text.append(" Reports: ").append(reportDir);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text.toString());
        body.put("outcome", outcome);
        body.put("exitCode", exitCode);
        body.put("run", instanceId);
        body.put("workspace", run.workspace());
        body.put("runKey", run.runKey());
        body.put("input", run.input().toString());
        body.put("dryRun", run.dryRun());
        body.put("counts", countsJson);
        body.put("reportDir", reportDir);
        body.put("problem", problem);
        body.put(
                "endedAt",
                execution.getEndTime() == null ? null : execution.getEndTime().toString());
        return body;
    }

    private void post(Map<String, Object> body) {
        byte[] json = JSON.writeValueAsBytes(body);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        HttpRequest request = HttpRequest.newBuilder(settings.webhookUrl())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        int attempts = Math.max(1, settings.attempts());
        String last = "";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    log.info("Announced the run's end to {}", host());
                    return;
                }
                last = "HTTP " + status;
                if (status / 100 == 4 && status != 408 && status != 429) {
                    break; // the webhook refuses this body: trying again would not help
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = "interrupted";
                break;
            }
            if (attempt < attempts) {
                sleep(Duration.ofMillis(500L << (attempt - 1)));
            }
        }
        log.warn("The run's end was not announced to {} ({}); the run's outcome stands", host(), last);
    }

    private String host() {
        URI url = settings.webhookUrl();
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
