package io.tagsync.reporting;

import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.run.OwnerOnly;
import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.FailedItem;
import io.tagsync.store.RequestStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.stereotype.Component;

/** Where a run's reports go, and the CSV reports written from the repository. Thread-safe. */
@Component
public class RunReports {

    private final RequestStore store;
    private final TagsyncProperties properties;

    public RunReports(RequestStore store, TagsyncProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    /**
     * {@code --report-dir}, or a folder per run under {@code tagsync.report-dir}; created if missing, and its
     * owner's alone: reports hold rows of the input.
     */
    public Path directory(RunParameters run, long instanceId) throws IOException {
        Path dir = run.reportDir();
        if (dir == null) {
            String name = (run.runKey() + "-" + run.workspace() + "-" + instanceId).replaceAll("[^A-Za-z0-9._-]", "_");
            dir = properties.reportDir().resolve(name);
        }
        return OwnerOnly.folder(dir);
    }

    public Path writeRejects(Path dir, long instanceId) throws IOException {
        return writeRejects(dir, instanceId, new HashMap<>());
    }

    /** Writes rejects.csv, counting the rows of each kind of reason (values in quotes left out). */
    Path writeRejects(Path dir, long instanceId, Map<String, Long> reasons) throws IOException {
        Path file = dir.resolve("rejects.csv");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(
                        writer,
                        CSVFormat.RFC4180
                                .builder()
                                .setHeader("row", "line", "imageId", "reason", "file")
                                .get())) {
            store.forEachReject(instanceId, row -> {
                print(csv, row.row(), row.line(), row.imageId(), row.reason(), row.source());
                reasons.merge(row.reason().replaceAll("'[^']*'", "'…'"), 1L, Long::sum);
            });
        }
        return file;
    }

    /** Writes report.html (see {@link HtmlReport}). */
    Path writeHtml(
            Path dir, RunSummary summary, Map<String, Long> reasons, Map<String, List<ConcurrencyPoint>> concurrency)
            throws IOException {
        List<HtmlReport.Timing> timings = new ArrayList<>();
        store.forEachTiming(
                summary.jobInstanceId(),
                (submitted, finished) -> timings.add(new HtmlReport.Timing(submitted, finished)));
        List<FailedItem> failed = new ArrayList<>();
        store.forEachFailedItem(summary.jobInstanceId(), item -> {
            if (failed.size() < 200) {
                failed.add(item);
            }
        });
        Map<String, Long> top = new LinkedHashMap<>();
        reasons.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(10)
                .forEach(entry -> top.put(entry.getKey(), entry.getValue()));
        Path file = dir.resolve("report.html");
        Files.writeString(
                file,
                HtmlReport.render(
                        summary,
                        timings,
                        concurrency,
                        top,
                        failed,
                        summary.images().failed()),
                StandardCharsets.UTF_8);
        return file;
    }

    /**
     * A cell that a spreadsheet would run as a formula — text starting with {@code =}, {@code +}, {@code -},
     * {@code @}, a tab or a carriage return — with a {@code '} before it, as OWASP advises against CSV injection: a
     * spreadsheet shows the text and runs nothing. Roboflow's image IDs are letters and digits, so a real ID is
     * written as it is and a report fed back into another tool names the same images.
     */
    static Object spreadsheetSafe(Object value) {
        if (value instanceof String text && !text.isEmpty()) {
            char first = text.charAt(0);
            if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
                return "'" + text;
            }
        }
        return value;
    }

    public Path writeFailedItems(Path dir, long instanceId) throws IOException {
        Path file = dir.resolve("failed-items.csv");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(
                        writer,
                        CSVFormat.RFC4180
                                .builder()
                                .setHeader("imageId", "taskId", "error", "rows")
                                .get())) {
            store.forEachFailedItem(
                    instanceId, item -> print(csv, item.imageId(), item.taskId(), item.error(), item.inputRows()));
        }
        return file;
    }

    private static void print(CSVPrinter csv, Object... values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = spreadsheetSafe(values[i]);
        }
        try {
            csv.printRecord(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
