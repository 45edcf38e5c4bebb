package io.tagsync.reporting;

import io.tagsync.run.ChangeCounts;
import java.util.Map;

/** What {@code summary.json} holds: a run, what it read and what became of it. */
public record RunSummary(
        long jobInstanceId,
        long jobExecutionId,
        String input,
        String workspace,
        String runKey,
        Rows rows,
        Images images,
        Requests requests,
        ChangeCounts changes,
        boolean dryRun,
        Map<String, Double> metrics,
        String reportDir,
        int exitCode) {

    public record Rows(long read, long valid, long rejected) {}

    public record Images(long staged, long succeeded, long failed) {}

    public record Requests(long total, Map<String, Long> byStatus) {}

    public boolean allApplied() {
        return rows.rejected() == 0 && images.failed() == 0;
    }
}
