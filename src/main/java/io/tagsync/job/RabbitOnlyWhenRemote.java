package io.tagsync.job;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Leaves RabbitMQ's auto-configuration out of every process that does not send partitions to workers or run them:
 * it cost a run about half a second of start-up, and staging some of its CPU (the JIT compiling its set-up), for a
 * broker it never talks to. Runs after the configuration files are read, so that {@code tagsync.partition.remote}
 * set there counts; a {@code spring.autoconfigure.exclude} of the user's own takes precedence.
 */
public class RabbitOnlyWhenRemote implements EnvironmentPostProcessor, Ordered {

    static final String RABBIT = "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty("tagsync.partition.remote", Boolean.class, false)) {
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource(
                            "tagsync-without-rabbit", Map.of("spring.autoconfigure.exclude", RABBIT)));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
