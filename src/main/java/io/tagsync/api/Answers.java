package io.tagsync.api;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the API's answers liberally: each for what tagsync needs and nothing more, in any of the shapes the
 * server is known to send. Unknown fields are ignored, and a field tagsync can do without may be missing or
 * {@code null}. Thread-safe.
 */
final class Answers {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, TaskStatus.Phase> PHASES = Map.of(
            "created", TaskStatus.Phase.WAITING,
            "pending", TaskStatus.Phase.WAITING,
            "queued", TaskStatus.Phase.WAITING,
            "running", TaskStatus.Phase.WAITING,
            "in_progress", TaskStatus.Phase.WAITING,
            "completed", TaskStatus.Phase.COMPLETED,
            "failed", TaskStatus.Phase.FAILED);
    private static final String[] REASON_FIELDS = {"error", "message", "reason"};
    private static final Pattern TITLE =
            Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern HEADING =
            Pattern.compile("<h1[^>]*>(.*?)</h1>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final int LINE_LIMIT = 300;

    private Answers() {}

    /**
     * A {@code Retry-After} header: seconds, or an HTTP date (a date already past is zero); {@code null} when
     * absent or unreadable, for the caller to back off on its own.
     */
    static Duration retryAfter(String value, ZonedDateTime now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(value.strip());
            return Double.isFinite(seconds) ? Duration.ofMillis((long) (Math.max(0, seconds) * 1000)) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until =
                        Duration.between(now, ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeException notADate) {
                return null;
            }
        }
    }

    /** A batch request's answer; {@code null} task ID when the answer has none. */
    static TaskRef taskRef(byte[] body) {
        JsonNode json = parseOrNull(body);
        if (json == null || !json.isObject()) {
            return new TaskRef(null, null);
        }
        return new TaskRef(text(first(json, "taskId", "task_id", "id")), text(json.get("url")));
    }

    /**
     * Whether a single update's answer says it was applied: {@code true} for {@code {"success": true}} (the
     * documented answer), {@code false} for {@code {"success": false}}, and {@code null} for any other body, which
     * says nothing either way.
     */
    static Boolean singleApplied(byte[] body) {
        JsonNode json = parseOrNull(body);
        if (json == null || !json.isObject()) {
            return null;
        }
        JsonNode success = json.get("success");
        return success != null && success.isBoolean() ? success.booleanValue() : null;
    }

    /** A task's status; throws {@link IllegalArgumentException} when the answer holds no status at all. */
    static TaskStatus taskStatus(byte[] body) {
        JsonNode json = parseOrNull(body);
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object: " + oneLine(body == null ? "" : utf8(body)));
        }
        String status = text(json.get("status"));
        if (status == null || status.isBlank()) {
            throw new IllegalArgumentException("no status in " + oneLine(json.toString()));
        }
        TaskStatus.Phase phase = PHASES.getOrDefault(status.strip().toLowerCase(Locale.ROOT), TaskStatus.Phase.UNKNOWN);
        return new TaskStatus(
                status.strip(),
                phase,
                progress(json.get("progress")),
                failedItems(json.get("result")),
                phase == TaskStatus.Phase.COMPLETED ? null : reasonOrNull(json.get("error")));
    }

    /** {@code {current,total}} or {@code {completed,total}}; {@code null} when absent or of another form. */
    private static TaskStatus.Progress progress(JsonNode progress) {
        if (progress == null || !progress.isObject()) {
            return null;
        }
        JsonNode done = first(progress, "current", "completed");
        JsonNode total = progress.get("total");
        if (done == null || total == null || !done.isNumber() || !total.isNumber()) {
            return null;
        }
        return new TaskStatus.Progress(done.asLong(), total.asLong());
    }

    private static List<TaskStatus.FailedItem> failedItems(JsonNode result) {
        JsonNode items = result == null ? null : result.get("failedItems");
        if (items == null || !items.isArray()) {
            return List.of();
        }
        List<TaskStatus.FailedItem> failed = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            if (item.isObject()) {
                String reason = null;
                for (String field : REASON_FIELDS) {
                    reason = reasonOrNull(item.get(field));
                    if (reason != null) {
                        break;
                    }
                }
                failed.add(new TaskStatus.FailedItem(
                        text(first(item, "imageId", "image_id", "id")),
                        reason == null ? "failed without a reason" : reason));
            } else if (item.isString()) {
                failed.add(new TaskStatus.FailedItem(item.stringValue(), "failed without a reason"));
            }
        }
        return failed;
    }

    /**
     * A reason given as a string, or as an object (its {@code message}, else its JSON text), on one line;
     * {@code null} when there is none.
     */
    private static String reasonOrNull(JsonNode reason) {
        if (reason == null || reason.isNull() || reason.isMissingNode()) {
            return null;
        }
        if (reason.isObject()) {
            JsonNode message = reason.get("message");
            return oneLine(message != null && message.isString() ? message.stringValue() : reason.toString());
        }
        String text = reason.isString() ? reason.stringValue() : reason.toString();
        return text.isBlank() ? null : oneLine(text);
    }

    /**
     * The server's words from an error answer, on one readable line: the {@code error} (a string, or an object's
     * {@code message}) or {@code message} of a JSON body; a web page's title or first heading; plain text as it
     * is. Empty when the body says nothing.
     */
    static String errorReason(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String trimmed = body.strip();
        if (trimmed.startsWith("{")) {
            JsonNode json = parseOrNull(trimmed.getBytes(StandardCharsets.UTF_8));
            if (json != null && json.isObject()) {
                for (String field : REASON_FIELDS) {
                    String reason = reasonOrNull(json.get(field));
                    if (reason != null) {
                        return reason;
                    }
                }
                return oneLine(trimmed);
            }
        }
        if (trimmed.startsWith("<")) {
            return htmlLine(trimmed);
        }
        return oneLine(trimmed);
    }

    /** A web page reduced to its title, else its first heading, else to "an HTML page". */
    private static String htmlLine(String html) {
        for (Pattern pattern : new Pattern[] {TITLE, HEADING}) {
            Matcher match = pattern.matcher(html);
            if (match.find()) {
                String text = oneLine(unescape(TAG.matcher(match.group(1)).replaceAll(" ")));
                if (!text.isBlank()) {
                    return text;
                }
            }
        }
        return "an HTML page";
    }

    private static String unescape(String text) {
        return text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&nbsp;", " ")
                .replace("&amp;", "&");
    }

    static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > LINE_LIMIT ? line.substring(0, LINE_LIMIT) + "…" : line;
    }

    private static JsonNode first(JsonNode object, String... fields) {
        for (String field : fields) {
            JsonNode value = object.get(field);
            if (value != null && !value.isNull()) {
                return value;
            }
        }
        return null;
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isContainer()) {
            return null;
        }
        String text = value.isString() ? value.stringValue() : value.toString();
        return text.isBlank() ? null : text;
    }

    private static JsonNode parseOrNull(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException notJson) {
            return null;
        }
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
