package io.tagsync.api;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.JsonNode;

@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskStatus(String taskId, String status, Progress progress, Result result, JsonNode error) {

    private static final Set<String> FINAL = Set.of("completed", "failed");

    public boolean isFinal() {
        return FINAL.contains(status);
    }

    public boolean isCompleted() {
        return "completed".equals(status);
    }

    /** The server's error as text, whether it sent a string or an object. */
    public String errorText() {
        if (error == null || error.isNull()) {
            return "task failed without a reason";
        }
        return error.isString() ? error.stringValue() : error.toString();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Progress(long current, long total) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Result(long totalProcessed, long succeeded, long failed, List<FailedItem> failedItems) {
        public List<FailedItem> failedItems() {
            return failedItems == null ? List.of() : failedItems;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FailedItem(String imageId, String error) {
    }
}
