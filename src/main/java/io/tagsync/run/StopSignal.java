package io.tagsync.run;

import org.springframework.stereotype.Component;

/**
 * Set when the process is asked to stop (SIGTERM). The steps check it at safe points: between requests,
 * between polls, every so many staged rows. Thread-safe.
 */
@Component
public class StopSignal {

    private volatile boolean stopRequested;

    public void requestStop() {
        stopRequested = true;
    }

    public boolean isStopRequested() {
        return stopRequested;
    }

    /** For a new run in the same process (tests). */
    public void reset() {
        stopRequested = false;
    }
}
