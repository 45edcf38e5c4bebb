package io.tagsync.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One asynchronous batch task of the sandbox: waiting, then running with progress, then final — or, as a
 * fault, stuck running for ever or ended in a status outside the API's list. Answers in the
 * {@link SandboxSettings.Shape} it was created under. Thread-safe.
 */
final class SandboxTask {

    /** How a task ends. */
    enum Fate {
        APPLY,
        FAIL,
        STUCK,
        UNKNOWN
    }

    private final String taskId;
    private final int total;
    private final SandboxSettings.Shape shape;
    private volatile List<SandboxUpdate> updates;
    private final long createdNanos;
    private final long durationNanos;
    private volatile Map<String, Object> finalView;
    private volatile long finalAtNanos;
    private volatile long seenAtNanos;

    SandboxTask(
            String taskId,
            List<SandboxUpdate> updates,
            long createdNanos,
            long durationNanos,
            SandboxSettings.Shape shape) {
        this.taskId = taskId;
        this.updates = updates;
        this.total = updates.size();
        this.createdNanos = createdNanos;
        this.durationNanos = Math.max(1, durationNanos);
        this.shape = shape;
    }

    /** The task's updates until it is final; a final task lets them go, so that the sandbox's memory stays small. */
    List<SandboxUpdate> updates() {
        return updates;
    }

    boolean isFinal() {
        return finalView != null;
    }

    long durationNanos() {
        return durationNanos;
    }

    /** {@link System#nanoTime()} when a client first saw the task final, or 0 while not seen (or not final). */
    long seenAtNanos() {
        return seenAtNanos;
    }

    /** How long after the task became final a client first saw it so, or -1 while not seen (or not final). */
    long seenLateNanos() {
        long seen = seenAtNanos;
        return seen == 0 ? -1 : seen - finalAtNanos;
    }

    /** Completes the task; {@code failedImages} are the images it could not update. */
    void complete(List<String> failedImages, String reason) {
        Map<String, Object> result = new LinkedHashMap<>();
        List<Map<String, Object>> items = new ArrayList<>(failedImages.size());
        for (int i = 0; i < failedImages.size(); i++) {
            items.add(failedItem(failedImages.get(i), reason, i));
        }
        if (shape == SandboxSettings.Shape.DOCS) {
            result.put("totalProcessed", total);
        }
        result.put("succeeded", total - failedImages.size());
        result.put("failed", failedImages.size());
        result.put("failedItems", items);
        Map<String, Object> view = base("completed");
        if (shape == SandboxSettings.Shape.DOCS) {
            view.put("progress", Map.of("current", total, "total", total));
        }
        view.put("result", result);
        end(view);
    }

    /**
     * A failed item: the docs' {@code {imageId, error}}; in the lean shape the reason goes in turn under
     * {@code message}, under {@code reason} as an object with a message, and under {@code error} as an object
     * without one.
     */
    private Map<String, Object> failedItem(String imageId, String reason, int index) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("imageId", imageId);
        if (shape == SandboxSettings.Shape.DOCS) {
            item.put("error", reason);
            return item;
        }
        switch (index % 3) {
            case 0 -> item.put("message", reason);
            case 1 -> item.put("reason", Map.of("message", reason, "code", "not_found"));
            default -> item.put("error", Map.of("code", 404, "detail", reason));
        }
        return item;
    }

    void fail(String error) {
        Map<String, Object> view = base("failed");
        if (shape == SandboxSettings.Shape.DOCS) {
            view.put("progress", null);
            view.put("error", error);
        } else {
            view.put("error", Map.of("message", error, "code", "task_failed"));
        }
        end(view);
    }

    /** Ends the task in a status the API's list does not have; nothing is applied. */
    void endIn(String status) {
        Map<String, Object> view = base(status);
        view.put("progress", null);
        end(view);
    }

    private void end(Map<String, Object> view) {
        finalAtNanos = System.nanoTime();
        finalView = view;
        updates = null;
    }

    Map<String, Object> view(long nowNanos) {
        Map<String, Object> done = finalView;
        if (done != null) {
            if (seenAtNanos == 0) {
                seenAtNanos = nowNanos;
            }
            return done;
        }
        long elapsed = nowNanos - createdNanos;
        long current = Math.min(total - 1, Math.max(0, total * Math.min(elapsed, durationNanos) / durationNanos));
        if (shape == SandboxSettings.Shape.DOCS) {
            if (elapsed < durationNanos / 5) {
                Map<String, Object> view = base("created");
                view.put("progress", null);
                return view;
            }
            Map<String, Object> view = base("running");
            view.put("progress", Map.of("current", current, "total", total));
            return view;
        }
        // lean: pending, queued, then IN_PROGRESS with progress as {completed,total} or null, in turn
        if (elapsed < durationNanos / 10) {
            return base("pending");
        }
        if (elapsed < durationNanos / 5) {
            return base("queued");
        }
        Map<String, Object> view = base("IN_PROGRESS");
        view.put("progress", (nowNanos / 1_000_000) % 2 == 0 ? Map.of("completed", current, "total", total) : null);
        return view;
    }

    private Map<String, Object> base(String status) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("taskId", taskId);
        view.put("status", status);
        return view;
    }
}
