package io.tagsync.run;

import java.net.URI;
import java.nio.file.Path;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * A run's parameters, as the command line takes them and as the job keeps them. {@code input}, {@code workspace}
 * and {@code runKey} identify the job instance, so the same command restarts the same run; the others may change
 * between a run and its restart (a new sandbox port, a lower concurrency). The API key is never a parameter.
 */
public record RunParameters(
        InputLocation input,
        String workspace,
        String runKey,
        URI apiUrl,
        int concurrency,
        Path reportDir,
        String maxRejects,
        boolean dryRun,
        int maxConcurrency,
        SyncMode sync) {

    /** {@code --concurrency=auto}: the limit adapts to the server, up to {@code maxConcurrency}. */
    public static final int AUTO = 0;

    public static final int DEFAULT_MAX_CONCURRENCY = 64;

    public static final String INPUT = "input";
    public static final String WORKSPACE = "workspace";
    public static final String RUN_KEY = "runKey";
    public static final String API_URL = "apiUrl";
    public static final String CONCURRENCY = "concurrency";
    public static final String REPORT_DIR = "reportDir";
    public static final String MAX_REJECTS = "maxRejects";
    /** Identifying when present, so that a dry run is a run of its own and never completes the real one. */
    public static final String DRY_RUN = "dryRun";

    public static final String MAX_CONCURRENCY = "maxConcurrency";
    /** Present with {@code --changed-only}: {@code changed-only} or {@code full}. */
    public static final String SYNC = "sync";

    public RunParameters(Path input, String workspace, String runKey, URI apiUrl, int concurrency, Path reportDir) {
        this(input, workspace, runKey, apiUrl, concurrency, reportDir, null, false);
    }

    public RunParameters(
            Path input,
            String workspace,
            String runKey,
            URI apiUrl,
            int concurrency,
            Path reportDir,
            String maxRejects,
            boolean dryRun) {
        this(input, workspace, runKey, apiUrl, concurrency, reportDir, maxRejects, dryRun, DEFAULT_MAX_CONCURRENCY);
    }

    public RunParameters(
            Path input,
            String workspace,
            String runKey,
            URI apiUrl,
            int concurrency,
            Path reportDir,
            String maxRejects,
            boolean dryRun,
            int maxConcurrency) {
        this(
                InputLocation.local(input),
                workspace,
                runKey,
                apiUrl,
                concurrency,
                reportDir,
                maxRejects,
                dryRun,
                maxConcurrency,
                SyncMode.OFF);
    }

    /** The same run with {@code sync}. */
    public RunParameters withSync(SyncMode sync) {
        return new RunParameters(
                input, workspace, runKey, apiUrl, concurrency, reportDir, maxRejects, dryRun, maxConcurrency, sync);
    }

    /** {@code --concurrency}: a number, or {@code auto}. */
    public static int concurrency(String value) {
        return value.strip().equalsIgnoreCase("auto") ? AUTO : Integer.parseInt(value.strip());
    }

    public boolean adaptive() {
        return concurrency == AUTO;
    }

    /** The most calls of the run at once: its concurrency, or with {@code auto} the most it may grow to. */
    public int width() {
        return adaptive() ? Math.max(1, maxConcurrency) : concurrency;
    }

    public JobParameters toJobParameters() {
        JobParametersBuilder builder = new JobParametersBuilder()
                .addString(INPUT, input.toString(), true)
                .addString(WORKSPACE, workspace, true)
                .addString(RUN_KEY, runKey, true)
                .addString(API_URL, apiUrl.toString(), false)
                .addLong(CONCURRENCY, (long) concurrency, false);
        if (reportDir != null) {
            builder.addString(REPORT_DIR, reportDir.toString(), false);
        }
        if (maxRejects != null) {
            builder.addString(MAX_REJECTS, maxRejects, false);
        }
        if (dryRun) {
            builder.addString(DRY_RUN, "true", true);
        }
        if (adaptive()) {
            builder.addLong(MAX_CONCURRENCY, (long) maxConcurrency, false);
        }
        if (sync != SyncMode.OFF) {
            builder.addString(SYNC, sync.label(), false);
        }
        return builder.toJobParameters();
    }

    public static RunParameters of(JobParameters parameters) {
        String reportDir = parameters.getString(REPORT_DIR);
        Long concurrency = parameters.getLong(CONCURRENCY);
        Long max = parameters.getLong(MAX_CONCURRENCY);
        String sync = parameters.getString(SYNC);
        return new RunParameters(
                InputLocation.parse(parameters.getString(INPUT)),
                parameters.getString(WORKSPACE),
                parameters.getString(RUN_KEY),
                URI.create(parameters.getString(API_URL)),
                concurrency.intValue(),
                reportDir == null ? null : Path.of(reportDir),
                parameters.getString(MAX_REJECTS),
                "true".equals(parameters.getString(DRY_RUN)),
                max == null ? DEFAULT_MAX_CONCURRENCY : max.intValue(),
                sync == null ? SyncMode.OFF : SyncMode.ofLabel(sync));
    }
}
