package io.tagsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.run.InputLocation;
import io.tagsync.run.RunParameters;
import io.tagsync.run.S3Location;
import io.tagsync.run.TagsyncProperties;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The command line as it is parsed once: the command, its options, and what Spring is started with. */
class CommandLineTest {

    /** The settings with nothing set: their defaults. */
    private static final TagsyncProperties DEFAULTS =
            new Binder(new MapConfigurationPropertySource()).bindOrCreate("tagsync", TagsyncProperties.class);

    @Test
    void aRunsOptionsBecomeItsParametersOverTheSettingsDefaults() {
        CommandLine line = CommandLine.parse(
                "run", "--input=in/a.csv", "--workspace=w", "--run-key=k", "--dry-run", "--concurrency=6", "--remote");

        RunParameters run = line.runParameters(DEFAULTS);

        assertThat(line.command()).isEqualTo(CommandLine.RUN);
        assertThat(run.input())
                .isEqualTo(
                        InputLocation.local(Path.of("in/a.csv").toAbsolutePath().normalize()));
        assertThat(run.workspace()).isEqualTo("w");
        assertThat(run.runKey()).isEqualTo("k");
        assertThat(run.dryRun()).isTrue();
        assertThat(run.concurrency()).isEqualTo(6);
        assertThat(run.apiUrl()).isEqualTo(URI.create("https://api.roboflow.com"));
        assertThat(line.springArguments())
                .contains("--tagsync.partition.remote=true")
                .doesNotContain("--remote");
    }

    @Test
    void anS3InputIsABucketAndAKeyOrPrefixAndABucketIsRequired() {
        assertThat(CommandLine.parse("run", "--input=s3://exports/nightly/", "--workspace=w")
                        .runParameters(DEFAULTS)
                        .input())
                .isEqualTo(new S3Location("exports", "nightly/"));
        assertThat(CommandLine.parse("run", "--input=s3://exports/a.parquet", "--workspace=w")
                        .runParameters(DEFAULTS)
                        .input()
                        .toString())
                .isEqualTo("s3://exports/a.parquet");
        assertThatThrownBy(() -> CommandLine.parse("run", "--input=s3:///a.csv", "--workspace=w")
                        .runParameters(DEFAULTS))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageContaining("no bucket");
    }

    @Test
    void aWorkerAndStatusAreStartedWithTheSettingsTheyImply() {
        assertThat(CommandLine.parse("worker").springArguments())
                .contains(
                        "--tagsync.partition.remote=true",
                        "--tagsync.partition.worker=true",
                        "--tagsync.partition.at-once=1");
        assertThat(CommandLine.parse("worker", "--tagsync.partition.at-once=2").springArguments())
                .contains("--tagsync.partition.at-once=2")
                .doesNotContain("--tagsync.partition.at-once=1");
        assertThat(CommandLine.parse("status", "--json").springArguments())
                .contains("--tagsync.repository.serve=false");
        assertThat(CommandLine.parse("status", "--json").flag("json")).isTrue();
    }

    @Test
    void whatTheCommandDoesNotTakeOrLacksIsAUsageError() {
        assertThatThrownBy(() -> CommandLine.parse("run", "--input=a", "--workspace=w", "--dryrun"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageContaining("did you mean --dry-run?");
        assertThatThrownBy(() -> CommandLine.parse("run", "--workspace=w").runParameters(DEFAULTS))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("run needs --input=PATH and --workspace=WS");
        assertThatThrownBy(() -> CommandLine.parse("run", "--input=a", "--workspace=w", "--concurrency=many")
                        .runParameters(DEFAULTS))
                .isInstanceOf(CommandLine.UsageException.class);
        assertThatThrownBy(CommandLine::parse).isInstanceOf(CommandLine.UsageException.class);
    }
}
