package io.tagsync.run;

/** The names of the job's steps, in the order they run. */
public final class Steps {

    public static final String STAGE = "stage";
    public static final String SUBMIT = "submit";
    public static final String AWAIT = "await";
    public static final String REPORT = "report";

    private Steps() {}
}
