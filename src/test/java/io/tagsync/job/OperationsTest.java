package io.tagsync.job;

import static io.tagsync.Fixtures.BASIC_IMAGES;
import static io.tagsync.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tagsync.cli.StatusCommand;
import io.tagsync.run.ExitCodes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** What operators see: status listings, report.html, metrics pushed at the end of a run. */
@TestPropertySource(properties = "tagsync.metrics.pushgateway-url=http://127.0.0.1:${tagsync.test.pushgateway-port}")
class OperationsTest extends JobTestSupport {

    private static final ConcurrentLinkedQueue<String> PUSHED = new ConcurrentLinkedQueue<>();
    private static final HttpServer PUSHGATEWAY = pushgateway();

    @Autowired
    private StatusCommand status;

    private static HttpServer pushgateway() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.createContext("/", exchange -> {
                PUSHED.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                        + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            System.setProperty(
                    "tagsync.test.pushgateway-port",
                    String.valueOf(server.getAddress().getPort()));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void statusListsFinishedFailedAndRunningRunsAndShowsOne() throws Exception {
        store.seed(BASIC_IMAGES);
        assertThat(run(fixture("basic.csv"), "st-finished")).isEqualTo(ExitCodes.PARTIAL);
        sandbox.settings().outage(true);
        assertThat(run(fixture("basic.csv"), "st-failed")).isEqualTo(ExitCodes.FAILED);
        sandbox.settings().outage(false);
        long failed = instanceOf(fixture("basic.csv"), "st-failed");
        // a run whose process is working on it now: its last execution is STARTED
        jdbc.update(
                "UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STARTED', EXIT_CODE = 'UNKNOWN', END_TIME = NULL "
                        + "WHERE JOB_EXECUTION_ID = (SELECT MAX(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ?)",
                failed);

        String listing = capture(out -> status.printRuns(out, 20, WORKSPACE, false));
        assertThat(listing.lines()
                        .filter(line -> line.contains("st-finished"))
                        .findFirst()
                        .orElseThrow())
                .contains("COMPLETED_WITH_FAILURES")
                .contains("basic.csv");
        assertThat(listing.lines()
                        .filter(line -> line.contains("st-failed"))
                        .findFirst()
                        .orElseThrow())
                .contains("STARTED");
        String json = capture(out -> status.printRuns(out, 20, WORKSPACE, true));
        assertThat(json).contains("\"runKey\" : \"st-finished\"").contains("\"status\" : \"STARTED\"");
        String unfinished = capture(out -> status.printUnfinished(out, WORKSPACE));
        assertThat(unfinished).contains(fixture("basic.csv") + "\tst-failed").doesNotContain("st-finished");

        String one = capture(out -> status.printRun(out, failed, false));
        assertThat(one)
                .contains("Run " + failed + ": STARTED")
                .contains("1 pending")
                .contains("requests not completed");
        String finishedText =
                capture(out -> status.printRun(out, instanceOf(fixture("basic.csv"), "st-finished"), false));
        assertThat(finishedText).containsPattern("submitPartition:part0 +COMPLETED +0");
        String finishedDetail =
                capture(out -> status.printRun(out, instanceOf(fixture("basic.csv"), "st-finished"), true));
        assertThat(finishedDetail)
                .contains("\"COMPLETED\" : 1")
                .contains("\"partition\" : \"submitPartition:part0\"")
                .contains("\"partition\" : \"awaitPartition:part0\"")
                .contains("\"reportDir\" : \"" + reportDir("st-finished"));
    }

    @Test
    void reportHtmlIsSelfContainedWithTheChartRejectReasonsAndFailedImages() throws IOException {
        store.seed(BASIC_IMAGES);
        assertThat(run(fixture("basic.csv"), "html")).isEqualTo(ExitCodes.PARTIAL);

        String html = Files.readString(reportDir("html").resolve("report.html"));
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<svg")
                .contains("<polyline")
                .contains("requests submitted (1)")
                .contains("tasks completed (1)")
                .contains("is not a number")
                .contains("img-missing")
                .contains("Image not found");
        assertThat(html)
                .doesNotContain("src=")
                .doesNotContain("href=")
                .doesNotContain("<script")
                .doesNotContain("url(");
    }

    @Test
    void metricsArePushedAtTheEndOfARunAndPrintedInTheSummary() throws IOException {
        store.seed(BASIC_IMAGES);
        PUSHED.clear();

        assertThat(run(fixture("basic.csv"), "metrics")).isEqualTo(ExitCodes.PARTIAL);

        assertThat(PUSHED)
                .singleElement()
                .asString()
                .startsWith("PUT /metrics/job/tagsync/workspace/" + WORKSPACE + "/run_key/metrics")
                .contains("tagsync_rows_staged_total")
                .contains("tagsync_requests_sent_total")
                .contains("tagsync_tasks_completed_total")
                .contains("spring_batch_step_seconds{step=\"submit\"}")
                .contains("tagsync_exit_code 4")
                .doesNotContain(SECRET);
        assertThat(Files.readString(reportDir("metrics").resolve("summary.txt")))
                .contains("metrics")
                .contains("rows staged");
    }

    /** The documented check, scripts/check-report-html.sh: the page rendered by headless Chromium shows both lines. */
    @Test
    void reportHtmlRendersInHeadlessChromiumWithBothLinesOfTheChart() throws Exception {
        boolean chromium = Files.isExecutable(Path.of("/usr/bin/chromium"));
        if (!chromium && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.abort("Chromium is not installed (apt-get install chromium): report.html is not rendered");
        }
        assertThat(chromium).as("/usr/bin/chromium (CI installs it)").isTrue();
        store.seed(BASIC_IMAGES);
        assertThat(run(fixture("basic.csv"), "png")).isEqualTo(ExitCodes.PARTIAL);

        Process check = new ProcessBuilder(
                        "bash", "scripts/check-report-html.sh", reportDir("png").toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(said).isZero();

        BufferedImage shot = ImageIO.read(reportDir("png").resolve("report.png").toFile());
        assertThat(pixelsNear(shot, 0x2563eb))
                .as("pixels of the requests-submitted line")
                .isGreaterThan(100);
        assertThat(pixelsNear(shot, 0x16a34a))
                .as("pixels of the tasks-completed line")
                .isGreaterThan(100);
    }

    private static int pixelsNear(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int pixel = image.getRGB(x, y);
                int distance = Math.abs(((pixel >> 16) & 0xff) - ((rgb >> 16) & 0xff))
                        + Math.abs(((pixel >> 8) & 0xff) - ((rgb >> 8) & 0xff))
                        + Math.abs((pixel & 0xff) - (rgb & 0xff));
                if (distance < 40) {
                    count++;
                }
            }
        }
        return count;
    }

    private static String capture(ThrowingPrinter printer) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            printer.print(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface ThrowingPrinter {
        void print(PrintStream out) throws Exception;
    }
}
