package io.tagsync.run;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code tagsync.*}; each can be given on the command line as {@code --tagsync.x.y=value}.
 */
@ConfigurationProperties("tagsync")
public record TagsyncProperties(
        @DefaultValue Api api,
        @DefaultValue Submit submit,
        @DefaultValue Await await,
        @DefaultValue Input input,
        @DefaultValue Staging staging,
        @DefaultValue Metrics metrics,
        @DefaultValue Partition partition,
        @DefaultValue Repository repository,
        @DefaultValue Sync sync,
        @DefaultValue ObjectStore objectStore,
        @DefaultValue("reports") Path reportDir) {

    /**
     * Where {@code s3://} inputs are read from: {@code endpoint}, an S3-compatible store's URL (MinIO, Ceph, ...),
     * reached with path-style requests, over the SDKs' {@code AWS_ENDPOINT_URL_S3} and {@code AWS_ENDPOINT_URL};
     * none: those, else Amazon S3.
     */
    public record ObjectStore(URI endpoint) {}

    /**
     * The job repository as tagsync uses it. {@code serve}: the first run to open the default H2 file serves it
     * to other tagsync processes ({@code status} does not); {@code lockWait}: how long a process waits for the file
     * when another process holds it without serving it; {@code outageGrace}: how long a run rides out a
     * repository it cannot reach (a database restart, a failover) before it fails.
     */
    public record Repository(
            @DefaultValue("true") boolean serve,
            @DefaultValue("15s") Duration lockWait,
            @DefaultValue("5m") Duration outageGrace) {}

    /** Where to push a run's metrics at its end; none by default. */
    public record Metrics(URI pushgatewayUrl) {}

    public enum AuthMode {
        QUERY,
        BEARER
    }

    /**
     * How tagsync talks to the API. {@code toString} hides the key so that a record printed by
     * accident never leaks it.
     */
    public record Api(
            @DefaultValue("https://api.roboflow.com") URI url,
            String key,
            Path keyFile,
            @DefaultValue("BEARER") AuthMode auth,
            @DefaultValue("10s") Duration connectTimeout,
            @DefaultValue("60s") Duration readTimeout,
            @DefaultValue("8") int maxAttempts,
            @DefaultValue("500ms") Duration initialBackoff,
            @DefaultValue("30s") Duration maxBackoff,
            @DefaultValue("false") boolean allowKeyOverPlainHttp) {

        /**
         * Why the key may not go to {@code url}, or null: over plain {@code http} it would travel in clear, which
         * only a loopback address ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}: the sandbox, a local
         * proxy) or {@code allow-key-over-plain-http} allows.
         */
        public String plainHttpRefusal(URI url) {
            if (allowKeyOverPlainHttp || url == null || !"http".equalsIgnoreCase(url.getScheme()) || isLoopback(url)) {
                return null;
            }
            return "--api-url " + url.getScheme() + "://" + url.getHost()
                    + " is plain http to another host: the API key would travel in clear. Use https, or set "
                    + "--tagsync.api.allow-key-over-plain-http=true to send it in clear anyway";
        }

        private static boolean isLoopback(URI url) {
            String host = url.getHost() == null ? "" : url.getHost().toLowerCase(java.util.Locale.ROOT);
            if (host.equals("localhost") || host.endsWith(".localhost")) {
                return true;
            }
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (!literal.matches("[0-9.]+|[0-9a-f:]+")) {
                return false; // a name: not looked up here, so not known to be loopback
            }
            try {
                return java.net.InetAddress.getByName(literal).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return "Api[url=" + url + ", auth=" + auth + ", key=" + (key == null || key.isEmpty() ? "unset" : "****")
                    + "]";
        }
    }

    /**
     * Requests in flight: {@code concurrency} a number, or {@code auto} (a limit that adapts to the server's answers
     * and latency, up to {@code maxConcurrency}).
     */
    public record Submit(
            @DefaultValue("auto") String concurrency,
            @DefaultValue("64") int maxConcurrency) {}

    /**
     * How the API work (the submit and await steps) is split: {@code count} partitions, ranges of the staged
     * requests, each a step execution of its own; by default ({@code 0}) one for a run on one host, where more
     * would only split the same concurrency (and measured about 3% slower), and eight for a remote run, to spread
     * over its workers. {@code atOnce} of them run at once in one process, sharing the run's concurrency. {@code remote} sends the partitions to worker processes over RabbitMQ (the job
     * repository must then be PostgreSQL, shared by all); a worker's {@code heartbeat} tells the manager and
     * the other workers it is alive, and one silent for {@code workerTimeout} is taken for dead.
     */
    public record Partition(
            @DefaultValue("0") int count,
            @DefaultValue("4") int atOnce,
            @DefaultValue("false") boolean remote,
            @DefaultValue("tagsync.partitions") String queue,
            @DefaultValue("2s") Duration heartbeat,
            @DefaultValue("10s") Duration workerTimeout) {

        /** The number of partitions: {@code count}, or by default 1 on one host and 8 for a remote run. */
        public int partitions() {
            return count > 0 ? count : remote ? 8 : 1;
        }
    }

    /**
     * How staging merges repeated image IDs: {@code buffer-rows} rows are sorted in memory before they are
     * spilled to {@code spill-dir} (the system's temporary folder by default).
     */
    public record Staging(@DefaultValue("200000") int bufferRows, Path spillDir) {

        public Path spillDirOrTemp() {
            return spillDir != null ? spillDir : Path.of(System.getProperty("java.io.tmpdir"));
        }
    }

    /**
     * Polling: {@code pollers} threads while requests are being sent (0: as many as the submit concurrency, or
     * half the most with {@code --concurrency=auto});
     * once all are sent, the await step also polls with the threads that sent them. A task not final
     * {@code task-timeout} after it was submitted is handled as a failed one, so that a run always ends.
     */
    public record Await(
            @DefaultValue("0") int pollers,
            @DefaultValue("500ms") Duration firstPoll,
            @DefaultValue("2s") Duration maxPollInterval,
            @DefaultValue("3") int maxTaskAttempts,
            @DefaultValue("1h") Duration taskTimeout) {}

    /**
     * {@code --changed-only} for every run ({@code changedOnly}); {@code fullEvery}: a run of a workspace whose last
     * full send is older than this sends every image (people also edit images in Roboflow's app), 0 for never;
     * {@code forgetAfter}: what was applied to an image is forgotten this long after, so that it is sent again.
     */
    public record Sync(
            @DefaultValue("false") boolean changedOnly,
            @DefaultValue("0s") Duration fullEvery,
            @DefaultValue("90d") Duration forgetAfter) {}

    /**
     * How input columns are read. {@code columns} maps an input column to a tagsync column
     * ({@code image_id: imageId}, {@code cam: "metadata.camera:string"}); {@code ignoreColumns} are skipped;
     * {@code format} ({@code csv}, {@code jsonl}, {@code parquet}; {@code --format} on the command line) reads
     * every file of the input as that format, whatever its extension; {@code csvDelimiter} separates CSV fields
     * ({@code ;} from spreadsheets, {@code tab}), by default a comma, or a tab for {@code .tsv} files.
     */
    /**
     * How input files are read. {@code csvEscape}: how a quote is written inside a quoted CSV cell, doubled
     * ({@code ""}, RFC 4180) or after a backslash ({@code \"}, as Spark writes CSV unless told otherwise).
     * {@code maxRowSize}: the most text one row (a CSV record, a JSON line) may hold; a longer one is rejected.
     */
    public record Input(
            @DefaultValue("|") String listSeparator,
            Map<String, String> columns,
            List<String> ignoreColumns,
            String format,
            String csvDelimiter,
            @DefaultValue("double-quote") CsvEscape csvEscape,
            @DefaultValue("16MB") DataSize maxRowSize) {

        public Input {
            columns = columns == null ? Map.of() : Map.copyOf(columns);
            ignoreColumns = ignoreColumns == null ? List.of() : List.copyOf(ignoreColumns);
            csvEscape = csvEscape == null ? CsvEscape.DOUBLE_QUOTE : csvEscape;
            maxRowSize = maxRowSize == null ? DataSize.ofMegabytes(16) : maxRowSize;
            if (maxRowSize.toBytes() < 1024 || maxRowSize.toBytes() > Integer.MAX_VALUE / 4) {
                throw new IllegalArgumentException("tagsync.input.max-row-size takes 1KB to 512MB, not " + maxRowSize);
            }
        }

        public static final String MAX_ROW_SIZE = "tagsync.input.max-row-size";

        /** {@code maxRowSize} as it is written in settings: {@code 16MB}, {@code 1KB}. */
        public String maxRowSizeText() {
            long bytes = maxRowSize.toBytes();
            return bytes % (1 << 20) == 0
                    ? bytes / (1 << 20) + "MB"
                    : bytes % (1 << 10) == 0 ? bytes / (1 << 10) + "KB" : bytes + "B";
        }

        /** The most characters one row may hold (a character of UTF-8 text is at least a byte). */
        public int maxRowChars() {
            return (int) maxRowSize.toBytes();
        }
    }

    public enum CsvEscape {
        DOUBLE_QUOTE,
        BACKSLASH
    }
}
