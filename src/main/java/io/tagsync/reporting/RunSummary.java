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
        Sync sync,
        Concurrency concurrency,
        boolean dryRun,
        Map<String, Double> metrics,
        String reportDir,
        int exitCode) {

    public record Rows(long read, long valid, long rejected) {}

    public record Images(long staged, long succeeded, long failed) {}

    public record Requests(long total, Map<String, Long> byStatus) {}

    /**
     * With {@code --changed-only}: {@code changed-only}, or {@code full} when every image was sent; the images left out
     * because their update equals the last one the API confirmed, the latest run that applied one of them
     * ({@code since}, 0 for none), and the images sent. Null without {@code --changed-only}.
     */
    public record Sync(String mode, long unchanged, long since, long sent) {}

    /**
     * The calls in flight at once: {@code fixed}, or {@code auto} with where the limit spent most of the API work
     * ({@code settled}: its time-weighted median, summed over the processes that ran it) and its least and most.
     */
    public record Concurrency(String mode, int settled, int least, int most) {}

    public boolean allApplied() {
        return rows.rejected() == 0 && images.failed() == 0;
    }
}
