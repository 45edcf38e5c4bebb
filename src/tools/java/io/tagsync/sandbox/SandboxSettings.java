package io.tagsync.sandbox;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox's knobs. Every field can change while the server runs (tests turn faults on and off mid-run);
 * fields are volatile, so a change is seen by the next request. Thread-safe.
 */
public final class SandboxSettings {

    /**
     * The shape of the answers: {@code DOCS} as Roboflow's docs show them; {@code LEAN} as its SDK is also
     * written to accept: results without {@code totalProcessed}, failed items' reasons under {@code message},
     * {@code reason} or {@code error} as strings or objects, {@code pending}/{@code queued}/{@code IN_PROGRESS}
     * before the end, progress as {@code {completed,total}} or {@code null}, errors as objects, error bodies as
     * {@code {"message"}} or {@code {"error":{"message"}}}, task URLs absolute, {@code Retry-After} as a date.
     */
    public enum Shape {
        DOCS,
        LEAN
    }

    volatile Shape shape = Shape.DOCS;
    /** Error answers of 413, 429 and 5xx come as a gateway's HTML page, without {@code Retry-After}. */
    volatile boolean htmlErrors;
    /** A batch body larger than this is refused with {@code 413}; 0: no limit. */
    volatile long maxBodyBytes;
    /** Refuse a batch that names one image twice, as a stricter server might. */
    volatile boolean refuseDuplicateImages;
    /** Refuse a batch in which one update sets a key or tag that another removes, each valid on its own. */
    volatile boolean refuseConflicts;
    /** The scheme, host and port the {@code url} of a {@code 202} points at; null: this server's. */
    volatile URI taskUrlBase;
    /** Share of accepted batches answered {@code 202} without a taskId (the task still runs). */
    volatile double noTaskIdShare;
    /** The status of tasks ended outside the API's list (nothing applied). */
    volatile String unknownStatus = "cancelled";

    final AtomicInteger unknownNextTasks = new AtomicInteger();
    volatile Set<String> unknownStatusWith = Set.of();
    volatile double unknownStatusShare;
    /** Tasks that stay running for ever. */
    final AtomicInteger stuckNextTasks = new AtomicInteger();

    volatile Set<String> stuckTasksWith = Set.of();
    volatile double stuckShare;

    volatile boolean holdTasks;
    /** Keep every API request line (method and URI with its query) for tests that look for the key in them. */
    volatile boolean keepRequestLines;

    volatile String workspace = "demo";
    volatile String apiKey = "sandbox-key";
    /** Added to every API call before it is answered. */
    volatile long latencyMillis;
    /**
     * The calls in flight the server serves at full speed; beyond that each call's latency grows as a queue's would
     * (latency × calls in flight ÷ capacity), and beyond twice that a call is refused with {@code 429} and
     * {@code Retry-After: 1}. 0: no limit. It can change while the sandbox runs.
     */
    volatile int capacity;
    /** How long a task takes, chosen evenly between the two for each task. */
    volatile long taskMinMillis = 50;

    volatile long taskMaxMillis = 200;
    /** Shares of API calls answered {@code 429} (with {@code Retry-After}) and {@code 503}. */
    volatile double rateLimitShare;

    volatile double serverErrorShare;
    volatile double retryAfterSeconds = 1;
    /** Share of batch tasks that end {@code failed} without applying anything. */
    volatile double taskFailureShare;
    /** The next this-many batch tasks end {@code failed}, whatever the share above. */
    final AtomicInteger failNextTasks = new AtomicInteger();
    /** Share of API calls whose connection is dropped without an answer (half before, half after the work). */
    volatile double dropShare;
    /** Share of API calls answered only after {@code slowMillis} (beyond a client's timeout, if set so). */
    volatile double slowShare;

    volatile long slowMillis = 10_000;
    /** Tags the server refuses with {@code 400}, beyond the rules every client knows (as a newer server might). */
    volatile Set<String> refusedTags = Set.of();
    /** A batch task holding any of these images fails on every attempt (a poison update). */
    volatile Set<String> failTasksWith = Set.of();
    /** Keep the body of every accepted batch request (for tests that compare what was sent). */
    volatile boolean keepBodies;
    /** Every API call answers {@code 402} (a plan limit) once this many batches were accepted; -1: never. */
    volatile long planLimitAfterBatches = -1;
    /** Every API call answers {@code 503} while this is on. */
    volatile boolean outage;
    /** Once this many batch requests have been accepted, the outage switches on; negative: never. */
    volatile long outageAfterBatches = -1;
    /** Accept any image ID (creating the image on first update) instead of only the seeded ones. */
    volatile boolean openStore;

    public SandboxSettings workspace(String value) {
        workspace = value;
        return this;
    }

    public SandboxSettings apiKey(String value) {
        apiKey = value;
        return this;
    }

    public SandboxSettings capacity(int value) {
        capacity = value;
        return this;
    }

    public SandboxSettings latencyMillis(long value) {
        latencyMillis = value;
        return this;
    }

    public SandboxSettings taskMillis(long min, long max) {
        taskMinMillis = min;
        taskMaxMillis = Math.max(min, max);
        return this;
    }

    public SandboxSettings rateLimitShare(double share, double retryAfter) {
        rateLimitShare = share;
        retryAfterSeconds = retryAfter;
        return this;
    }

    public SandboxSettings serverErrorShare(double share) {
        serverErrorShare = share;
        return this;
    }

    public SandboxSettings taskFailureShare(double share) {
        taskFailureShare = share;
        return this;
    }

    public SandboxSettings failNextTasks(int tasks) {
        failNextTasks.set(tasks);
        return this;
    }

    public SandboxSettings dropShare(double share) {
        dropShare = share;
        return this;
    }

    public SandboxSettings slowShare(double share, long millis) {
        slowShare = share;
        slowMillis = millis;
        return this;
    }

    public SandboxSettings failTasksWith(Set<String> imageIds) {
        failTasksWith = Set.copyOf(imageIds);
        return this;
    }

    public SandboxSettings refuseTags(Set<String> tags) {
        refusedTags = Set.copyOf(tags);
        return this;
    }

    public SandboxSettings keepBodies(boolean keep) {
        keepBodies = keep;
        return this;
    }

    public SandboxSettings outage(boolean on) {
        outage = on;
        if (!on) {
            outageAfterBatches = -1;
        }
        return this;
    }

    public SandboxSettings planLimitAfterBatches(long batches) {
        planLimitAfterBatches = batches;
        return this;
    }

    public SandboxSettings outageAfterBatches(long batches) {
        outageAfterBatches = batches;
        return this;
    }

    public SandboxSettings openStore(boolean open) {
        openStore = open;
        return this;
    }

    public SandboxSettings shape(Shape value) {
        shape = value;
        return this;
    }

    public SandboxSettings htmlErrors(boolean on) {
        htmlErrors = on;
        return this;
    }

    public SandboxSettings maxBodyBytes(long bytes) {
        maxBodyBytes = bytes;
        return this;
    }

    public SandboxSettings refuseDuplicateImages(boolean on) {
        refuseDuplicateImages = on;
        return this;
    }

    public SandboxSettings refuseConflicts(boolean on) {
        refuseConflicts = on;
        return this;
    }

    public SandboxSettings taskUrlBase(URI base) {
        taskUrlBase = base;
        return this;
    }

    public SandboxSettings noTaskIdShare(double share) {
        noTaskIdShare = share;
        return this;
    }

    /** The next {@code tasks} batch tasks end in {@code status}, a status outside the API's list. */
    public SandboxSettings unknownStatusNext(int tasks, String status) {
        unknownStatus = status;
        unknownNextTasks.set(tasks);
        return this;
    }

    /** Every batch task holding any of these images ends in {@code status}. */
    public SandboxSettings unknownStatusWith(Set<String> imageIds, String status) {
        unknownStatus = status;
        unknownStatusWith = Set.copyOf(imageIds);
        return this;
    }

    /** A share of batch tasks ends in {@code status}. */
    public SandboxSettings unknownStatusShare(double share, String status) {
        unknownStatus = status;
        unknownStatusShare = share;
        return this;
    }

    /** A share of batch tasks stays running for ever. */
    public SandboxSettings stuckShare(double share) {
        stuckShare = share;
        return this;
    }

    /**
     * While on, no task becomes final: each stays running until this is turned off again, and then ends as it
     * would have. A test holds a run in its await step this way for as long as it needs, not for a guess.
     */
    public SandboxSettings holdTasks(boolean hold) {
        holdTasks = hold;
        return this;
    }

    public SandboxSettings stuckNextTasks(int tasks) {
        stuckNextTasks.set(tasks);
        return this;
    }

    /** Every batch task holding any of these images stays running for ever. */
    public SandboxSettings stuckTasksWith(Set<String> imageIds) {
        stuckTasksWith = Set.copyOf(imageIds);
        return this;
    }

    public SandboxSettings keepRequestLines(boolean keep) {
        keepRequestLines = keep;
        return this;
    }

    public Shape shape() {
        return shape;
    }

    public String workspace() {
        return workspace;
    }

    public String apiKey() {
        return apiKey;
    }
}
