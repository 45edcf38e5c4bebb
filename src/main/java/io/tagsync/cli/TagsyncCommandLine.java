package io.tagsync.cli;

import io.tagsync.run.ExitCodes;
import io.tagsync.run.TagsyncProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Runs the command of the {@link CommandLine}: {@code run}, {@code status} or {@code worker}. ({@code demo}, {@code sandbox} and {@code bench}
 * live in the tools jar, which {@code run.sh} starts.) Off in tests, which call the commands directly.
 */
@Component
@ConditionalOnProperty(name = "tagsync.cli.enabled", havingValue = "true", matchIfMissing = true)
public class TagsyncCommandLine implements ApplicationRunner, ExitCodeGenerator {

    public static final String USAGE = """
            usage:
              tagsync run --input=PATH --workspace=WS [--run-key=KEY] [--api-url=URL]
                          [--concurrency=N|auto] [--max-concurrency=N] [--report-dir=DIR] [--max-rejects=N|N%] [--dry-run]
                          [--changed-only [--full]] [--format=csv|jsonl|parquet]
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
    private final ObjectProvider<CommandLine> parsed;
    private int exitCode;

    /** {@code parsed}: the command line {@code main} parsed, when it started the application. */
    public TagsyncCommandLine(
            RunCommand runCommand,
            StatusCommand statusCommand,
            TagsyncProperties properties,
            ObjectProvider<CommandLine> parsed) {
        this.runCommand = runCommand;
        this.statusCommand = statusCommand;
        this.properties = properties;
        this.parsed = parsed;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        CommandLine line;
        try {
            line = parsed.getIfAvailable(() -> CommandLine.parse(args.getSourceArgs()));
            exitCode = switch (line.command()) {
                case CommandLine.RUN -> runCommand.run(line.runParameters(properties), System.out, System.err);
                case CommandLine.STATUS -> status(line);
                case CommandLine.WORKER -> {
                    System.out.println("tagsync worker listening on queue '"
                            + properties.partition().queue() + "' for partitions, "
                            + Math.max(1, properties.partition().atOnce()) + " at once");
                    yield ExitCodes.OK;
                }
                default -> throw new IllegalStateException("no command " + line.command());
            };
        } catch (CommandLine.UsageException e) {
            System.err.println("tagsync: " + e.getMessage() + "\n" + USAGE);
            exitCode = ExitCodes.USAGE;
        }
    }

    private int status(CommandLine line) throws Exception {
        boolean json = line.flag("json");
        String run = line.option("run");
        try {
            if (run != null) {
                return statusCommand.printRun(System.out, Long.parseLong(run), json);
            }
            String workspace = line.option("workspace");
            if (line.flag("unfinished")) {
                return statusCommand.printUnfinished(System.out, workspace);
            }
            String limit = line.option("limit");
            return statusCommand.printRuns(System.out, limit == null ? 20 : Integer.parseInt(limit), workspace, json);
        } catch (NumberFormatException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
