package io.tagsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.S3ProxyServer;
import io.tagsync.input.S3Store;
import io.tagsync.job.JobTestSupport;
import io.tagsync.run.ExitCodes;
import io.tagsync.run.InputLocation;
import io.tagsync.run.RunParameters;
import io.tagsync.run.SyncMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The benchmark of s3:// inputs ({@code ./run.sh bench --s3}, not part of the test suite): staging rows/s of 1M-row
 * CSV and Parquet inputs read from S3Proxy on loopback beside the same files read from disk (dry runs in one JVM,
 * each the median of 3 after a warm-up), and the bytes the Parquet reads fetched against the object's size.
 */
@Tag("benchmark")
class S3StagingBenchmarkTest extends JobTestSupport {

    private static final long ROWS = 1_000_000;
    private static final List<String> SETTINGS =
            List.of("aws.endpointUrlS3", "aws.accessKeyId", "aws.secretAccessKey", "aws.region");

    @Autowired
    S3Store s3Store;

    private int runs;

    /** Seconds of a dry run of {@code input}, which must stage every row. */
    private double dryRun(InputLocation input) throws Exception {
        String key = "bench-" + (++runs);
        long started = System.nanoTime();
        int exit = runCommand.run(new RunParameters(
                input,
                WORKSPACE,
                key,
                sandbox.url(),
                4,
                reportDir(key),
                null,
                true,
                RunParameters.DEFAULT_MAX_CONCURRENCY,
                SyncMode.OFF));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(Files.readString(reportDir(key).resolve("summary.txt")))
                .contains("rows       " + ROWS + " read, " + ROWS + " valid");
        return seconds;
    }

    private double median(InputLocation input) throws Exception {
        dryRun(input);
        double[] seconds = {dryRun(input), dryRun(input), dryRun(input)};
        Arrays.sort(seconds);
        return seconds[1];
    }

    @Test
    void stagingFromS3BesideStagingFromDisk() throws Exception {
        Path csv = dir.resolve("rows-1m.csv");
        Path parquet = dir.resolve("rows-1m.parquet");
        BenchInputs.writeCsv(csv, ROWS, 0);
        BenchInputs.writeParquet(parquet, ROWS, true);
        try (S3ProxyServer server = S3ProxyServer.start(Files.createDirectories(dir.resolve("store")));
                S3Client s3 = server.client()) {
            s3.createBucket(request -> request.bucket("bench"));
            server.put(s3, "bench", "rows-1m.csv", csv);
            server.put(s3, "bench", "rows-1m.parquet", parquet);
            System.setProperty("aws.endpointUrlS3", server.endpoint().toString());
            System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
            System.setProperty("aws.region", "us-east-1");
            s3Store.close();
            try {
                double csvLocal = median(InputLocation.local(csv));
                double csvS3 = median(InputLocation.parse("s3://bench/rows-1m.csv"));
                double parquetLocal = median(InputLocation.local(parquet));
                long before = s3Store.objects().rangedBytesRead();
                double parquetS3 = median(InputLocation.parse("s3://bench/rows-1m.parquet"));
                long perRun = (s3Store.objects().rangedBytesRead() - before) / 4;
                System.out.printf(
                        "s3 input   1M rows, dry runs, medians of 3: CSV from S3Proxy %.0f k rows/s, from disk %.0f k"
                                + " (%.2f ×); Parquet from S3Proxy %.0f k rows/s, from disk %.0f k (%.2f ×)%n",
                        ROWS / csvS3 / 1000,
                        ROWS / csvLocal / 1000,
                        csvLocal / csvS3,
                        ROWS / parquetS3 / 1000,
                        ROWS / parquetLocal / 1000,
                        parquetLocal / parquetS3);
                System.out.printf(
                        "           Parquet: %d bytes read a run of a %d-byte object (%.2f ×)%n",
                        perRun, Files.size(parquet), (double) perRun / Files.size(parquet));
            } finally {
                s3Store.close();
                SETTINGS.forEach(System::clearProperty);
            }
        }
    }
}
