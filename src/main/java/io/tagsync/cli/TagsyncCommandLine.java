package io.tagsync.cli;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Dispatches the command line: {@code run} and {@code status}. ({@code demo}, {@code sandbox} and {@code bench}
 * live in the tools jar, which {@code run.sh} starts.) Off in tests, which call the commands directly.
 */
@Component
@ConditionalOnProperty(name = "tagsync.cli.enabled", havingValue = "true", matchIfMissing = true)
public class TagsyncCommandLine implements ApplicationRunner, ExitCodeGenerator {

    public static final String USAGE = """
            usage:
              tagsync run --input=PATH --workspace=WS [--run-key=KEY] [--api-url=URL]
                          [--concurrency=N|auto] [--max-concurrency=N] [--report-dir=DIR] [--max-rejects=N|N%] [--dry-run]
              tagsync run ... --remote                      a manager: partitions go to workers over RabbitMQ
              tagsync worker                                runs partitions for managers (PostgreSQL, RabbitMQ)
              tagsync status [--json] [--workspace=WS] [--limit=N]     recent runs
              tagsync status --run=ID [--json]              one run's executions, requests and reports
              tagsync status --unfinished [--workspace=WS]  runs that did not complete: input TAB run key
            ./run.sh also has: demo (the job on sample-data/ against a built-in sandbox), sandbox, bench.
            The API key comes from ROBOFLOW_API_KEY. Any setting can be given as --tagsync.x.y=value.""";

    private final RunCommand runCommand;
    private final StatusCommand statusCommand;
    private final TagsyncProperties properties;
    private int exitCode;

    public TagsyncCommandLine(RunCommand runCommand, StatusCommand statusCommand, TagsyncProperties properties) {
        this.runCommand = runCommand;
        this.statusCommand = statusCommand;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        List<String> commands = args.getNonOptionArgs();
        String command = commands.isEmpty() ? "" : commands.get(0);
        RunParameters run;
        try {
            run = command.equals("run") ? runParameters(args) : null;
        } catch (IllegalArgumentException e) {
            System.err.println("tagsync: " + e.getMessage() + "\n" + USAGE);
            exitCode = ExitCodes.USAGE;
            return;
        }
        try {
            exitCode = switch (command) {
                case "run" -> runCommand.run(run, System.out, System.err);
                case "status" -> status(args);
                case "worker" -> {
                    System.out.println("tagsync worker listening on queue '"
                            + properties.partition().queue() + "' for partitions, "
                            + Math.max(1, properties.partition().atOnce()) + " at once");
                    yield ExitCodes.OK;
                }
                default -> {
                    System.err.println(
                            command.isEmpty() ? USAGE : "tagsync: unknown command '" + command + "'\n" + USAGE);
                    yield ExitCodes.USAGE;
                }
            };
        } catch (NumberFormatException e) {
            System.err.println("tagsync: " + e.getMessage() + "\n" + USAGE);
            exitCode = ExitCodes.USAGE;
        }
    }

    private int status(ApplicationArguments args) throws Exception {
        boolean json = args.containsOption("json");
        String run = option(args, "run");
        if (run != null) {
            return statusCommand.printRun(System.out, Long.parseLong(run), json);
        }
        String workspace = option(args, "workspace");
        if (args.containsOption("unfinished")) {
            return statusCommand.printUnfinished(System.out, workspace);
        }
        String limit = option(args, "limit");
        return statusCommand.printRuns(System.out, limit == null ? 20 : Integer.parseInt(limit), workspace, json);
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }

    /** The options of {@code run}: {@code --input}, {@code --workspace} and the optional rest. */
    RunParameters runParameters(ApplicationArguments args) {
        String input = option(args, "input");
        String workspace = option(args, "workspace");
        if (input == null || workspace == null) {
            throw new IllegalArgumentException("run needs --input=PATH and --workspace=WS");
        }
        String runKey = option(args, "run-key");
        String apiUrl = option(args, "api-url");
        String concurrency = option(args, "concurrency");
        String reportDir = option(args, "report-dir");
        return new RunParameters(
                Path.of(input).toAbsolutePath().normalize(),
                workspace,
                runKey == null ? LocalDate.now().toString() : runKey,
                apiUrl == null ? properties.api().url() : URI.create(apiUrl),
                RunParameters.concurrency(
                        concurrency == null ? properties.submit().concurrency() : concurrency),
                reportDir == null ? null : Path.of(reportDir).toAbsolutePath().normalize(),
                option(args, "max-rejects"),
                args.containsOption("dry-run") && !"false".equals(option(args, "dry-run")),
                option(args, "max-concurrency") == null
                        ? properties.submit().maxConcurrency()
                        : Integer.parseInt(option(args, "max-concurrency")));
    }

    private static String option(ApplicationArguments args, String name) {
        List<String> values = args.getOptionValues(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }
}
