package io.tagsync.run;

/**
 * Whether this process may still send for a partition of a run. A worker of a remote run holds each partition
 * under a lease, which the manager revokes, or another worker takes, once the holder has been silent for longer
 * than the worker timeout (a kill, a lost host, a paused JVM). The sender calls {@link #hold()} right before each
 * call that changes images, and the repository records an accepted request only while the lease it was sent under
 * is still current ({@link #token()}): a worker that lost its partition sends nothing more, and what it sent in the
 * moment before it knew is left for the holder to send again (the updates are idempotent). A run's own process
 * holds no lease: {@link #NONE}. Thread-safe.
 */
public interface Fence {

    /** No lease: the process that runs the job holds every partition of it. */
    Fence NONE = new Fence() {
        @Override
        public void hold() {}

        @Override
        public boolean lost() {
            return false;
        }
    };

    /** Returns when the partition is still this process's to send for; throws {@link LostException} when not. */
    void hold();

    /** True once the partition is no longer this process's, or is being handed back: nothing more is sent. */
    boolean lost();

    /** True when this process gives the partition back (it is shutting down): not a failure of the partition. */
    default boolean handedBack() {
        return false;
    }

    /** The lease a record of a send must still match in the repository; null when no lease guards the partition. */
    default Token token() {
        return null;
    }

    /** The repository refused a record made under {@link #token()}: the lease has moved on. */
    default void lose() {}

    /** A partition's lease as one holder took it: a later taker has a higher generation. */
    record Token(long instanceId, int part, String worker, long generation) {}

    /** The partition is no longer this process's to send for. */
    final class LostException extends RuntimeException {
        public LostException(String message) {
            super(message);
        }
    }
}
