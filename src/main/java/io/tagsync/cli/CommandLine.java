package io.tagsync.cli;

import io.tagsync.run.InputLocation;
import io.tagsync.run.RunParameters;
import io.tagsync.run.SyncMode;
import io.tagsync.run.TagsyncProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line, parsed once, before anything starts: the command, its own options (checked by {@link
 * CommandLineCheck}: an unknown one is refused, never ignored), and the arguments Spring is started with, where
 * {@code --remote} and the command's implied settings ({@code worker}, {@code status}) are settings. The launcher and
 * the commands read their options from it.
 */
public record CommandLine(String command, Map<String, String> options, List<String> springArguments) {

    public static final String RUN = "run";
    public static final String STATUS = "status";
    public static final String WORKER = "worker";

    /** The command line is wrong; nothing ran. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    public static CommandLine parse(String... args) {
        CommandLineCheck.problem(args).ifPresent(problem -> {
            throw new UsageException(problem);
        });
        String command = null;
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                command = arg;
                break;
            }
        }
        Map<String, String> options = new HashMap<>();
        List<String> spring = new ArrayList<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                spring.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (CommandLineCheck.isOption(command, name)) {
                options.put(name, eq < 0 ? "" : arg.substring(eq + 1));
            }
            spring.add(name.equals("remote") ? "--tagsync.partition.remote=true" : arg);
        }
        if (STATUS.equals(command)) {
            // status is brief: a run started beside it must not wait for it to serve the repository to the run
            spring.add("--tagsync.repository.serve=false");
        }
        if (WORKER.equals(command)) {
            spring.add("--tagsync.partition.remote=true");
            spring.add("--tagsync.partition.worker=true");
            // a worker runs one partition at a time, with the run's whole concurrency, unless told otherwise
            if (spring.stream().noneMatch(arg -> arg.startsWith("--tagsync.partition.at-once="))) {
                spring.add("--tagsync.partition.at-once=1");
            }
        }
        return new CommandLine(command, Map.copyOf(options), List.copyOf(spring));
    }

    /** An option's value: the last given, {@code ""} for one given without a value, or null. */
    public String option(String name) {
        return options.get(name);
    }

    /** An option given without a value, or with any value but {@code false}. */
    public boolean flag(String name) {
        String value = options.get(name);
        return value != null && !value.equals("false");
    }

    /** The options of {@code run}: {@code --input}, {@code --workspace} and the optional rest, over the settings. */
    public RunParameters runParameters(TagsyncProperties properties) {
        String input = option("input");
        String workspace = option("workspace");
        if (input == null || input.isEmpty() || workspace == null || workspace.isEmpty()) {
            throw new UsageException("run needs --input=PATH and --workspace=WS");
        }
        String runKey = option("run-key");
        String apiUrl = option("api-url");
        String concurrency = option("concurrency");
        String reportDir = option("report-dir");
        String maxConcurrency = option("max-concurrency");
        boolean changedOnly = option("changed-only") != null
                ? flag("changed-only")
                : properties.sync().changedOnly();
        if (flag("full") && !changedOnly) {
            throw new UsageException("--full sends every image and keeps what the API applies for the --changed-only "
                    + "runs after it: give it with --changed-only (or tagsync.sync.changed-only=true)");
        }
        SyncMode sync = flag("full") ? SyncMode.FULL : changedOnly ? SyncMode.CHANGED_ONLY : SyncMode.OFF;
        try {
            return new RunParameters(
                    InputLocation.parse(input),
                    workspace,
                    runKey == null ? LocalDate.now().toString() : runKey,
                    apiUrl == null ? properties.api().url() : URI.create(apiUrl),
                    RunParameters.concurrency(
                            concurrency == null ? properties.submit().concurrency() : concurrency),
                    reportDir == null
                            ? null
                            : Path.of(reportDir).toAbsolutePath().normalize(),
                    option("max-rejects"),
                    flag("dry-run"),
                    maxConcurrency == null ? properties.submit().maxConcurrency() : Integer.parseInt(maxConcurrency),
                    sync);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
