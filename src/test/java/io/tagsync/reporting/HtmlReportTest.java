package io.tagsync.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.run.ChangeCounts;
import io.tagsync.run.ConcurrencyPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    @Test
    void tenthsAreWrittenAsPercentPointOneFWouldWriteThem() {
        double[] values = {0, 0.04, 0.05, 0.95, 1, 9.96, 50, 123.449, 123.45, 669.99, 670, 1234567.25};
        for (double value : values) {
            assertThat(HtmlReport.appendTenths(new StringBuilder(), value).toString())
                    .as("%s", value)
                    .isEqualTo(String.format(Locale.ROOT, "%.1f", value));
        }
        assertThat(HtmlReport.appendTenths(new StringBuilder(), -2.25).toString())
                .isEqualTo("-2.3");
    }

    @Test
    void eachLineOfTheChartRisesInStepsFromZeroToItsCount() {
        Instant start = Instant.parse("2026-11-29T02:00:00Z");
        List<HtmlReport.Timing> timings = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Instant submitted = start.plusMillis(7L * i);
            timings.add(new HtmlReport.Timing(submitted, i % 10 == 9 ? null : submitted.plusMillis(300 + i % 500)));
        }
        RunSummary summary = summary(1000, new RunSummary.Concurrency("fixed", 8, 8, 8));

        String html = HtmlReport.render(summary, timings, Map.of(), Map.of(), List.of(), 0);

        Matcher lines = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(html);
        List<String> counts = new ArrayList<>();
        while (lines.find()) {
            String[] points = lines.group(1).split(" ");
            assertThat(points[0]).isEqualTo("50,210");
            double lastX = 50;
            double lastY = 210;
            for (int i = 1; i < points.length; i += 2) {
                double[] along = xy(points[i]);
                double[] up = xy(points[i + 1]);
                assertThat(along[1])
                        .as("a step starts at the height the last one reached")
                        .isEqualTo(lastY);
                assertThat(up[0]).isEqualTo(along[0]);
                assertThat(along[0]).isGreaterThanOrEqualTo(lastX).isLessThanOrEqualTo(710);
                assertThat(up[1]).isLessThanOrEqualTo(lastY);
                lastX = up[0];
                lastY = up[1];
            }
            counts.add(lastX + "," + lastY);
        }
        // 1000 acknowledged requests reach the top; 900 finished tasks reach 9/10 of the plot's 200 px
        assertThat(counts).containsExactly("642.9,10.0", "710.0,30.0");
        assertThat(html).contains("requests submitted (1000)").contains("tasks completed (900)");
    }

    @Test
    void anAdaptiveLimitIsDrawnInStepsOnItsOwnScale() {
        Instant start = Instant.parse("2026-11-29T02:00:00Z");
        List<HtmlReport.Timing> timings = List.of(
                new HtmlReport.Timing(start, start.plusSeconds(5)),
                new HtmlReport.Timing(start.plusSeconds(1), start.plusSeconds(10)));
        List<ConcurrencyPoint> limit = List.of(
                new ConcurrencyPoint(start.minusMillis(300), 4),
                new ConcurrencyPoint(start.plusSeconds(5), 16),
                new ConcurrencyPoint(start.plusSeconds(10), 8));
        RunSummary summary = summary(2, new RunSummary.Concurrency("auto", 8, 4, 16));

        String html = HtmlReport.render(summary, timings, Map.of("host:1", limit), Map.of(), List.of(), 0);

        Matcher orange = Pattern.compile("<polyline [^>]*stroke=\"#ea580c\"[^>]*points=\"([^\"]*)\"")
                .matcher(html);
        assertThat(orange.find()).isTrue();
        // 10 s across 660 px from x=50; 16 calls at the top (y=10), 4 at 1/4 of 200 px above y=210
        assertThat(orange.group(1)).isEqualTo("50.0,160.0 380.0,160.0 380.0,10.0 710.0,10.0 710.0,110.0 710,110.0");
        assertThat(html).contains("calls at once (auto)").contains(">16</text>");
    }

    private static RunSummary summary(long rows, RunSummary.Concurrency concurrency) {
        return new RunSummary(
                7,
                8,
                "in.csv",
                "ws",
                "2026-11-29",
                new RunSummary.Rows(rows, rows, 0),
                new RunSummary.Images(rows, rows * 9 / 10, 0),
                new RunSummary.Requests(rows, Map.of()),
                new ChangeCounts(0, 0, 0, 0),
                null,
                concurrency,
                false,
                Map.of(),
                "reports",
                0);
    }

    private static double[] xy(String point) {
        String[] parts = point.split(",");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }
}
