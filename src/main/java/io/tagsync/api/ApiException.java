package io.tagsync.api;

import java.time.Duration;

/**
 * A call to the API that did not succeed, classified by what tagsync should do about it. Messages name the
 * call by method and path only: request URLs may carry the API key, so they never reach a message.
 */
public class ApiException extends RuntimeException {

    /** What tagsync does about a failed call. */
    public enum Action {
        /** Back off with jitter and try again, up to {@code tagsync.api.max-attempts}; then the run fails. */
        RETRY,
        /** Close the run's rate gate for {@code Retry-After}, so that every request waits, and try again. */
        CLOSE_RATE_GATE,
        /** Never send it again as is: split the request, down to single updates, which are then refused. */
        SPLIT,
        /** Stop the run. */
        STOP
    }

    /**
     * The failure policy, in one place: each kind of failure, the HTTP statuses it comes from, what tagsync
     * does about it and the exit code when it ends the run. A caller for which a {@code 404} names an image
     * (the single-image endpoint) or a task (a task's status) handles that kind itself.
     */
    public enum Kind {
        /**
         * 5xx, 408, timeouts, dropped connections, unreadable answers: a 2xx without a task ID or a status, or a
         * single update's 2xx that does not say {@code "success": true}.
         */
        TRANSIENT(Action.RETRY),
        /** 429. */
        RATE_LIMITED(Action.CLOSE_RATE_GATE),
        /** 400, 422 and other 4xx: the payload is wrong. */
        BAD_REQUEST(Action.SPLIT),
        /** 413: the body is larger than the server takes; smaller parts of it may go. */
        TOO_LARGE(Action.SPLIT),
        /** 401/403: the key is wrong or lacks the image:tag scope. */
        AUTH(Action.STOP),
        /** 402/423: a plan limit. */
        PLAN_LIMIT(Action.STOP),
        /** 404: the workspace, unless the caller says otherwise. */
        NOT_FOUND(Action.STOP),
        /**
         * 1xx and 3xx: answers the API does not give. tagsync follows no redirect, so nothing was applied; such an
         * answer comes from something between tagsync and the API (a proxy, a login page, http sent to https).
         */
        NOT_THE_API(Action.STOP);

        private final Action action;

        Kind(Action action) {
            this.action = action;
        }

        public Action action() {
            return action;
        }

        /** The kind of an HTTP error status. */
        public static Kind ofStatus(int status) {
            return switch (status) {
                case 400, 422 -> BAD_REQUEST;
                case 413 -> TOO_LARGE;
                case 401, 403 -> AUTH;
                case 402, 423 -> PLAN_LIMIT;
                case 404 -> NOT_FOUND;
                case 429 -> RATE_LIMITED;
                default -> status >= 500 || status == 408 ? TRANSIENT : status < 400 ? NOT_THE_API : BAD_REQUEST;
            };
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;
    private final String reason;

    public ApiException(Kind kind, int status, String message, Duration retryAfter) {
        this(kind, status, message, retryAfter, message);
    }

    public ApiException(Kind kind, int status, String message, Duration retryAfter, String reason) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.reason = reason;
    }

    /** The server's own words (its {@code error} or {@code message} field), else the whole message. */
    public String reason() {
        return reason;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when no response came. */
    public int status() {
        return status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
