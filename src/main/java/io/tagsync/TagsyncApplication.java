package io.tagsync;

import java.util.Arrays;

import io.tagsync.sandbox.SandboxCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TagsyncApplication {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("sandbox")) {
            SandboxCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(SpringApplication.exit(SpringApplication.run(TagsyncApplication.class, args)));
    }
}
