package io.tagsync.polling;

import io.tagsync.api.RoboflowClient;
import io.tagsync.store.Outcome;
import io.tagsync.store.RequestStore;
import java.util.List;
import java.util.function.Consumer;

/**
 * How the poller sends a request again when its task failed or never ended. Implemented where requests are
 * sent (the submission package), so that polling depends on no sender: each call records its outcome in a
 * transaction of its own, and hands every request the server accepted to {@code onSubmitted}.
 */
public interface Resubmission {

    /** Sends the request, splitting it as far as the server's refusals require. */
    void send(RoboflowClient client, long instanceId, long requestId, Tracker onSubmitted);

    /** After a task failed on every attempt: split the request (or send its one update alone) and send on. */
    void sendAfterFailedTask(
            RoboflowClient client, long instanceId, long requestId, String reason, Tracker onSubmitted);

    /** Gives a request up without splitting it: all its images become failed items with {@code reason}. */
    void giveUp(long instanceId, long requestId, String reason);

    /**
     * Follows the requests the server accepted; and, for a run that keeps what the API applied ({@code --changed-only}),
     * says what a request applied when it completes at once (a single update, which has no task).
     */
    @FunctionalInterface
    interface Tracker extends Consumer<Submitted> {

        /** What {@code outcomes} applied, to record with them; null when the run keeps nothing. */
        default RequestStore.Applied applied(List<Outcome> outcomes) {
            return null;
        }
    }

    /** A request whose task the server accepted, and the URL its answer gave for the task (or null). */
    record Submitted(long requestId, String taskId, String taskUrl, int attempts) {}
}
