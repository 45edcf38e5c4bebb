package io.tagsync.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tagsync.input.InputFiles;
import io.tagsync.input.ParquetCodecs;
import io.tagsync.run.RunParameters;
import io.tagsync.run.Steps;
import io.tagsync.sandbox.ImageStore;
import io.tagsync.sandbox.SandboxServer;
import io.tagsync.sandbox.SandboxSettings;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./run.sh bench [--quick]}: generates its inputs, starts the sandbox in this process, runs the job in
 * child processes as a user would (its own JVM with run.sh's options, H2 in a file), and prints a table of
 * figures, also written as JSON under {@code bench/results/}. {@code --quick} runs small sizes in about a
 * minute, to keep the benchmark working; the full run takes several minutes.
 */
public final class Benchmark {

    /**
     * The JVM options run.sh gives a run, so that the benchmark measures runs as users get them: its options
     * file, or, when the benchmark was started otherwise, the heap and collector.
     */
    private static final List<String> RUN_JVM = System.getProperty("tagsync.bench.run-options") != null
            ? List.of("@" + System.getProperty("tagsync.bench.run-options"))
            : List.of("-Xmx256m", "-XX:+UseSerialGC");

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final boolean quick;
    /** Capacities of section 9 ({@code --capacities=4,16}); all three by default. */
    private int[] capacities = {48, 16, 4};
    /** Settings of section 9 ({@code --settings=4,auto}); all by default. */
    private int[] settings;
    /** Section 9 without its latency-bound servers ({@code --capacities-only}). */
    private boolean capacitiesOnly;
    /** Whether a run that fails is a figure (section 9: a fixed setting far above the server's capacity). */
    private boolean failuresAreFigures;

    private final Path work;
    private final Path results;
    private final int repeats;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> table = new ArrayList<>();
    private int runCounter;

    private Benchmark(boolean quick, Path home) {
        this.quick = quick;
        this.work = home.resolve("bench").resolve("work");
        this.results = home.resolve("bench").resolve("results");
        this.repeats = quick ? 1 : 3;
    }

    public static void main(String[] args) throws Exception {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        if (args.length == 1 && args[0].startsWith("--parse-once=")) {
            parseOnce(Path.of(args[0].substring("--parse-once=".length())));
            return;
        }
        boolean quick = Arrays.asList(args).contains("--quick");
        Benchmark benchmark = new Benchmark(quick, Path.of("").toAbsolutePath());
        Arrays.stream(args)
                .filter(arg -> arg.startsWith("--capacities="))
                .findFirst()
                .ifPresent(arg -> benchmark.capacities = Arrays.stream(
                                arg.substring("--capacities=".length()).split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray());
        Arrays.stream(args)
                .filter(arg -> arg.startsWith("--settings="))
                .findFirst()
                .ifPresent(arg -> benchmark.settings = Arrays.stream(
                                arg.substring("--settings=".length()).split(","))
                        .mapToInt(each -> each.equals("auto") ? RunParameters.AUTO : Integer.parseInt(each))
                        .toArray());
        benchmark.capacitiesOnly = Arrays.asList(args).contains("--capacities-only");
        if (Arrays.asList(args).contains("--staging")) {
            benchmark.alone("staging", benchmark::staging);
        } else if (Arrays.asList(args).contains("--partitions")) {
            benchmark.alone("partitions", benchmark::partitions);
        } else if (Arrays.asList(args).contains("--adaptive")) {
            benchmark.alone("adaptive", benchmark::adaptive);
        } else if (Arrays.asList(args).contains("--latency-bound")) {
            benchmark.alone("latency-bound", benchmark::latencyBound);
        } else if (Arrays.asList(args).contains("--sync")) {
            benchmark.alone("sync", benchmark::sync);
        } else if (Arrays.asList(args).contains("--startup")) {
            benchmark.alone("startup", benchmark::startup);
        } else {
            benchmark.run();
        }
    }

    private void run() throws Exception {
        deleteTree(work);
        Files.createDirectories(work.resolve("spill"));
        Files.createDirectories(results);
        long rows1m = quick ? 50_000 : 1_000_000;
        long rows10m = quick ? 500_000 : 10_000_000;
        line(
                "tagsync benchmark (%s), %s, %d cores",
                quick ? "quick" : "full", Instant.now(), Runtime.getRuntime().availableProcessors());

        Path csv = work.resolve("rows-1m.csv");
        Path parquet = work.resolve("rows-1m.parquet");
        staging(csv);
        // 2. end to end against the sandbox without latency; 6. start-up; 5. repository growth. The sandbox
        // stands in for a server that has been up for a while: one run it serves first is not counted.
        job(csv, false, 8, () -> new SandboxSettings().taskMillis(50, 200));
        List<JobRun> e2eCsvRuns = new ArrayList<>();
        double e2eCsv = median(() -> {
            JobRun run = job(csv, false, 8, () -> new SandboxSettings().taskMillis(50, 200));
            e2eCsvRuns.add(run);
            return rows1m / run.jobSeconds;
        });
        // the repository's figures: the largest of the runs, and the median run's peak
        long keptBytes =
                e2eCsvRuns.stream().mapToLong(run -> run.keptBytes).max().orElseThrow();
        long repositoryBytes =
                e2eCsvRuns.stream().mapToLong(run -> run.repositoryBytes).max().orElseThrow();
        long[] repositoryPeaks = e2eCsvRuns.stream()
                .mapToLong(run -> run.repositoryPeakBytes)
                .sorted()
                .toArray();
        long repositoryPeak = repositoryPeaks[repositoryPeaks.length - 1];
        long repositoryPeakMedian = repositoryPeaks[repositoryPeaks.length / 2];
        double e2eParquet = median(() ->
                rows1m / job(parquet, false, 8, () -> new SandboxSettings().taskMillis(50, 200)).jobSeconds);
        section(
                "2 end-to-end",
                "CSV %s rows/s (%.2f × read-only); Parquet %s rows/s (%.2f × read-only)",
                rate(e2eCsv),
                e2eCsv / readCsv,
                rate(e2eParquet),
                e2eParquet / readParquet);
        JobRun medianE2e = e2eCsvRuns.stream()
                .sorted(Comparator.comparingDouble((JobRun run) -> run.jobSeconds))
                .toList()
                .get(e2eCsvRuns.size() / 2);
        double sendingSeconds = medianE2e.jobSeconds - medianE2e.stageSeconds;
        section(
                "",
                "CSV: staging %.1f s, sending and polling %.1f s (%.0f requests/s); the sandbox's own CPU "
                        + "time %.1f ms a request",
                medianE2e.stageSeconds,
                sendingSeconds,
                medianE2e.stats.acceptedBatches() / sendingSeconds,
                medianE2e.stats.meanBatchWorkMicros() / 1000.0);
        section(
                "",
                "CSV: the job's own CPU time %.1f s, %.1f s of it the JIT compiler's threads",
                medianE2e.cpu.totalSeconds(),
                medianE2e.cpu.compilerSeconds());
        figures.put("jobCpuSeconds", medianE2e.cpu.totalSeconds());
        figures.put("jobCompilerCpuSeconds", medianE2e.cpu.compilerSeconds());
        figures.put("sandboxCpuMillisPerRequest", medianE2e.stats.meanBatchWorkMicros() / 1000.0);
        figures.put("endToEndCsvRowsPerSecond", e2eCsv);
        figures.put("endToEndParquetRowsPerSecond", e2eParquet);
        double startup = e2eCsvRuns.stream()
                .mapToDouble(run -> run.startupSeconds)
                .sorted()
                .toArray()[e2eCsvRuns.size() / 2];

        // 3. latency-bound, 4. polling
        List<Map<String, Object>> latency = new ArrayList<>();
        for (int concurrency : new int[] {1, 4, 16}) {
            // the median run by its ratio to the ideal, of three at concurrency 4 and 16 (one at 1: 100 s each)
            List<JobRun> runs = new ArrayList<>();
            for (int i = 0; i < (concurrency == 1 ? 1 : repeats); i++) {
                runs.add(job(
                        csv,
                        false,
                        concurrency,
                        () -> new SandboxSettings().latencyMillis(100).taskMillis(300, 1000)));
            }
            int c = concurrency;
            runs.sort(Comparator.comparingDouble((JobRun each) -> latencyRatio(each, c)));
            JobRun run = runs.get(runs.size() / 2);
            long requests = run.stats.acceptedBatches();
            double ideal = idealSeconds(run, concurrency);
            double sending = run.jobSeconds - run.stageSeconds;
            String others = runs.size() == 1
                    ? ""
                    : String.format(
                            " (%d runs: %.2f-%.2f)",
                            runs.size(), latencyRatio(runs.get(0), c), latencyRatio(runs.get(runs.size() - 1), c));
            section(
                    concurrency == 1 ? "3 latency-bound" : "",
                    "c=%-2d %d requests: %.1f s sending+polling (%.1f s with staging), " + "ideal %.1f s, ratio %.2f%s",
                    concurrency,
                    requests,
                    sending,
                    run.jobSeconds,
                    ideal,
                    sending / ideal,
                    others);
            double served = (run.stats.lastSeenNanos() - run.stats.firstCallNanos()) / 1e9;
            section(
                    "",
                    "c=%-2d first request to the last task seen final: %.1f s, %.2f × the ideal",
                    concurrency,
                    served,
                    served / ideal);
            section(
                    concurrency == 1 ? "4 polling" : "",
                    "c=%-2d %.2f status requests per task; finished tasks seen after "
                            + "%d ms on average, %d ms at most",
                    concurrency,
                    run.stats.statusCalls() / (double) requests,
                    run.stats.meanSeenLateMillis(),
                    run.stats.maxSeenLateMillis());
            Map<String, Object> figure = new LinkedHashMap<>();
            figure.put("concurrency", concurrency);
            figure.put("requests", requests);
            figure.put("sendingAndPollingSeconds", sending);
            figure.put("jobSeconds", run.jobSeconds);
            figure.put("idealSeconds", ideal);
            figure.put("ratio", sending / ideal);
            figure.put("firstRequestToLastSeenSeconds", served);
            figure.put("runs", runs.size());
            figure.put(
                    "ratios", runs.stream().map(each -> latencyRatio(each, c)).toList());
            figure.put("statusRequestsPerTask", run.stats.statusCalls() / (double) requests);
            figure.put("meanSeenLateMillis", run.stats.meanSeenLateMillis());
            figure.put("maxSeenLateMillis", run.stats.maxSeenLateMillis());
            figure.put("jobCpuSeconds", run.cpu.totalSeconds());
            figure.put("jobCompilerCpuSeconds", run.cpu.compilerSeconds());
            latency.add(figure);
        }
        figures.put("latencyBound", latency);

        // 5. peak RSS at 1M and 10M rows, end to end
        Path csv10 = work.resolve("rows-10m.csv");
        BenchInputs.writeCsv(csv10, rows10m, 0);
        JobRun small = medianE2e;
        JobRun large = job(csv10, false, 8, () -> new SandboxSettings().taskMillis(50, 200));
        long csv10Bytes = Files.size(csv10);
        Files.delete(csv10);
        section(
                "5 memory",
                "peak RSS %s rows: %d MB; %s rows: %d MB (%.2f ×)",
                count(rows1m),
                small.peakRssKb / 1024,
                count(rows10m),
                large.peakRssKb / 1024,
                large.peakRssKb / (double) small.peakRssKb);
        section(
                "",
                "repository (an H2 file of its own) for a %s-row run: %.1f MB after it (%.2f × the input's %.1f MB; "
                        + "request bodies left %.2f MB); at its largest during a run %.1f MB (%.2f ×) in the median run, %.1f MB "
                        + "(%.2f ×) at most",
                count(rows1m),
                repositoryBytes / 1e6,
                repositoryBytes / (double) Files.size(csv),
                Files.size(csv) / 1e6,
                keptBytes / 1e6,
                repositoryPeakMedian / 1e6,
                repositoryPeakMedian / (double) Files.size(csv),
                repositoryPeak / 1e6,
                repositoryPeak / (double) Files.size(csv));
        section(
                "",
                "repository for a %s-row run: at its largest %.1f MB (%.2f × the input's %.1f MB), %.1f MB after it",
                count(rows10m),
                large.repositoryPeakBytes / 1e6,
                large.repositoryPeakBytes / (double) csv10Bytes,
                csv10Bytes / 1e6,
                large.repositoryBytes / 1e6);
        figures.put("repositoryPeakFileBytesLarge", large.repositoryPeakBytes);
        figures.put("repositoryFileBytesLarge", large.repositoryBytes);
        figures.put("repositoryPeakFileBytes", repositoryPeak);
        figures.put("repositoryPeakFileBytesMedian", repositoryPeakMedian);
        figures.put("peakRssKbSmall", small.peakRssKb);
        figures.put("peakRssKbLarge", large.peakRssKb);
        figures.put("largeRows", rows10m);
        figures.put("repositoryFileBytes", repositoryBytes);
        figures.put("requestBodyBytesKept", keptBytes);

        section("6 start-up", "launch to first request %.2f s (median)", startup);
        figures.put("startupSeconds", startup);

        // 7. merging repeated image IDs at scale: exact state, repeats against none
        long images = quick ? 200_000 : 4_545_455;
        Path repeats = work.resolve("repeats.csv");
        long repeatRows = BenchInputs.writeCsv(repeats, images, 5);
        ImageStore[] stores = new ImageStore[1];
        JobRun repeated = job(
                repeats,
                false,
                8,
                () -> new SandboxSettings().taskMillis(50, 200).openStore(true),
                store -> stores[0] = store);
        List<String> wrong = BenchInputs.wrongImages(stores[0], images, 5, 5);
        stores[0] = null;
        Files.delete(repeats);
        Path unique = work.resolve("unique.csv");
        BenchInputs.writeCsv(unique, repeatRows, 0);
        JobRun plain = job(
                unique,
                false,
                8,
                () -> new SandboxSettings().taskMillis(50, 200).openStore(true));
        Files.delete(unique);
        section(
                "7 merge at scale",
                "%s rows, 10%% of %s images repeated far apart: %.1f s, %s rows/s, peak RSS %d MB, " + "state %s",
                count(repeatRows),
                count(images),
                repeated.jobSeconds,
                rate(repeatRows / repeated.jobSeconds),
                repeated.peakRssKb / 1024,
                wrong.isEmpty() ? "exact" : "WRONG " + wrong);
        section(
                "",
                "%s rows, no repeats: %.1f s, %s rows/s, peak RSS %d MB",
                count(repeatRows),
                plain.jobSeconds,
                rate(repeatRows / plain.jobSeconds),
                plain.peakRssKb / 1024);
        figures.put(
                "mergeAtScale",
                Map.of(
                        "rows",
                        repeatRows,
                        "images",
                        images,
                        "repeatedSeconds",
                        repeated.jobSeconds,
                        "repeatedPeakRssKb",
                        repeated.peakRssKb,
                        "exact",
                        wrong.isEmpty(),
                        "uniqueSeconds",
                        plain.jobSeconds,
                        "uniquePeakRssKb",
                        plain.peakRssKb));

        partitions(csv);

        Path out = results.resolve(
                "bench-" + (quick ? "quick-" : "") + Instant.now().toString().replace(':', '-') + ".json");
        figures.put("table", table);
        JSON.writeValue(out.toFile(), figures);
        line("written to %s", out);
        if (!wrong.isEmpty()) {
            System.exit(1);
        }
    }

    /**
     * 8. Partitions, against a sandbox with 100 ms of latency a call: the API work as one partition (the default on
     * one host) against four on this host's threads, at concurrency 8; then remote partitions, one worker
     * against two, each worker at concurrency 4, with a manager, PostgreSQL and RabbitMQ (skipped without them).
     */
    private void partitions(Path csv) throws Exception {
        Supplier<SandboxSettings> slow =
                () -> new SandboxSettings().latencyMillis(100).taskMillis(300, 1000);
        double one = median(
                () -> sendingRate(job(csv, false, 8, slow, store -> {}, List.of("--tagsync.partition.count=1"))));
        double four = median(() -> sendingRate(job(csv, false, 8, slow)));
        section(
                "8 partitions",
                "local, c=8: 1 partition (the default) %.0f requests/s, 4 partitions on threads %.0f requests/s (%.2f ×)",
                one,
                four,
                four / one);
        figures.put("localOnePartitionRequestsPerSecond", one);
        figures.put("localFourPartitionsRequestsPerSecond", four);
        RemoteBench remote = new RemoteBench(work, launcher(), RUN_JVM);
        String missing = remote.missingServers();
        if (missing != null) {
            section("", "remote: skipped, %s", missing);
            return;
        }
        double oneWorker = median(() -> remote.requestsPerSecond(csv, 1, 4));
        double twoWorkers = median(() -> remote.requestsPerSecond(csv, 2, 4));
        section(
                "",
                "remote, 8 partitions, each worker at c=4: 1 worker %.0f requests/s, 2 workers %.0f requests/s "
                        + "(%.2f ×%s)",
                oneWorker,
                twoWorkers,
                twoWorkers / oneWorker,
                quick ? "; too few requests to compare" : "; goal ≥ 1.8");
        figures.put("remoteOneWorkerRequestsPerSecond", oneWorker);
        figures.put("remoteTwoWorkersRequestsPerSecond", twoWorkers);
    }

    private interface Section {
        void run(Path csv) throws Exception;
    }

    /** {@code bench --partitions} or {@code --adaptive}: one section alone, on the 1M-row (--quick: 50,000) input. */
    /** Read-only staging rates (section 1), rows/s: what the end-to-end rates are compared with. */
    private double readCsv;

    private double readParquet;

    /**
     * 0. Raw parse and 1. read-only staging (a dry run's stage step) of the 1M-row CSV beside {@code csv} and of
     * Parquet files of as many rows.
     */
    private void staging(Path csv) throws Exception {

        long rows1m = quick ? 50_000 : 1_000_000;
        Path parquet = work.resolve("rows-1m.parquet");
        BenchInputs.writeCsv(csv, rows1m, 0);
        BenchInputs.writeParquet(parquet, rows1m, false);
        Path standardParquet = work.resolve("rows-1m-standard-lists.parquet");
        BenchInputs.writeParquet(standardParquet, rows1m, true);
        Path jsonLines = work.resolve("rows-1m.jsonl");
        BenchInputs.writeJsonLines(jsonLines, rows1m);
        figures.put("rows", rows1m);
        figures.put("csvBytes", Files.size(csv));

        // 0. raw parse: in this JVM once warm, and in a fresh JVM in one pass, as a run reads its input
        double rawCsv = median(() -> rows1m / seconds(() -> parseCsv(csv)));
        double rawParquet = median(() -> rows1m / seconds(() -> parseParquet(parquet)));
        double freshCsv = median(() -> rows1m / parseInFreshJvm(csv));
        double freshParquet = median(() -> rows1m / parseInFreshJvm(parquet));
        section(
                "0 raw parse",
                "CSV %s rows: %s rows/s warm, %s rows/s in a fresh JVM; Parquet: %s warm, %s fresh",
                count(rows1m),
                rate(rawCsv),
                rate(freshCsv),
                rate(rawParquet),
                rate(freshParquet));
        figures.put("rawCsvRowsPerSecond", rawCsv);
        figures.put("rawParquetRowsPerSecond", rawParquet);
        figures.put("rawCsvFreshJvmRowsPerSecond", freshCsv);
        figures.put("rawParquetFreshJvmRowsPerSecond", freshParquet);

        // 1. read-only: staging and serializing, nothing sent (a dry run); the stage step's own time
        readCsv = median(() -> rows1m / job(csv, true, 8, SandboxSettings::new).stageSeconds);
        readParquet = median(() -> rows1m / job(parquet, true, 8, SandboxSettings::new).stageSeconds);
        section(
                "1 read-only",
                "CSV %s rows/s (%.2f × raw warm, %.2f × raw fresh); Parquet %s rows/s (%.2f × warm, " + "%.2f × fresh)",
                rate(readCsv),
                readCsv / rawCsv,
                readCsv / freshCsv,
                rate(readParquet),
                readParquet / rawParquet,
                readParquet / freshParquet);
        double readStandard = median(() -> rows1m / job(standardParquet, true, 8, SandboxSettings::new).stageSeconds);
        section(
                "",
                "Parquet with three-level lists and struct metadata, as DuckDB, Spark and Arrow write it: "
                        + "%s rows/s (%.2f × the two-level file)",
                rate(readStandard),
                readStandard / readParquet);
        double readJsonLines = median(() -> rows1m / job(jsonLines, true, 8, SandboxSettings::new).stageSeconds);
        section("", "JSON Lines with metadata objects and tag lists: %s rows/s", rate(readJsonLines));
        figures.put("readOnlyJsonLinesRowsPerSecond", readJsonLines);
        figures.put("readOnlyCsvRowsPerSecond", readCsv);
        figures.put("readOnlyParquetRowsPerSecond", readParquet);
        figures.put("readOnlyStandardListsParquetRowsPerSecond", readStandard);
    }

    /**
     * 10. {@code --changed-only} on nightly snapshots (300 ms a call, tasks of 0.5 s, {@code auto}): a full send of
     * the first night's snapshot; a dry run of the second night's without the comparison (plain staging); then the
     * two nights with {@code --changed-only} against the same API URL and repository, with a dry run of the second
     * between them (staging with the comparison). The second night must send
     * exactly the images that changed or are new, which its sandbox (which starts empty and keeps what it is sent)
     * and its count of batch calls show.
     */
    private void sync(Path ignored) throws Exception {
        long images = quick ? 50_000 : 1_000_000;
        Path night1 = work.resolve("snapshot-night-1.csv");
        Path night2 = work.resolve("snapshot-night-2.csv");
        BenchInputs.writeSnapshot(night1, images, false);
        Set<String> differ = BenchInputs.writeSnapshot(night2, images, true);
        Supplier<SandboxSettings> api =
                () -> new SandboxSettings().latencyMillis(300).taskMillis(500, 500);
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        JobRun full = job(night1, false, RunParameters.AUTO, api, store -> {}, List.of(), 0, false);
        JobRun plain = job(night2, true, RunParameters.AUTO, api, store -> {}, List.of(), 0, false);
        JobRun first = job(night1, false, RunParameters.AUTO, api, store -> {}, List.of("--changed-only"), port, true);
        JobRun compared =
                job(night2, true, RunParameters.AUTO, api, store -> {}, List.of("--changed-only"), port, true);
        Map<String, ImageStore.Image> sent = new HashMap<>();
        JobRun second = job(
                night2,
                false,
                RunParameters.AUTO,
                api,
                store -> sent.putAll(store.snapshot()),
                List.of("--changed-only"),
                port,
                true);
        Files.deleteIfExists(work.resolve("data").resolve("tagsync.mv.db"));

        boolean exact = sent.keySet().equals(differ) && sent.values().stream().allMatch(image -> image.updates() == 1);
        long minimumBatches = (differ.size() + 999) / 1000;
        long batches = second.stats().acceptedBatches();
        long calls = second.stats().apiCalls();
        double stageRatio = plain.stageSeconds() / compared.stageSeconds();
        double perImage = (double) (first.repositoryBytes() - full.repositoryBytes()) / images;
        section(
                "10 changed only",
                "%s-image snapshot, then %s changed or new: the second night sent %s images (exactly those: %s) in %d "
                        + "batch calls (minimum %d) and %d calls in all (%.2f a batch)",
                count(images),
                String.valueOf(differ.size()),
                String.valueOf(sent.size()),
                exact,
                batches,
                minimumBatches,
                calls,
                (double) calls / Math.max(1, batches));
        line(
                "                  time: full send %.1f s, second night %.1f s (%.3f ×); first night with "
                        + "--changed-only %.1f s",
                full.jobSeconds(), second.jobSeconds(), second.jobSeconds() / full.jobSeconds(), first.jobSeconds());
        line(
                "                  staging (dry runs of the second night): with the comparison %s rows/s, plain %s rows/s "
                        + "(%.2f ×); peak RSS %d MB, plain %d MB; the second night's run %d MB",
                rate(images / compared.stageSeconds()),
                rate(images / plain.stageSeconds()),
                stageRatio,
                compared.peakRssKb() / 1024,
                plain.peakRssKb() / 1024,
                second.peakRssKb() / 1024);
        line(
                "                  repository: %.0f bytes a tracked image (%s images; the repository of the first "
                        + "night with --changed-only against the full send's)",
                perImage, count(images));
        figures.put("syncImages", images);
        figures.put("syncChanged", differ.size());
        figures.put("syncSent", sent.size());
        figures.put("syncExact", exact);
        figures.put("syncBatchCalls", batches);
        figures.put("syncMinimumBatchCalls", minimumBatches);
        figures.put("syncCalls", calls);
        figures.put("syncFullSendSeconds", full.jobSeconds());
        figures.put("syncSecondNightSeconds", second.jobSeconds());
        figures.put("syncFirstNightSeconds", first.jobSeconds());
        figures.put("syncStageRowsPerSecond", images / compared.stageSeconds());
        figures.put("plainStageRowsPerSecond", images / plain.stageSeconds());
        figures.put("syncPeakRssKb", compared.peakRssKb());
        figures.put("syncSecondNightPeakRssKb", second.peakRssKb());
        figures.put("plainPeakRssKb", plain.peakRssKb());
        figures.put("syncRepositoryBytesPerImage", perImage);
    }

    private void alone(String name, Section section) throws Exception {
        deleteTree(work);
        Files.createDirectories(work.resolve("spill"));
        Files.createDirectories(results);
        Path csv = work.resolve("rows-1m.csv");
        BenchInputs.writeCsv(csv, quick ? 50_000 : 1_000_000, 0);
        line("tagsync benchmark, %s only (%s), %s", name, quick ? "quick" : "full", Instant.now());
        section.run(csv);
        Path out =
                results.resolve("bench-" + name + "-" + Instant.now().toString().replace(':', '-') + ".json");
        figures.put("table", table);
        JSON.writeValue(out.toFile(), figures);
        line("written to %s", out);
    }

    /**
     * 9. Adaptive concurrency, against sandboxes of capacity 4, 16 and 48 calls at once (100 ms of latency a call
     * within it, growing as a queue's beyond it, {@code 429} beyond twice it; tasks of 0.3-1 s): the API work's
     * wall time (sending and polling) and the share of calls refused, at fixed concurrency 4 to 64 and at
     * {@code auto}, medians of 3 runs.
     */
    private void adaptive(Path csv) throws Exception {
        startup(csv);
        failuresAreFigures = true;
        int[] settings = this.settings != null
                ? this.settings
                : quick ? new int[] {8, 64, RunParameters.AUTO} : new int[] {4, 8, 16, 32, 64, RunParameters.AUTO};
        List<Map<String, Object>> all = new ArrayList<>();
        for (int capacity : capacities) {
            Supplier<SandboxSettings> sandbox = () -> new SandboxSettings()
                    .latencyMillis(100)
                    .taskMillis(300, 1000)
                    .capacity(capacity);
            // one run of each setting, then two more of those within 1.5 × the fastest: a setting that overruns
            // the server takes minutes a run, and is not near the best
            Map<Integer, List<JobRun>> runs = new LinkedHashMap<>();
            for (int concurrency : settings) {
                runs.computeIfAbsent(concurrency, key -> new ArrayList<>()).add(job(csv, false, concurrency, sandbox));
            }
            double fastest = runs.values().stream()
                    .filter(each -> each.get(0).exit == 0)
                    .mapToDouble(each -> apiSeconds(each.get(0)))
                    .min()
                    .orElseThrow();
            for (int concurrency : settings) {
                List<JobRun> each = runs.get(concurrency);
                if (concurrency == RunParameters.AUTO
                        || (each.get(0).exit == 0 && apiSeconds(each.get(0)) <= 1.5 * fastest)) {
                    for (int i = 1; i < repeats; i++) {
                        each.add(job(csv, false, concurrency, sandbox));
                    }
                }
            }
            Map<Integer, AdaptiveFigure> byConcurrency = new LinkedHashMap<>();
            runs.forEach((concurrency, each) -> {
                AdaptiveFigure figure = AdaptiveFigure.of(each);
                byConcurrency.put(concurrency, figure);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("capacity", capacity);
                json.put("concurrency", concurrency == RunParameters.AUTO ? "auto" : concurrency);
                json.put("seconds", figure.seconds());
                json.put("refusedShare", figure.refusedShare());
                json.put("runs", each.stream().map(Benchmark::apiSeconds).toList());
                json.put("settled", figure.settled());
                json.put("failedRuns", figure.failed());
                all.add(json);
            });
            AdaptiveFigure auto = byConcurrency.get(RunParameters.AUTO);
            AdaptiveFigure eight = byConcurrency.get(8);
            AdaptiveFigure best = byConcurrency.entrySet().stream()
                    .filter(entry -> entry.getKey() != RunParameters.AUTO)
                    .map(Map.Entry::getValue)
                    .filter(figure -> figure.failed() == 0)
                    .min(Comparator.comparingDouble(AdaptiveFigure::seconds))
                    .orElseThrow();
            StringBuilder fixed = new StringBuilder();
            byConcurrency.forEach((concurrency, figure) -> {
                if (concurrency != RunParameters.AUTO) {
                    fixed.append(String.format(
                            "%s%d: %.1f s %s",
                            fixed.isEmpty() ? "" : ", ", concurrency, figure.seconds(), figure.refused()));
                }
            });
            section("", "capacity %d, fixed %s", capacity, fixed);
            section(
                    "",
                    "capacity %d, auto: %.1f s %s, settled at %s (%.2f × the best fixed here; goal ≤ 1.15; %s)",
                    capacity,
                    auto.seconds(),
                    auto.refused(),
                    auto.settled(),
                    auto.seconds() / best.seconds(),
                    eight == null
                            ? "fixed 8 not run"
                            : String.format("%.2f × fixed 8, goal ≤ 1.05", auto.seconds() / eight.seconds()));
        }
        figures.put("adaptive", all);
        if (!capacitiesOnly) {
            latencyBound(csv);
        }
    }

    /**
     * 9, latency-bound servers, the common case for a batch API: 300 ms a call with no capacity limit, and 400 ms a
     * call at full speed up to 24 calls at once (a queue beyond, {@code 429} beyond 48); tasks of 0.5 s; 200 and
     * 1,000 requests (--quick: 200). Fixed 4 to 64 against {@code auto} on a first run (no history) and on a second
     * run against the same API (its repository and base URL kept from the first): the API work's wall time, medians
     * of 3; and the naive script's time at 200 requests, computed.
     */
    private void latencyBound(Path ignored) throws Exception {
        Path small = work.resolve("rows-200k.csv");
        BenchInputs.writeCsv(small, 200_000, 0);
        Path large = work.resolve("rows-1m-latency.csv");
        if (!quick) {
            BenchInputs.writeCsv(large, 1_000_000, 0);
        }
        failuresAreFigures = true;
        int[] fixedSettings = quick ? new int[] {16, 64} : new int[] {4, 8, 16, 24, 32, 64};
        List<Map<String, Object>> all = new ArrayList<>();
        record Server(String name, long latency, int capacity) {}
        for (Server server :
                List.of(new Server("300 ms, no limit", 300, 0), new Server("400 ms, capacity 24", 400, 24))) {
            Supplier<SandboxSettings> sandbox = () -> new SandboxSettings()
                    .latencyMillis(server.latency())
                    .taskMillis(500, 500)
                    .capacity(server.capacity());
            for (Path input : quick ? List.of(small) : List.of(small, large)) {
                Map<Integer, List<JobRun>> fixed = new LinkedHashMap<>();
                for (int concurrency : fixedSettings) {
                    fixed.computeIfAbsent(concurrency, key -> new ArrayList<>())
                            .add(job(input, false, concurrency, sandbox));
                }
                double fastest = fixed.values().stream()
                        .filter(each -> each.get(0).exit == 0)
                        .mapToDouble(each -> apiSeconds(each.get(0)))
                        .min()
                        .orElseThrow();
                for (Map.Entry<Integer, List<JobRun>> each : fixed.entrySet()) {
                    JobRun once = each.getValue().get(0);
                    if (once.exit == 0 && apiSeconds(once) <= 1.5 * fastest) {
                        for (int i = 1; i < repeats; i++) {
                            each.getValue().add(job(input, false, each.getKey(), sandbox));
                        }
                    }
                }
                List<JobRun> firsts = new ArrayList<>();
                List<JobRun> seconds = new ArrayList<>();
                for (int i = 0; i < repeats; i++) {
                    int port;
                    try (ServerSocket free = new ServerSocket(0)) {
                        port = free.getLocalPort();
                    }
                    firsts.add(job(input, false, RunParameters.AUTO, sandbox, store -> {}, List.of(), port, true));
                    seconds.add(job(input, false, RunParameters.AUTO, sandbox, store -> {}, List.of(), port, false));
                }
                long requests = firsts.get(0).stats.acceptedBatches();
                AdaptiveFigure best = fixed.values().stream()
                        .map(AdaptiveFigure::of)
                        .filter(figure -> figure.failed() == 0)
                        .min(Comparator.comparingDouble(AdaptiveFigure::seconds))
                        .orElseThrow();
                int bestSetting = fixed.entrySet().stream()
                        .filter(entry -> AdaptiveFigure.of(entry.getValue()).seconds() == best.seconds())
                        .mapToInt(Map.Entry::getKey)
                        .findFirst()
                        .orElseThrow();
                StringBuilder line = new StringBuilder();
                fixed.forEach((concurrency, each) -> {
                    AdaptiveFigure figure = AdaptiveFigure.of(each);
                    line.append(String.format(
                            "%s%d: %.1f s %s",
                            line.isEmpty() ? "" : ", ", concurrency, figure.seconds(), figure.refused()));
                    all.add(latencyFigure(server.name(), requests, String.valueOf(concurrency), figure, each));
                });
                AdaptiveFigure first = AdaptiveFigure.of(firsts);
                AdaptiveFigure second = AdaptiveFigure.of(seconds);
                all.add(latencyFigure(server.name(), requests, "auto, first run", first, firsts));
                all.add(latencyFigure(server.name(), requests, "auto, second run", second, seconds));
                section("", "%s, %d requests, fixed %s", server.name(), requests, line);
                section(
                        "",
                        "%s, %d requests, auto: first run %.1f s (%.2f × the best fixed, %d; goal ≤ 1.25) %s settled at %s;"
                                + " second run %.1f s (%.2f ×; goal ≤ 1.10) %s settled at %s",
                        server.name(),
                        requests,
                        first.seconds(),
                        first.seconds() / best.seconds(),
                        bestSetting,
                        first.refused(),
                        first.settled(),
                        second.seconds(),
                        second.seconds() / best.seconds(),
                        second.refused(),
                        second.settled());
                if (server.capacity() == 0 && input == small) {
                    // the naive script: each batch sent in turn, then each task polled once a second in turn, so
                    // every request costs a call, and every task at least one poll after the last send
                    double naive = requests * server.latency() / 1000.0 + requests * server.latency() / 1000.0;
                    section(
                            "",
                            "%s, %d requests: the naive sequential script takes at least %.0f s; auto's first run "
                                    + "%.1f s is %.0f × faster (goal ≥ 10)",
                            server.name(),
                            requests,
                            naive,
                            first.seconds(),
                            naive / first.seconds());
                }
            }
        }
        figures.put("latencyBound", all);
    }

    private static Map<String, Object> latencyFigure(
            String server, long requests, String setting, AdaptiveFigure figure, List<JobRun> runs) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("server", server);
        json.put("requests", requests);
        json.put("concurrency", setting);
        json.put("seconds", figure.seconds());
        json.put("refusedShare", figure.refusedShare());
        json.put("runs", runs.stream().map(Benchmark::apiSeconds).toList());
        json.put("settled", figure.settled());
        json.put("failedRuns", figure.failed());
        return json;
    }

    /**
     * Launch to first request for a 1,000-row input against a sandbox with 100 ms of latency and no capacity
     * limit, at {@code auto} and at today's fixed 8: medians of 3 (5 with --quick too, it is short).
     */
    private void startup(Path ignored) throws Exception {
        Path small = work.resolve("rows-1k.csv");
        BenchInputs.writeCsv(small, 1_000, 0);
        Supplier<SandboxSettings> sandbox =
                () -> new SandboxSettings().latencyMillis(100).taskMillis(300, 1000);
        double[] auto = new double[Math.max(3, repeats)];
        double[] eight = new double[auto.length];
        for (int i = 0; i < auto.length; i++) {
            eight[i] = job(small, false, 8, sandbox).startupSeconds;
            auto[i] = job(small, false, RunParameters.AUTO, sandbox).startupSeconds;
        }
        Arrays.sort(auto);
        Arrays.sort(eight);
        section(
                "9 adaptive",
                "launch to first request, 1,000 rows, 100 ms latency: auto %.2f s, fixed 8 %.2f s (medians of %d)",
                auto[auto.length / 2],
                eight[eight.length / 2],
                auto.length);
        figures.put("startupAutoSeconds", auto[auto.length / 2]);
        figures.put("startupFixed8Seconds", eight[eight.length / 2]);
    }

    /** The median run's API work wall time, the median share of calls refused with 429, and of how many runs. */
    private record AdaptiveFigure(double seconds, double refusedShare, String settled, int runs, int failed) {

        static AdaptiveFigure of(List<JobRun> runs) {
            double[] seconds =
                    runs.stream().mapToDouble(Benchmark::apiSeconds).sorted().toArray();
            double[] refused = runs.stream()
                    .mapToDouble(run -> run.stats.overCapacity() / (double) Math.max(1, run.stats.apiCalls()))
                    .sorted()
                    .toArray();
            String settled = runs.stream().map(run -> run.settled).toList().toString();
            return new AdaptiveFigure(
                    seconds[seconds.length / 2], refused[refused.length / 2], settled, runs.size(), (int)
                            runs.stream().filter(run -> run.exit != 0).count());
        }

        String refused() {
            return String.format(
                    "(429 on %.1f%%%s%s)",
                    refusedShare * 100,
                    runs == 1 ? ", 1 run" : "",
                    failed > 0 ? ", FAILED (exit 1) after that time: a call refused beyond the retries" : "");
        }
    }

    /** The API work's wall time: the job's less its stage step. */
    private static double apiSeconds(JobRun run) {
        return run.jobSeconds - run.stageSeconds;
    }

    private static double sendingRate(JobRun run) {
        return run.stats.acceptedBatches() / (run.jobSeconds - run.stageSeconds);
    }

    /** Requests × 100 ms of latency / concurrency + the last task's duration: the issue's ideal. */
    private static double idealSeconds(JobRun run, int concurrency) {
        return run.stats.acceptedBatches() * 0.1 / concurrency + run.stats.lastTaskMillis() / 1000.0;
    }

    private static double latencyRatio(JobRun run, int concurrency) {
        return (run.jobSeconds - run.stageSeconds) / idealSeconds(run, concurrency);
    }

    private record JobRun(
            double jobSeconds,
            double stageSeconds,
            double startupSeconds,
            long peakRssKb,
            long keptBytes,
            long repositoryBytes,
            long repositoryPeakBytes,
            SandboxServer.Stats stats,
            ThreadCpu cpu,
            String settled,
            int exit) {}

    private JobRun job(Path input, boolean dryRun, int concurrency, Supplier<SandboxSettings> settings)
            throws Exception {
        return job(input, dryRun, concurrency, settings, store -> {}, List.of());
    }

    private JobRun job(
            Path input, boolean dryRun, int concurrency, Supplier<SandboxSettings> settings, Consumer<ImageStore> keep)
            throws Exception {
        return job(input, dryRun, concurrency, settings, keep, List.of());
    }

    private JobRun job(
            Path input,
            boolean dryRun,
            int concurrency,
            Supplier<SandboxSettings> settings,
            Consumer<ImageStore> keep,
            List<String> extra)
            throws Exception {
        return job(input, dryRun, concurrency, settings, keep, extra, 0, false);
    }

    /**
     * One run in a child JVM against a fresh sandbox on {@code port} (0: any), with {@code extra} arguments;
     * {@code keep} receives the sandbox's store afterwards. The run's repository is deleted after it unless
     * {@code keepRepository}: then the next run finds its history (its concurrency samples).
     */
    private JobRun job(
            Path input,
            boolean dryRun,
            int concurrency,
            Supplier<SandboxSettings> settings,
            Consumer<ImageStore> keep,
            List<String> extra,
            int port,
            boolean keepRepository)
            throws Exception {
        // The sandbox of the run before kept every image it was sent: collect them now, so that collecting them
        // does not take this run's cores.
        System.gc();
        String key = UUID.randomUUID().toString();
        ImageStore store = new ImageStore();
        SandboxSettings sandboxSettings =
                settings.get().workspace("bench").apiKey(key).openStore(true);
        try (SandboxServer sandbox = SandboxServer.start(sandboxSettings, store, port)) {
            String runKey = "bench-" + (++runCounter);
            Path log = work.resolve(runKey + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dsun.net.httpserver.nodelay=true"));
            command.addAll(RUN_JVM);
            command.addAll(launcher());
            command.addAll(List.of(
                    "run",
                    "--input=" + input,
                    "--workspace=bench",
                    "--run-key=" + runKey,
                    "--api-url=" + sandbox.url(),
                    "--concurrency=" + (concurrency == RunParameters.AUTO ? "auto" : String.valueOf(concurrency)),
                    "--report-dir=" + work.resolve("reports").resolve(runKey),
                    "--tagsync.staging.spill-dir=" + work.resolve("spill")));
            if (dryRun) {
                command.add("--dry-run");
            }
            command.addAll(extra);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .directory(work.toFile());
            builder.environment().put("ROBOFLOW_API_KEY", key);
            long launched = System.nanoTime();
            Process process = builder.start();
            long peak = 0;
            Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
            // the run's default repository, under its working folder; deleted after each run
            Path repository = work.resolve("data").resolve("tagsync.mv.db");
            long repositoryPeak = 0;
            ThreadCpu cpu = new ThreadCpu(process.pid());
            for (int polls = 0; process.isAlive(); polls++) {
                peak = Math.max(peak, highWaterMarkKb(status));
                repositoryPeak = Math.max(repositoryPeak, sizeOrZero(repository));
                if (polls % 10 == 0) {
                    cpu.sample();
                }
                Thread.sleep(20);
            }
            int exit = process.waitFor();
            if (exit != 0 && !failuresAreFigures) {
                throw new IllegalStateException("the benchmark's run " + runKey + " exited " + exit + "; see " + log);
            }
            RepositoryFigures figures =
                    RepositoryFigures.read(work.resolve("data").resolve("tagsync"), log);
            SandboxServer.Stats stats = sandbox.stats();
            keep.accept(store);
            double startup = stats.firstCallNanos() == 0 ? 0 : (stats.firstCallNanos() - launched) / 1e9;
            long repositoryBytes = Files.size(repository);
            if (!keepRepository) {
                Files.delete(repository);
            }
            return new JobRun(
                    figures.jobSeconds(),
                    figures.stageSeconds(),
                    startup,
                    peak,
                    figures.keptBytes(),
                    repositoryBytes,
                    Math.max(repositoryPeak, repositoryBytes),
                    stats,
                    cpu,
                    settled(work.resolve("reports").resolve(runKey)),
                    exit);
        }
    }

    /** Where an adaptive run's summary says its limit settled, and between what it moved; or "-". */
    private static String settled(Path reportDir) throws IOException {
        Path summary = reportDir.resolve("summary.txt");
        if (!Files.exists(summary)) {
            return "-";
        }
        Matcher line = Pattern.compile("settled at (\\d+) calls at once \\(moved between (\\d+) and (\\d+)\\)")
                .matcher(Files.readString(summary));
        return line.find() ? line.group(1) + " (" + line.group(2) + "-" + line.group(3) + ")" : "-";
    }

    /**
     * A run's figures as its job repository holds them, read once the run has ended: the job's and the stage
     * step's time from Spring Batch's tables, and the bytes of requests tagsync's tables keep.
     */
    private record RepositoryFigures(double jobSeconds, double stageSeconds, long keptBytes) {

        static RepositoryFigures read(Path database, Path log) throws SQLException {
            try (Connection db =
                            DriverManager.getConnection("jdbc:h2:file:" + database + ";ACCESS_MODE_DATA=r", "sa", "");
                    Statement sql = db.createStatement()) {
                double job = seconds(
                        sql,
                        "SELECT START_TIME, END_TIME FROM BATCH_JOB_EXECUTION "
                                + "ORDER BY JOB_EXECUTION_ID DESC FETCH FIRST 1 ROWS ONLY");
                double stage = seconds(
                        sql,
                        "SELECT START_TIME, END_TIME FROM BATCH_STEP_EXECUTION "
                                + "WHERE STEP_NAME = '" + Steps.STAGE + "' ORDER BY STEP_EXECUTION_ID DESC "
                                + "FETCH FIRST 1 ROWS ONLY");
                long kept;
                try (ResultSet rows = sql.executeQuery("SELECT COALESCE(SUM(OCTET_LENGTH(payload) "
                        + "+ OCTET_LENGTH(image_rows)), 0) FROM request_body")) {
                    rows.next();
                    kept = rows.getLong(1);
                }
                if (job < 0 || stage < 0) {
                    throw new IllegalStateException("no ended run in " + database + "; see " + log);
                }
                return new RepositoryFigures(job, stage, kept);
            }
        }

        private static double seconds(Statement sql, String query) throws SQLException {
            try (ResultSet rows = sql.executeQuery(query)) {
                if (!rows.next() || rows.getTimestamp(1) == null || rows.getTimestamp(2) == null) {
                    return -1;
                }
                return Duration.between(
                                        rows.getTimestamp(1).toInstant(),
                                        rows.getTimestamp(2).toInstant())
                                .toNanos()
                        / 1e9;
            }
        }
    }

    /**
     * A child process's CPU time per thread, read from {@code /proc} every 200 ms while it runs (a thread that
     * starts and ends between two looks is missed): how much of it the JIT compiler's threads took.
     */
    private static final class ThreadCpu {
        private final Path tasks;
        private final Map<String, Long> byThread = new HashMap<>();

        ThreadCpu(long pid) {
            this.tasks = Path.of("/proc", String.valueOf(pid), "task");
        }

        void sample() {
            try (var threads = Files.list(tasks)) {
                threads.forEach(thread -> {
                    try {
                        String stat = Files.readString(thread.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] fields =
                                stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        byThread.put(thread.getFileName() + " " + name, ticks);
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended between two looks
                    }
                });
            } catch (IOException | RuntimeException gone) {
                // the process ended
            }
        }

        /** CPU seconds of all threads, and of the compiler threads alone (clock ticks of 10 ms). */
        double totalSeconds() {
            return byThread.values().stream().mapToLong(Long::longValue).sum() / 100.0;
        }

        double compilerSeconds() {
            return byThread.entrySet().stream()
                            .filter(entry -> entry.getKey().contains("CompilerThre"))
                            .mapToLong(Map.Entry::getValue)
                            .sum()
                    / 100.0;
        }
    }

    /**
     * How to start tagsync: as a user does, with {@code java -jar} on the run jar run.sh names, its class-data
     * archive included; else (from an IDE or the tests) on this JVM's class path.
     */
    static List<String> launcher() {
        List<String> command = new ArrayList<>();
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("-XX:SharedArchiveFile=") || argument.startsWith("-Xlog:cds")) {
                command.add(argument);
            }
        }
        String classPath = System.getProperty("java.class.path");
        String runJar = System.getProperty("tagsync.bench.run-jar");
        if (runJar != null) {
            command.addAll(List.of("-jar", runJar));
        } else {
            command.addAll(List.of("-cp", classPath, "io.tagsync.TagsyncApplication"));
        }
        return command;
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    private static long highWaterMarkKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended between two looks
        }
        return 0;
    }

    /** Seconds a fresh JVM, sized like a run's, takes to parse the file once (start-up not counted). */
    private double parseInFreshJvm(Path file) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(RUN_JVM);
        // the benchmark's own parser, in the tools, started as this JVM was (class path, class-data archive)
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("-XX:SharedArchiveFile=") || argument.startsWith("-Xlog:cds")) {
                command.add(argument);
            }
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "io.tagsync.tools.Tools",
                "bench",
                "--parse-once=" + file));
        Path errors = work.resolve("parse-once.err");
        Process process =
                new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !output.strip().matches("[\\d.]+")) {
            throw new IllegalStateException(
                    "the parse of " + file + " in a fresh JVM failed: " + output + "; see " + errors);
        }
        return Double.parseDouble(output.strip());
    }

    private static void parseOnce(Path file) throws Exception {
        boolean parquet = file.getFileName().toString().endsWith(".parquet");
        System.out.println(seconds(() -> {
            if (parquet) {
                parseParquet(file);
            } else {
                parseCsv(file);
            }
        }));
    }

    private static void parseCsv(Path file) throws IOException {
        long chars = 0;
        try (Reader reader = InputFiles.openText(file);
                CSVParser parser = CSVFormat.RFC4180
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get()
                        .parse(reader)) {
            for (CSVRecord record : parser) {
                for (int i = 0; i < record.size(); i++) {
                    chars += record.get(i).length();
                }
            }
        }
        if (chars < 0) {
            throw new IllegalStateException();
        }
    }

    private static void parseParquet(Path file) throws IOException {
        long seen = 0;
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
                        new LocalInputFile(file), new PlainParquetConfiguration())
                .withDataModel(GenericData.get())
                .withCodecFactory(new ParquetCodecs())
                .build()) {
            for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
                seen += record.get(0).toString().length();
            }
        }
        if (seen < 0) {
            throw new IllegalStateException();
        }
    }

    @FunctionalInterface
    private interface Timed {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface Measure {
        double get() throws Exception;
    }

    private static double seconds(Timed timed) throws Exception {
        long started = System.nanoTime();
        timed.run();
        return (System.nanoTime() - started) / 1e9;
    }

    private double median(Measure measure) throws Exception {
        double[] values = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            values[i] = measure.get();
        }
        Arrays.sort(values);
        return values[repeats / 2];
    }

    private void section(String name, String format, Object... args) {
        line("%-17s %s", name, String.format(format, args));
    }

    private void line(String format, Object... args) {
        String text = String.format(format, args);
        table.add(text);
        System.out.println(text);
    }

    private static String rate(double perSecond) {
        return perSecond >= 1e6 ? String.format("%.2f M", perSecond / 1e6) : String.format("%.0f k", perSecond / 1e3);
    }

    private static String count(long rows) {
        return rows >= 1_000_000
                ? (rows % 1_000_000 == 0 ? rows / 1_000_000 + "M" : String.format("%.2fM", rows / 1e6))
                : rows / 1000 + "k";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
