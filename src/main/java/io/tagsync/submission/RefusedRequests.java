package io.tagsync.submission;

import java.util.List;

import io.tagsync.staging.RequestPayloads;
import io.tagsync.store.FailedItem;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import org.springframework.stereotype.Component;

/**
 * Marks a request as finished without success and every one of its images as a failed item with the
 * reason, naming the input rows of each, so that nothing is lost from the report.
 */
@Component
public class RefusedRequests {

    private final RequestStore store;

    public RefusedRequests(RequestStore store) {
        this.store = store;
    }

    public void record(long instanceId, long requestId, String reason) {
        finish(instanceId, requestId, RequestStatus.REFUSED, null, "request refused: " + reason);
    }

    public void recordFailedTask(long instanceId, long requestId, String taskId, String reason) {
        finish(instanceId, requestId, RequestStatus.FAILED, taskId, "task failed: " + reason);
    }

    private void finish(long instanceId, long requestId, RequestStatus status, String taskId, String error) {
        List<FailedItem> items = RequestPayloads.imageRows(store.imageRows(requestId)).stream()
                .map(image -> new FailedItem(image.imageId(), image.rows(), taskId, error))
                .toList();
        store.finish(instanceId, requestId, status, 0, error, items);
    }
}
