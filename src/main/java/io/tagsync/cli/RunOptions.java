package io.tagsync.cli;

import io.tagsync.run.TagsyncProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.springframework.boot.ApplicationArguments;

/** The options of {@code run}: {@code --input}, {@code --workspace} and the optional rest. */
public record RunOptions(
        Path input,
        String workspace,
        String runKey,
        URI apiUrl,
        int concurrency,
        Path reportDir,
        String maxRejects,
        boolean dryRun) {

    public RunOptions(Path input, String workspace, String runKey, URI apiUrl, int concurrency, Path reportDir) {
        this(input, workspace, runKey, apiUrl, concurrency, reportDir, null, false);
    }

    public RunOptions(
            Path input,
            String workspace,
            String runKey,
            URI apiUrl,
            int concurrency,
            Path reportDir,
            String maxRejects) {
        this(input, workspace, runKey, apiUrl, concurrency, reportDir, maxRejects, false);
    }

    public static RunOptions from(ApplicationArguments args, TagsyncProperties properties) {
        String input = option(args, "input");
        String workspace = option(args, "workspace");
        if (input == null || workspace == null) {
            throw new IllegalArgumentException("run needs --input=PATH and --workspace=WS");
        }
        String runKey = option(args, "run-key");
        String apiUrl = option(args, "api-url");
        String concurrency = option(args, "concurrency");
        String reportDir = option(args, "report-dir");
        return new RunOptions(
                Path.of(input).toAbsolutePath().normalize(),
                workspace,
                runKey == null ? LocalDate.now().toString() : runKey,
                apiUrl == null ? properties.api().url() : URI.create(apiUrl),
                concurrency == null ? properties.submit().concurrency() : Integer.parseInt(concurrency),
                reportDir == null ? null : Path.of(reportDir).toAbsolutePath().normalize(),
                option(args, "max-rejects"),
                args.containsOption("dry-run") && !"false".equals(option(args, "dry-run")));
    }

    static String option(ApplicationArguments args, String name) {
        List<String> values = args.getOptionValues(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }
}
