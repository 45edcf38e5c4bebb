package io.tagsync.reporting;

import io.tagsync.run.ConcurrencyPoint;
import io.tagsync.store.FailedItem;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched) with the
 * run's counts, a chart of requests submitted and tasks completed over time, the top reject reasons and the
 * failed images.
 */
final class HtmlReport {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 240;

    private HtmlReport() {}

    /** When one request was acknowledged and when its task ended (null while open). */
    record Timing(Instant submitted, Instant finished) {}

    static String render(
            RunSummary summary,
            List<Timing> timings,
            Map<String, List<ConcurrencyPoint>> concurrency,
            Map<String, Long> rejectReasons,
            List<FailedItem> failed,
            long failedTotal) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>tagsync run ")
                .append(summary.jobInstanceId())
                .append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}")
                .append(
                        "table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;")
                .append(
                        "text-align:left}td.n{text-align:right}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}")
                .append(".ok{color:#17693a}.bad{color:#a3231f}svg text{font-size:11px;fill:#444}")
                .append("</style></head><body>");
        html.append("<h1>tagsync ")
                .append(summary.dryRun() ? "dry run " : "run ")
                .append(summary.jobInstanceId())
                .append(" — workspace ")
                .append(escape(summary.workspace()))
                .append(", run key ")
                .append(escape(summary.runKey()))
                .append("</h1>");
        html.append("<p class=\"")
                .append(summary.allApplied() ? "ok\">Every row applied." : "bad\">Not every row applied.")
                .append("</p><p>Input: <code>")
                .append(escape(summary.input()))
                .append("</code></p>");
        if (summary.sync() != null) {
            html.append("<p>Sync, ")
                    .append(escape(ReportTasklet.syncLine(summary.sync(), summary.dryRun())))
                    .append(".</p>");
        }
        html.append("<table><tr><th>rows read</th><th>valid</th><th>rejected</th><th>images</th><th>updated</th>")
                .append("<th>failed</th><th>requests</th><th>keys set</th><th>keys removed</th><th>tags added</th>")
                .append("<th>tags removed</th></tr><tr>");
        for (long value : new long[] {
            summary.rows().read(),
            summary.rows().valid(),
            summary.rows().rejected(),
            summary.images().staged(),
            summary.images().succeeded(),
            summary.images().failed(),
            summary.requests().total(),
            summary.changes().keysSet(),
            summary.changes().keysRemoved(),
            summary.changes().tagsAdded(),
            summary.changes().tagsRemoved()
        }) {
            html.append("<td class=\"n\">").append(value).append("</td>");
        }
        html.append("</tr></table>");

        html.append("<h2>Requests submitted and tasks completed</h2>");
        html.append(chart(timings, concurrency));

        html.append("<h2>Top reject reasons</h2>");
        if (rejectReasons.isEmpty()) {
            html.append("<p>No row was rejected.</p>");
        } else {
            html.append("<table><tr><th>reason</th><th>rows</th></tr>");
            rejectReasons.forEach((reason, count) -> html.append("<tr><td>")
                    .append(escape(reason))
                    .append("</td><td class=\"n\">")
                    .append(count)
                    .append("</td></tr>"));
            html.append("</table><p>Every rejected row is in <code>rejects.csv</code>.</p>");
        }

        html.append("<h2>Failed images</h2>");
        if (failed.isEmpty()) {
            html.append("<p>No image failed.</p>");
        } else {
            html.append("<table><tr><th>image</th><th>input rows</th><th>error</th></tr>");
            for (FailedItem item : failed) {
                html.append("<tr><td>")
                        .append(escape(item.imageId()))
                        .append("</td><td>")
                        .append(escape(item.inputRows()))
                        .append("</td><td>")
                        .append(escape(item.error()))
                        .append("</td></tr>");
            }
            html.append("</table>");
            if (failedTotal > failed.size()) {
                html.append("<p>The first ")
                        .append(failed.size())
                        .append(" of ")
                        .append(failedTotal)
                        .append("; all are in <code>failed-items.csv</code>.</p>");
            }
        }
        return html.append("</body></html>\n").toString();
    }

    /**
     * Two cumulative lines over time, acknowledged requests (blue) and finished tasks (green), and with
     * {@code --concurrency=auto} where each process's limit on calls at once moved (orange, on a scale of its own
     * up to its highest, which the right edge shows).
     */
    private static String chart(List<Timing> timings, Map<String, List<ConcurrencyPoint>> concurrency) {
        List<Instant> submitted = timings.stream()
                .map(Timing::submitted)
                .filter(t -> t != null)
                .sorted()
                .toList();
        List<Instant> finished = timings.stream()
                .map(Timing::finished)
                .filter(t -> t != null)
                .sorted()
                .toList();
        if (submitted.isEmpty()) {
            return "<p>Nothing was sent.</p>";
        }
        Instant start = submitted.get(0);
        Instant end = finished.isEmpty() ? submitted.get(submitted.size() - 1) : finished.get(finished.size() - 1);
        if (submitted.get(submitted.size() - 1).isAfter(end)) {
            end = submitted.get(submitted.size() - 1);
        }
        double span = Math.max(1, end.toEpochMilli() - start.toEpochMilli());
        int total = timings.size();
        int left = 50;
        int bottom = HEIGHT - 30;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg role=\"img\" aria-label=\"requests submitted and tasks completed over time\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.append("<line x1=\"")
                .append(left)
                .append("\" y1=\"")
                .append(bottom)
                .append("\" x2=\"")
                .append(WIDTH - 10)
                .append("\" y2=\"")
                .append(bottom)
                .append("\" stroke=\"#888\"/>");
        svg.append("<line x1=\"")
                .append(left)
                .append("\" y1=\"10\" x2=\"")
                .append(left)
                .append("\" y2=\"")
                .append(bottom)
                .append("\" stroke=\"#888\"/>");
        svg.append("<text x=\"")
                .append(left - 6)
                .append("\" y=\"16\" text-anchor=\"end\">")
                .append(total)
                .append("</text>");
        svg.append("<text x=\"")
                .append(left - 6)
                .append("\" y=\"")
                .append(bottom)
                .append("\" text-anchor=\"end\">0</text>");
        svg.append("<text x=\"")
                .append(WIDTH - 10)
                .append("\" y=\"")
                .append(bottom + 18)
                .append("\" text-anchor=\"end\">")
                .append(appendTenths(new StringBuilder(), span / 1000))
                .append(" s</text>");
        svg.append("<text x=\"")
                .append(left)
                .append("\" y=\"")
                .append(bottom + 18)
                .append("\">0 s</text>");
        svg.append(line(submitted, start, span, total, left, bottom, "#2563eb"));
        svg.append(line(finished, start, span, total, left, bottom, "#16a34a"));
        svg.append("<text x=\"")
                .append(left + 10)
                .append("\" y=\"24\" style=\"fill:#2563eb\">requests submitted (")
                .append(submitted.size())
                .append(")</text>");
        svg.append("<text x=\"")
                .append(left + 10)
                .append("\" y=\"40\" style=\"fill:#16a34a\">tasks completed (")
                .append(finished.size())
                .append(")</text>");
        int most = concurrency.values().stream()
                .flatMap(List::stream)
                .mapToInt(ConcurrencyPoint::calls)
                .max()
                .orElse(0);
        if (most > 0) {
            for (List<ConcurrencyPoint> points : concurrency.values()) {
                svg.append(limitLine(points, start, end, span, most, left, bottom));
            }
            svg.append("<text x=\"")
                    .append(WIDTH - 10)
                    .append("\" y=\"16\" text-anchor=\"end\" style=\"fill:#ea580c\">")
                    .append(most)
                    .append("</text>");
            svg.append("<text x=\"")
                    .append(left + 10)
                    .append("\" y=\"56\" style=\"fill:#ea580c\">calls at once (auto)</text>");
        }
        return svg.append("</svg>").toString();
    }

    private static String line(
            List<Instant> times, Instant start, double span, int total, int left, int bottom, String colour) {
        StringBuilder points = new StringBuilder().append(left).append(',').append(bottom);
        int plotWidth = WIDTH - 10 - left;
        int plotHeight = bottom - 10;
        int step = Math.max(1, times.size() / 400);
        double y = bottom;
        for (int i = 0; i < times.size(); i += step) {
            y = appendStep(points, times.get(i), i + 1, y, start, span, total, left, bottom, plotWidth, plotHeight);
        }
        if (!times.isEmpty()) {
            appendStep(
                    points,
                    times.get(times.size() - 1),
                    times.size(),
                    y,
                    start,
                    span,
                    total,
                    left,
                    bottom,
                    plotWidth,
                    plotHeight);
        }
        return "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\" points=\"" + points + "\"/>";
    }

    /** A process's limit over the chart's time, as steps; before the chart starts and after it ends, clipped. */
    private static String limitLine(
            List<ConcurrencyPoint> points, Instant start, Instant end, double span, int most, int left, int bottom) {
        int plotWidth = WIDTH - 10 - left;
        int plotHeight = bottom - 10;
        StringBuilder line = new StringBuilder();
        double previousY = -1;
        int step = Math.max(1, points.size() / 400);
        for (int i = 0; i < points.size(); i += step) {
            ConcurrencyPoint point = points.get(i);
            Instant at = point.at().isBefore(start) ? start : point.at().isAfter(end) ? end : point.at();
            double x = left + (at.toEpochMilli() - start.toEpochMilli()) / span * plotWidth;
            double y = bottom - point.calls() / (double) most * plotHeight;
            if (previousY >= 0) {
                line.append(' ');
                appendTenths(line, x).append(',');
                appendTenths(line, previousY);
            }
            line.append(' ');
            appendTenths(line, x).append(',');
            appendTenths(line, y);
            previousY = y;
        }
        if (previousY >= 0) {
            line.append(' ').append(WIDTH - 10).append(',');
            appendTenths(line, previousY);
        }
        return "<polyline fill=\"none\" stroke=\"#ea580c\" stroke-width=\"1.5\" points=\""
                + line.toString().trim() + "\"/>";
    }

    /** A step: along at the previous height to this time, then up to this count. Returns the new height. */
    private static double appendStep(
            StringBuilder points,
            Instant time,
            int count,
            double previousY,
            Instant start,
            double span,
            int total,
            int left,
            int bottom,
            int plotWidth,
            int plotHeight) {
        double x = left + (time.toEpochMilli() - start.toEpochMilli()) / span * plotWidth;
        double y = bottom - count / (double) Math.max(1, total) * plotHeight;
        points.append(' ');
        appendTenths(points, x).append(',');
        appendTenths(points, previousY).append(' ');
        appendTenths(points, x).append(',');
        appendTenths(points, y);
        return y;
    }

    /** {@code value} rounded to one decimal, as {@code %.1f} would print it in the root locale. */
    static StringBuilder appendTenths(StringBuilder out, double value) {
        long tenths = Math.round(Math.abs(value) * 10);
        if (value < 0 && tenths > 0) {
            out.append('-');
        }
        return out.append(tenths / 10).append('.').append(tenths % 10);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
