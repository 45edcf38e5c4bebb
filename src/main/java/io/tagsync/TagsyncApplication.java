package io.tagsync;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TagsyncApplication {

    public static void main(String[] args) throws Exception {
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
        return root.getClass().getSimpleName() + ": "
                + message.lines().findFirst().orElse("");
    }
}
