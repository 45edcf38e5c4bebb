package io.tagsync.submission;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

import io.tagsync.api.ApiException;
import io.tagsync.api.RoboflowClient;
import io.tagsync.api.TaskRef;
import io.tagsync.staging.RequestPayloads;
import io.tagsync.staging.StagedRequest;
import io.tagsync.store.FailedItem;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.StoredRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends one stored request and records the outcome, each in a transaction of its own. A request the server
 * refuses ({@code 400}), or whose task failed on every attempt, is split into halves, and the halves are sent
 * in turn, down to single updates, which go to the single-image endpoint: so one bad update costs about
 * 2·log₂(n) requests, every innocent update is still applied, and the report names the exact images and the
 * server's reasons. Every split is stored before its parts are sent, so a restart continues it. Thread-safe.
 */
@Component
public class RequestSender {

    private static final Logger log = LoggerFactory.getLogger(RequestSender.class);

    private final RequestStore store;

    public RequestSender(RequestStore store) {
        this.store = store;
    }

    /**
     * Sends the request, splitting it as far as the server's refusals require. {@code onSubmitted} receives
     * every request (the given one or a part of it) whose task the server accepted.
     */
    public void send(RoboflowClient client, long instanceId, long requestId, Consumer<Submitted> onSubmitted) {
        Deque<Long> work = new ArrayDeque<>();
        work.push(requestId);
        while (!work.isEmpty()) {
            long id = work.pop();
            StoredRequest request = store.request(id);
            if (request.updateCount() == 1) {
                sendSingle(client, instanceId, request);
                continue;
            }
            try {
                TaskRef task = client.submitBatch(RequestPayloads.body(store.payload(id)));
                store.markSubmitted(id, task.taskId(), task.url());
                onSubmitted.accept(new Submitted(id, task.taskId(), request.attempts() + 1));
            } catch (ApiException e) {
                if (e.kind() != ApiException.Kind.BAD_REQUEST) {
                    throw e;
                }
                log.warn("Request {} ({} updates) refused ({}); splitting it to find the updates at fault", request.seq(),
                        request.updateCount(), e.getMessage());
                List<Long> parts = split(instanceId, request, "refused: " + e.getMessage());
                for (int i = parts.size() - 1; i >= 0; i--) {
                    work.push(parts.get(i));
                }
            }
        }
    }

    /** After a task failed on every attempt: split the request (or send its one update alone) and send on. */
    public void sendAfterFailedTask(RoboflowClient client, long instanceId, long requestId, String reason,
            Consumer<Submitted> onSubmitted) {
        StoredRequest request = store.request(requestId);
        if (request.updateCount() == 1) {
            sendSingle(client, instanceId, request);
            return;
        }
        log.warn("Request {} failed on every attempt ({}); splitting it", request.seq(), reason);
        for (long part : split(instanceId, request, "task failed: " + reason)) {
            send(client, instanceId, part, onSubmitted);
        }
    }

    private List<Long> split(long instanceId, StoredRequest request, String reason) {
        List<StagedRequest> halves = RequestPayloads.halves(store.payload(request.id()), store.imageRows(request.id()),
                request.firstRow(), request.lastRow());
        return store.split(instanceId, request.id(), halves, reason);
    }

    private void sendSingle(RoboflowClient client, long instanceId, StoredRequest request) {
        byte[] payload = store.payload(request.id());
        RequestPayloads.SingleUpdate update = RequestPayloads.single(payload);
        String rows = RequestPayloads.imageRows(payload, store.imageRows(request.id())).get(0).rows();
        try {
            client.updateSingle(update.imageId(), update.body());
            store.finish(instanceId, request.id(), RequestStatus.COMPLETED, 1, null, List.of());
        } catch (ApiException e) {
            switch (e.kind()) {
                case BAD_REQUEST -> store.finish(instanceId, request.id(), RequestStatus.REFUSED, 0, e.getMessage(),
                        List.of(new FailedItem(update.imageId(), rows, null, e.reason())));
                case NOT_FOUND -> store.finish(instanceId, request.id(), RequestStatus.COMPLETED, 0, null,
                        List.of(new FailedItem(update.imageId(), rows, null, "Image not found")));
                default -> throw e;
            }
        }
    }

    /** A request whose task the server accepted. */
    public record Submitted(long requestId, String taskId, int attempts) {
    }
}
