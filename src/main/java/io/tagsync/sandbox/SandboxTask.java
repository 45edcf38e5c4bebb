package io.tagsync.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/** One asynchronous batch task of the sandbox: created, then running with progress, then final. Thread-safe. */
final class SandboxTask {

    private final String taskId;
    private final int total;
    private volatile List<SandboxUpdate> updates;
    private final long createdNanos;
    private final long durationNanos;
    private volatile Map<String, Object> finalView;
    private volatile long finalAtNanos;
    private volatile long seenAtNanos;

    SandboxTask(String taskId, List<SandboxUpdate> updates, long createdNanos, long durationNanos) {
        this.taskId = taskId;
        this.updates = updates;
        this.total = updates.size();
        this.createdNanos = createdNanos;
        this.durationNanos = Math.max(1, durationNanos);
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

    void complete(List<Map<String, String>> failedItems) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("totalProcessed", total);
        result.put("succeeded", total - failedItems.size());
        result.put("failed", failedItems.size());
        result.put("failedItems", failedItems);
        Map<String, Object> view = base("completed");
        view.put("progress", Map.of("current", total, "total", total));
        view.put("result", result);
        finalAtNanos = System.nanoTime();
        finalView = view;
        updates = null;
    }

    void fail(String error) {
        Map<String, Object> view = base("failed");
        view.put("progress", null);
        view.put("error", error);
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
        if (elapsed < durationNanos / 5) {
            Map<String, Object> view = base("created");
            view.put("progress", null);
            return view;
        }
        Map<String, Object> view = base("running");
        long current = Math.min(total - 1, Math.max(0, total * elapsed / durationNanos));
        view.put("progress", Map.of("current", current, "total", total));
        return view;
    }

    private Map<String, Object> base(String status) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("taskId", taskId);
        view.put("status", status);
        return view;
    }
}
