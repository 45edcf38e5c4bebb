package io.tagsync;

import java.util.Arrays;

import io.tagsync.bench.Benchmark;
import io.tagsync.sandbox.SandboxCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TagsyncApplication {

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) throws Exception {
        // On two cores the common pool has one thread, and CompletableFuture then starts a thread for every
        // asynchronous step (the HTTP client takes one per response); two threads keep it pooled.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        if (args.length > 0 && args[0].equals("sandbox")) {
            SandboxCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bench")) {
            Benchmark.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int exitCode;
        try {
            exitCode = SpringApplication.exit(SpringApplication.run(TagsyncApplication.class, args));
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
            return "the job repository under data/ is in use by another tagsync process (H2 admits one process "
                    + "at a time; use PostgreSQL for runs side by side)";
        }
        return root.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("");
    }
}
