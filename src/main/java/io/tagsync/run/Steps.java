package io.tagsync.run;

/** The names of the job's steps, in the order they run. */
public final class Steps {

    public static final String STAGE = "stage";
    /** The stage step's flow: the chunk-oriented step that reads, validates and sorts the rows, then the one that stores requests. */
    public static final String READ_ROWS = "readRows";

    public static final String STORE_REQUESTS = "storeRequests";
    public static final String SUBMIT = "submit";
    public static final String AWAIT = "await";
    public static final String REPORT = "report";
    /** The worker steps of the submit and await steps' partitions ({@code submitPartition:part0}, ...). */
    public static final String SUBMIT_PARTITION = "submitPartition";

    public static final String AWAIT_PARTITION = "awaitPartition";
    /** The key of a partition's number in its step execution context. */
    public static final String PART = "tagsync.part";

    private Steps() {}
}
