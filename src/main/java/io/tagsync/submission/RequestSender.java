package io.tagsync.submission;

import io.tagsync.api.ApiException;
import io.tagsync.api.ApiLimits;
import io.tagsync.api.RoboflowClient;
import io.tagsync.api.TaskRef;
import io.tagsync.polling.Resubmission;
import io.tagsync.run.Fence;
import io.tagsync.staging.RequestPayloads;
import io.tagsync.store.FailedItem;
import io.tagsync.store.Outcome;
import io.tagsync.store.RequestStatus;
import io.tagsync.store.RequestStore;
import io.tagsync.store.StagedRequest;
import io.tagsync.store.StoredRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends one stored request and records the outcome, each in a transaction of its own. A request the server
 * refuses ({@code 400}), or whose task failed on every attempt, is split into halves, and the halves are sent
 * in turn, down to single updates, which go to the single-image endpoint: so one bad update costs about
 * 2·log₂(n) requests, every innocent update is still applied, and the report names the exact images and the
 * server's reasons. Two refusals are met without halving: a {@code 400} for a batch in which one update sets
 * a key or tag that another removes splits it at once into conflict-free groups, and a {@code 413} halves the
 * body; either way the client's {@link ApiLimits} remember it, and every later request of the run is shaped to
 * fit before it is sent. Every split is stored before its parts are sent, so a restart continues it.
 * Thread-safe.
 */
@Component
public class RequestSender implements Resubmission {

    private static final Logger log = LoggerFactory.getLogger(RequestSender.class);

    private final RequestStore store;

    public RequestSender(RequestStore store) {
        this.store = store;
    }

    /**
     * Sends the request, splitting it as far as the server's refusals require. {@code onSubmitted} receives
     * every request (the given one or a part of it) whose task the server accepted.
     */
    @Override
    public void send(RoboflowClient client, long instanceId, long requestId, Resubmission.Tracker onSubmitted) {
        Deque<Long> work = new ArrayDeque<>();
        Map<Long, ConflictProbe> probes = new HashMap<>();
        work.push(requestId);
        while (!work.isEmpty()) {
            long id = work.pop();
            StoredRequest request = store.request(id);
            ConflictProbe probe = probes.remove(id);
            if (request.updateCount() == 1) {
                boolean applied = sendSingle(client, instanceId, request, onSubmitted);
                if (probe != null && !applied) {
                    probe.refused();
                }
                if (probe != null && probe.accepted()) {
                    learnConflicts(client.limits());
                }
                continue;
            }
            byte[] payload = store.payload(id);
            byte[] body = RequestPayloads.body(payload);
            List<Long> parts = shapeToFit(client.limits(), instanceId, request, payload, body.length);
            if (parts.isEmpty()) {
                try {
                    TaskRef task = client.submitBatch(body);
                    if (!store.markSubmitted(
                            id, task.taskId(), task.url(), client.fence().token())) {
                        client.fence().lose();
                        String refused = "request " + request.seq() + " was accepted as task " + task.taskId()
                                + " after its partition was no longer this worker's; not recorded: the partition's "
                                + "holder sends it again";
                        log.warn("{}", refused);
                        throw new Fence.LostException(refused);
                    }
                    onSubmitted.accept(new Submitted(id, task.taskId(), task.url(), request.attempts() + 1));
                    if (probe != null && probe.accepted()) {
                        learnConflicts(client.limits());
                    }
                } catch (ApiException e) {
                    if (probe != null) {
                        probe.refused();
                    }
                    parts = afterRefusal(client.limits(), instanceId, request, payload, body.length, e, probes);
                }
            }
            for (int i = parts.size() - 1; i >= 0; i--) {
                work.push(parts.get(i));
            }
        }
    }

    private static void learnConflicts(ApiLimits limits) {
        if (limits.noteRefusesConflicts()) {
            log.warn("The server refuses a batch in which one update sets a key or tag and another removes it; every "
                    + "later request of this run goes in conflict-free groups");
        }
    }

    /**
     * The conflict-free groups of one refused request: if every one of them is accepted, the conflicts were
     * what the server refused, and the run learns it; if any is refused, something else was at fault.
     */
    private static final class ConflictProbe {
        private int waiting;
        private boolean refused;

        ConflictProbe(int groups) {
            waiting = groups;
        }

        /** True when this was the last group and none was refused. */
        boolean accepted() {
            return --waiting == 0 && !refused;
        }

        void refused() {
            refused = true;
        }
    }

    /** After a task failed on every attempt: split the request (or send its one update alone) and send on. */
    @Override
    public void sendAfterFailedTask(
            RoboflowClient client, long instanceId, long requestId, String reason, Resubmission.Tracker onSubmitted) {
        StoredRequest request = store.request(requestId);
        if (request.updateCount() == 1) {
            sendSingle(client, instanceId, request, onSubmitted);
            return;
        }
        log.warn("Request {} failed on every attempt ({}); splitting it", request.seq(), reason);
        List<StagedRequest> halves = RequestPayloads.halves(
                store.payload(requestId), store.imageRows(requestId), request.firstRow(), request.lastRow());
        for (long part : store.split(instanceId, requestId, halves, "task failed: " + reason)) {
            send(client, instanceId, part, onSubmitted);
        }
    }

    /**
     * Gives a request up without splitting it: all its images become failed items with {@code reason}. For
     * tasks that never end, where each level of a split would wait the whole task timeout again.
     */
    @Override
    public void giveUp(long instanceId, long requestId, String reason) {
        byte[] payload = store.payload(requestId);
        List<FailedItem> items = new ArrayList<>();
        for (RequestPayloads.ImageRows image : RequestPayloads.imageRows(payload, store.imageRows(requestId))) {
            items.add(new FailedItem(image.imageId(), image.rows(), null, reason));
        }
        store.finish(instanceId, requestId, RequestStatus.FAILED, reason, items);
    }

    /** The parts a request is split into before sending, by what the server has refused before; none if it fits. */
    private List<Long> shapeToFit(
            ApiLimits limits, long instanceId, StoredRequest request, byte[] payload, int bodyBytes) {
        if (!limits.fits(bodyBytes)) {
            return halve(instanceId, request, payload, "larger than the server takes (" + bodyBytes + " bytes)");
        }
        if (limits.refusesConflicts()) {
            List<StagedRequest> groups = RequestPayloads.conflictFreeGroups(
                    payload, store.imageRows(request.id()), request.firstRow(), request.lastRow());
            if (groups.size() > 1) {
                return store.split(
                        instanceId,
                        request.id(),
                        groups,
                        "split into " + groups.size() + " conflict-free groups before sending");
            }
        }
        return List.of();
    }

    /** The parts to send instead of a request the server refused; rethrows what splitting cannot help. */
    private List<Long> afterRefusal(
            ApiLimits limits,
            long instanceId,
            StoredRequest request,
            byte[] payload,
            int bodyBytes,
            ApiException refusal,
            Map<Long, ConflictProbe> probes) {
        if (refusal.kind() == ApiException.Kind.TOO_LARGE) {
            limits.noteTooLarge(bodyBytes);
            log.warn(
                    "Request {} ({} updates, {} bytes) is too large for the server; halving it, and sending no "
                            + "larger body",
                    request.seq(),
                    request.updateCount(),
                    bodyBytes);
            return halve(instanceId, request, payload, "too large: " + refusal.getMessage());
        }
        if (refusal.kind().action() != ApiException.Action.SPLIT) {
            throw refusal;
        }
        List<StagedRequest> groups = RequestPayloads.conflictFreeGroups(
                payload, store.imageRows(request.id()), request.firstRow(), request.lastRow());
        if (groups.size() > 1) {
            log.warn(
                    "Request {} ({} updates) refused ({}); one of its updates sets a key or tag that another removes, "
                            + "so it goes as {} conflict-free groups",
                    request.seq(),
                    request.updateCount(),
                    refusal.getMessage(),
                    groups.size());
            List<Long> parts = store.split(
                    instanceId,
                    request.id(),
                    groups,
                    "refused: " + refusal.getMessage() + "; split into " + groups.size() + " conflict-free groups");
            ConflictProbe probe = new ConflictProbe(parts.size());
            parts.forEach(part -> probes.put(part, probe));
            return parts;
        }
        log.warn(
                "Request {} ({} updates) refused ({}); splitting it to find the updates at fault",
                request.seq(),
                request.updateCount(),
                refusal.getMessage());
        return halve(instanceId, request, payload, "refused: " + refusal.getMessage());
    }

    private List<Long> halve(long instanceId, StoredRequest request, byte[] payload, String reason) {
        List<StagedRequest> halves =
                RequestPayloads.halves(payload, store.imageRows(request.id()), request.firstRow(), request.lastRow());
        return store.split(instanceId, request.id(), halves, reason);
    }

    /** Sends a request's one update to the single-image endpoint; false when the server refused it. */
    private boolean sendSingle(
            RoboflowClient client, long instanceId, StoredRequest request, Resubmission.Tracker tracker) {
        byte[] payload = store.payload(request.id());
        RequestPayloads.SingleUpdate update = RequestPayloads.single(payload);
        String rows = RequestPayloads.imageRows(payload, store.imageRows(request.id()))
                .get(0)
                .rows();
        try {
            client.updateSingle(update.imageId(), update.body());
            List<Outcome> applied = List.of(new Outcome(request.id(), RequestStatus.COMPLETED, null, List.of()));
            store.finish(instanceId, applied, tracker.applied(applied));
            return true;
        } catch (ApiException e) {
            switch (e.kind()) {
                // a single update cannot be split further: the server refused it
                case BAD_REQUEST, TOO_LARGE -> {
                    store.finish(
                            instanceId,
                            request.id(),
                            RequestStatus.REFUSED,
                            e.getMessage(),
                            List.of(new FailedItem(update.imageId(), rows, null, e.reason())));
                    return false;
                }
                // on the single-image endpoint a 404 names the image, not the workspace
                case NOT_FOUND -> {
                    store.finish(
                            instanceId,
                            request.id(),
                            RequestStatus.COMPLETED,
                            null,
                            List.of(new FailedItem(update.imageId(), rows, null, e.reason())));
                    return true;
                }
                default -> throw e;
            }
        }
    }
}
