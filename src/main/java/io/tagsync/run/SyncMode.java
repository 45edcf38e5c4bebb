package io.tagsync.run;

/**
 * Whether a run sends every image of its input ({@link #OFF}), only those whose update differs from the last one the
 * API confirmed ({@link #CHANGED_ONLY}, {@code --changed-only}), or every image while keeping what it applies for the
 * runs after it ({@link #FULL}, {@code --changed-only --full}).
 */
public enum SyncMode {
    OFF,
    CHANGED_ONLY,
    FULL;

    /** As a job parameter and in reports: {@code changed-only} or {@code full}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static SyncMode ofLabel(String label) {
        for (SyncMode mode : values()) {
            if (mode.label().equals(label)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown sync mode: " + label);
    }
}
