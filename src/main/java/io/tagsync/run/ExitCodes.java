package io.tagsync.run;

/** The process exit codes, as the README documents them. */
public final class ExitCodes {

    /** Every row applied. */
    public static final int OK = 0;
    /** The run failed; rerunning the same command restarts it. */
    public static final int FAILED = 1;
    /** The API refused the key ({@code 401}/{@code 403}), or there is none. */
    public static final int BAD_KEY = 2;
    /** The workspace was not found. */
    public static final int NO_WORKSPACE = 3;
    /** The run completed, but some rows were rejected or some images failed. */
    public static final int PARTIAL = 4;

    private ExitCodes() {}

    /** The command line is wrong: an unknown command, option or setting, or a missing or malformed one (sysexits' EX_USAGE). */
    public static final int USAGE = 64;
}
