package io.tagsync.reporting;

import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.run.ChangeCounts;
import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.OwnerOnly;
import io.tagsync.run.RunParameters;
import io.tagsync.run.StepResults;
import io.tagsync.store.ConcurrencyHistory;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.RunCounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the run's reports — {@code summary.json}, {@code rejects.csv}, {@code failed-items.csv} — and
 * prints a short summary. The step ends {@code COMPLETED_WITH_FAILURES} when a row was rejected or an image
 * failed. Reads only the job repository, so it can run again on a restart. A tasklet: it writes a few files once.
 */
public class ReportTasklet implements Tasklet {

    public static final String COMPLETED_WITH_FAILURES = "COMPLETED_WITH_FAILURES";
    public static final String REPORT_DIR = "tagsync.reportDir";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReportTasklet.class);
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final RunParameters run;
    private final long instanceId;
    private final RequestStore store;
    private final ConcurrencyHistory history;
    private final RunReports reports;
    private final TagsyncMetrics metrics;

    public ReportTasklet(
            RunParameters run,
            long instanceId,
            RequestStore store,
            ConcurrencyHistory history,
            RunReports reports,
            TagsyncMetrics metrics) {
        this.run = run;
        this.history = history;
        this.instanceId = instanceId;
        this.metrics = metrics;
        this.store = store;
        this.reports = reports;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws IOException {
        StepExecution step = contribution.getStepExecution();
        Path dir = reports.directory(run, instanceId);

        ExecutionContext staged = step.getJobExecution().getExecutionContext();
        long read = staged.getLong(StepResults.ROWS_READ, 0L);
        long rejected = staged.getLong(StepResults.ROWS_REJECTED, 0L);
        RunCounts counts = store.counts(instanceId);

        Map<String, Long> reasons = new HashMap<>();
        reports.writeRejects(dir, instanceId, reasons);
        reports.writeFailedItems(dir, instanceId);
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (RequestStatus status : RequestStatus.values()) {
            byStatus.put(status.name(), counts.requests(status));
        }
        boolean clean = rejected == 0 && counts.failedImages() == 0;
        Map<String, List<ConcurrencyPoint>> concurrency = history.read(instanceId);
        RunSummary summary = new RunSummary(
                instanceId,
                step.getJobExecutionId(),
                run.input().toString(),
                run.workspace(),
                run.runKey(),
                new RunSummary.Rows(read, read - rejected, rejected),
                new RunSummary.Images(counts.updates(), counts.succeededImages(), counts.failedImages()),
                new RunSummary.Requests(counts.requests(), byStatus),
                ChangeCounts.readFrom(staged),
                sync(staged),
                ConcurrencySettled.of(run, concurrency),
                run.dryRun(),
                metrics.snapshot(),
                dir.toString(),
                clean ? ExitCodes.OK : ExitCodes.PARTIAL);
        JSON.writeValue(dir.resolve("summary.json").toFile(), summary);
        reports.writeHtml(dir, summary, reasons, concurrency);
        Files.writeString(dir.resolve("summary.txt"), humanSummary(summary), StandardCharsets.UTF_8);
        OwnerOnly.files(dir, "{summary.json,summary.txt,report.html,rejects.csv,failed-items.csv}");
        step.getExecutionContext().putString(REPORT_DIR, dir.toString());
        log.info("Run {} keeps {} bytes of requests in the repository", instanceId, store.storedBytes(instanceId));
        if (!clean) {
            contribution.setExitStatus(new ExitStatus(
                    COMPLETED_WITH_FAILURES, rejected + " rows rejected, " + counts.failedImages() + " images failed"));
        }
        return RepeatStatus.FINISHED;
    }

    private static RunSummary.Sync sync(ExecutionContext staged) {
        if (!staged.containsKey(StepResults.SYNC)) {
            return null;
        }
        long unchanged = staged.getLong(StepResults.IMAGES_UNCHANGED, 0L);
        return new RunSummary.Sync(
                staged.getString(StepResults.SYNC),
                unchanged,
                staged.getLong(StepResults.UNCHANGED_SINCE, 0L),
                staged.getLong(StepResults.IMAGES, 0L) - unchanged);
    }

    /** The sync line of the summary: what was left out as unchanged, and what was sent. */
    static String syncLine(RunSummary.Sync sync, boolean dryRun) {
        String sent = sync.sent() + (dryRun ? " images would be sent" : " images sent");
        if (sync.mode().equals("full")) {
            return "full: " + sent + ", every image of the input";
        }
        if (sync.unchanged() == 0) {
            return "changed only: no image unchanged since a run before; " + sent;
        }
        return "changed only: " + sync.unchanged() + " images unchanged since run " + sync.since() + ", left out; "
                + sent;
    }

    static String humanSummary(RunSummary summary) {
        StringBuilder text = new StringBuilder();
        text.append("\n")
                .append(summary.dryRun() ? "tagsync dry run " : "tagsync run ")
                .append(summary.jobInstanceId())
                .append(" (workspace ")
                .append(summary.workspace())
                .append(", run key ")
                .append(summary.runKey())
                .append(")\n");
        text.append("  input      ").append(summary.input()).append('\n');
        text.append("  rows       ")
                .append(summary.rows().read())
                .append(" read, ")
                .append(summary.rows().valid())
                .append(" valid, ")
                .append(summary.rows().rejected())
                .append(" rejected\n");
        if (summary.sync() != null) {
            text.append("  sync       ")
                    .append(syncLine(summary.sync(), summary.dryRun()))
                    .append('\n');
        }
        ChangeCounts changes = summary.changes();
        text.append("  changes    ")
                .append(changes.keysSet())
                .append(" keys set, ")
                .append(changes.keysRemoved())
                .append(" keys removed, ")
                .append(changes.tagsAdded())
                .append(" tags added, ")
                .append(changes.tagsRemoved())
                .append(" tags removed\n");
        if (summary.dryRun()) {
            text.append("  would send ")
                    .append(summary.requests().total())
                    .append(" requests for ")
                    .append(summary.images().staged())
                    .append(" images; nothing was sent\n");
        } else {
            text.append("  images     ")
                    .append(summary.images().staged())
                    .append(" to update, ")
                    .append(summary.images().succeeded())
                    .append(" updated, ")
                    .append(summary.images().failed())
                    .append(" failed\n");
        }
        text.append("  requests   ").append(summary.requests().total());
        summary.requests().byStatus().forEach((status, count) -> {
            if (count > 0) {
                text.append(", ").append(count).append(' ').append(status.toLowerCase());
            }
        });
        text.append('\n');
        RunSummary.Concurrency concurrency = summary.concurrency();
        if (!summary.dryRun() && concurrency.mode().equals("auto") && concurrency.most() > 0) {
            text.append("  concurrency auto: settled at ")
                    .append(concurrency.settled())
                    .append(" calls at once (moved between ")
                    .append(concurrency.least())
                    .append(" and ")
                    .append(concurrency.most())
                    .append(")\n");
        } else if (!summary.dryRun() && concurrency.mode().equals("fixed")) {
            text.append("  concurrency ").append(concurrency.settled()).append(" calls at once (fixed)\n");
        }
        text.append("  reports    ")
                .append(summary.reportDir())
                .append(" (summary.json, report.html, rejects.csv, failed-items.csv)\n");
        Map<String, Double> metrics = summary.metrics();
        text.append("  metrics    ");
        String[][] shown = {
            {"tagsync.rows.staged", "rows staged"},
            {"tagsync.requests.sent", "requests sent"},
            {"tagsync.http.retries", "HTTP retries"},
            {"tagsync.tasks.completed", "tasks completed"},
            {"tagsync.tasks.failed", "task failures"}
        };
        for (int i = 0; i < shown.length; i++) {
            text.append(i == 0 ? "" : ", ")
                    .append(Math.round(metrics.getOrDefault(shown[i][0], 0.0)))
                    .append(' ')
                    .append(shown[i][1]);
        }
        text.append(" (this process)\n");
        text.append("  result     ")
                .append(
                        summary.dryRun()
                                ? (summary.rows().rejected() == 0
                                        ? "every row valid"
                                        : "some rows rejected: see rejects.csv")
                                : summary.allApplied()
                                        ? "every row applied"
                                        : "not every row applied: see rejects.csv and failed-items.csv")
                .append("\n\n");
        return text.toString();
    }
}
