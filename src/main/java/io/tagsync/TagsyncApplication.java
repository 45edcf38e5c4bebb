package io.tagsync;

import io.tagsync.cli.CommandLineCheck;
import io.tagsync.cli.TagsyncCommandLine;
import io.tagsync.job.WorkerShutdown;
import io.tagsync.run.ExitCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TagsyncApplication {

    public static void main(String[] args) throws Exception {
        Optional<String> problem = CommandLineCheck.problem(args);
        if (problem.isPresent()) {
            System.err.println("tagsync: " + problem.get() + "\n" + TagsyncCommandLine.USAGE);
            System.exit(ExitCodes.USAGE);
        }
        boolean worker = args.length > 0 && args[0].equals("worker");
        int exitCode;
        try {
            ConfigurableApplicationContext context = SpringApplication.run(TagsyncApplication.class, settings(args));
            if (worker) {
                // a long-lived worker: its consumers keep it up; SIGTERM hands its partitions back, then closes
                WorkerShutdown shutdown = context.getBean(WorkerShutdown.class);
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> {
                                    shutdown.stop();
                                    context.close();
                                },
                                "tagsync-worker-shutdown"));
                return;
            }
            exitCode = SpringApplication.exit(context);
        } catch (RuntimeException e) {
            System.err.println("tagsync: cannot start: " + startFailure(e));
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    /** {@code worker} and {@code --remote} as the settings they stand for. */
    static String[] settings(String[] args) {
        List<String> settings = new ArrayList<>();
        for (String arg : args) {
            settings.add(arg.equals("--remote") ? "--tagsync.partition.remote=true" : arg);
        }
        if (args.length > 0 && args[0].equals("status")) {
            // status is brief: a run started beside it must not wait for it to serve the repository to the run
            settings.add("--tagsync.repository.serve=false");
        }
        if (args.length > 0 && args[0].equals("worker")) {
            settings.add("--tagsync.partition.remote=true");
            settings.add("--tagsync.partition.worker=true");
            // a worker runs one partition at a time, with the run's whole concurrency, unless told otherwise
            if (settings.stream().noneMatch(arg -> arg.startsWith("--tagsync.partition.at-once="))) {
                settings.add("--tagsync.partition.at-once=1");
            }
        }
        return settings.toArray(String[]::new);
    }

    /** The deepest cause, which says what is wrong, with a hint for the common cases. */
    static String startFailure(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        if (message.contains("Database may be already in use") || message.contains("The file is locked")) {
            return "the job repository under data/ is in use by a process that does not share it (another "
                    + "program holding the H2 file, or an older tagsync); wait for it to end, then run the same "
                    + "command again";
        }
        return root.getClass().getSimpleName() + ": "
                + message.lines().findFirst().orElse("");
    }
}
