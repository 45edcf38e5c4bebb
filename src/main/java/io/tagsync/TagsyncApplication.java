package io.tagsync;

import io.tagsync.cli.CommandLine;
import io.tagsync.cli.TagsyncCommandLine;
import io.tagsync.job.WorkerShutdown;
import io.tagsync.run.ExitCodes;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TagsyncApplication {

    public static void main(String[] args) throws Exception {
        CommandLine line;
        try {
            line = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            System.err.println("tagsync: " + e.getMessage() + "\n" + TagsyncCommandLine.USAGE);
            System.exit(ExitCodes.USAGE);
            return;
        }
        boolean worker = CommandLine.WORKER.equals(line.command());
        int exitCode;
        try {
            SpringApplication application = new SpringApplication(TagsyncApplication.class);
            application.addInitializers(context -> context.getBeanFactory().registerSingleton("commandLine", line));
            ConfigurableApplicationContext context =
                    application.run(line.springArguments().toArray(String[]::new));
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
