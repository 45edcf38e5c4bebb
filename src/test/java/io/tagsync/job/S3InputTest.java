package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.S3ProxyServer;
import io.tagsync.SlowDownProxy;
import io.tagsync.input.S3Store;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.InputLocation;
import io.tagsync.run.RunParameters;
import io.tagsync.run.SyncMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code --input=s3://...} end to end: the objects are in S3Proxy, a real S3 API server on loopback, reached as a
 * user's environment reaches an S3-compatible store (the SDK's endpoint and credential settings), and the run
 * applies them to the sandbox exactly.
 */
@ExtendWith(OutputCaptureExtension.class)
class S3InputTest extends JobTestSupport {

    private static final List<String> SETTINGS =
            List.of("aws.endpointUrlS3", "aws.accessKeyId", "aws.secretAccessKey", "aws.region");

    @Autowired
    S3Store s3Store;

    private S3ProxyServer server;
    private S3Client s3;

    @BeforeEach
    void startStore() throws Exception {
        server = S3ProxyServer.start(Files.createDirectories(dir.resolve("store")));
        s3 = server.client();
        s3.createBucket(request -> request.bucket("warehouse"));
        System.setProperty("aws.endpointUrlS3", server.endpoint().toString());
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        System.setProperty("aws.region", "us-east-1");
        s3Store.close(); // the next s3:// input connects with these settings
    }

    @AfterEach
    void stopStore() throws Exception {
        s3Store.close();
        SETTINGS.forEach(System::clearProperty);
        s3.close();
        server.close();
    }

    private RunParameters run(String input, String runKey) {
        return new RunParameters(
                InputLocation.parse(input),
                WORKSPACE,
                runKey,
                sandbox.url(),
                4,
                reportDir(runKey),
                null,
                false,
                RunParameters.DEFAULT_MAX_CONCURRENCY,
                SyncMode.OFF);
    }

    @Test
    void aPrefixOfCsvPartsIsAppliedExactly() throws Exception {
        Path whole = dir.resolve("whole.csv");
        GeneratedInput generated = GeneratedInput.write(whole, 2_500, 1, 2, 17);
        store.seed(generated.imageIds);
        List<String> lines = Files.readAllLines(whole);
        // two parts with the header each, as engines write them, and the marker of a finished export
        int half = 1 + (lines.size() - 1) / 2;
        Path first = Files.write(dir.resolve("part-1.csv"), lines.subList(0, half));
        List<String> rest = new java.util.ArrayList<>(List.of(lines.get(0)));
        rest.addAll(lines.subList(half, lines.size()));
        Path second = Files.write(dir.resolve("part-2.csv"), rest);
        server.put(s3, "warehouse", "exports/2026-12-04/part-1.csv", first);
        server.put(s3, "warehouse", "exports/2026-12-04/part-2.csv", second);
        server.put(s3, "warehouse", "exports/2026-12-04/_SUCCESS", Files.writeString(dir.resolve("s"), ""));

        int exit = runCommand.run(run("s3://warehouse/exports/2026-12-04/", "nightly"));

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
        assertThat(Files.readString(reportDir("nightly").resolve("summary.txt")))
                .contains("input      s3://warehouse/exports/2026-12-04/");
    }

    @Test
    void aMissingBucketAndAnEmptyPrefixFailTheRunSayingSoBeforeAnythingIsSent(CapturedOutput output) {
        assertThat(runCommand.run(run("s3://no-such-bucket/changes.csv", "missing")))
                .isEqualTo(ExitCodes.FAILED);
        assertThat(runCommand.run(run("s3://warehouse/nothing-here/", "empty"))).isEqualTo(ExitCodes.FAILED);

        assertThat(output.getErr())
                .contains("s3://no-such-bucket/changes.csv: no such bucket (404")
                .contains("s3://warehouse/nothing-here/: no objects under this prefix")
                .contains("fix the input where the message says")
                .doesNotContain(S3ProxyServer.SECRET_KEY);
        assertThat(sandbox.stats().apiCalls()).isZero();
    }

    @Test
    void throttlingIsRetriedWithBackoffAndTheRunEndsExact() throws Exception {
        Path input = dir.resolve("throttled.csv");
        GeneratedInput generated = GeneratedInput.write(input, 1_500, 1, 1, 29);
        store.seed(generated.imageIds);
        server.put(s3, "warehouse", "throttled/changes.csv", input);
        try (SlowDownProxy proxy = new SlowDownProxy(server.endpoint(), 2)) {
            System.setProperty("aws.endpointUrlS3", proxy.endpoint().toString());
            s3Store.close();

            int exit = runCommand.run(run("s3://warehouse/throttled/changes.csv", "throttled"));

            assertThat(exit).isEqualTo(ExitCodes.OK);
            assertThat(proxy.refused()).as("calls answered 503 SlowDown").isEqualTo(2);
        }
        assertThat(actualState(generated.imageIds)).isEqualTo(generated.expected);
    }

    @Test
    void aRestartOnAnObjectReplacedSinceIsRefused(CapturedOutput output) throws Exception {
        Path input = dir.resolve("changes.csv");
        GeneratedInput generated = GeneratedInput.write(input, 2_000, 1, 1, 23);
        store.seed(generated.imageIds);
        server.put(s3, "warehouse", "one/changes.csv", input);
        sandbox.settings().outage(true);
        assertThat(runCommand.run(run("s3://warehouse/one/changes.csv", "replaced")))
                .isEqualTo(ExitCodes.FAILED);
        sandbox.settings().outage(false);

        Files.writeString(input, "img-new,,,,,late,\n", java.nio.file.StandardOpenOption.APPEND);
        server.put(s3, "warehouse", "one/changes.csv", input);

        assertThat(runCommand.run(run("s3://warehouse/one/changes.csv", "replaced")))
                .isEqualTo(ExitCodes.FAILED);
        assertThat(output.getErr())
                .contains("the input changed since run")
                .contains("objects' keys, sizes and ETags")
                .contains("--run-key=replaced-2");
        assertThat(sandbox.stats().acceptedBatches()).isZero();
    }
}
