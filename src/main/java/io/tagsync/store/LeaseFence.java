package io.tagsync.store;

import io.tagsync.run.Fence;
import java.time.Duration;

/**
 * The fence of a partition a worker took ({@link PartitionLeases#take}): a send goes out only if the lease was
 * confirmed (a heartbeat or a renewal of its own) less than half the worker timeout before, so a worker resumed after
 * a pause renews first, and learns that it lost the part before it sends anything. The time of a confirmation is
 * taken before the renewal is asked, so a pause inside it shortens the hold rather than lengthens it. An outage of
 * the repository holds a send until the lease can be confirmed: nobody else can take it meanwhile. Thread-safe.
 */
public final class LeaseFence implements Fence {

    private final PartitionLeases leases;
    private final RepositoryOutages outages;
    private final Token token;
    private final String partition;
    private final long renewAfterNanos;
    private final Object renewing = new Object();
    private volatile long confirmedAt;
    private volatile String lostBecause;
    private volatile boolean handingBack;

    public LeaseFence(
            PartitionLeases leases, RepositoryOutages outages, Token token, String partition, Duration timeout) {
        this.leases = leases;
        this.outages = outages;
        this.token = token;
        this.partition = partition;
        this.renewAfterNanos = timeout.toNanos() / 2;
        this.confirmedAt = System.nanoTime();
    }

    @Override
    public void hold() {
        if (handingBack) {
            throw new LostException("partition " + partition + " is being handed back: this worker is shutting down");
        }
        if (lostBecause == null && System.nanoTime() - confirmedAt > renewAfterNanos) {
            synchronized (renewing) {
                if (System.nanoTime() - confirmedAt > renewAfterNanos) {
                    long asked = System.nanoTime();
                    confirm(
                            asked,
                            outages.rideOutsideTransactions(
                                    "confirming the partition's lease", () -> leases.renew(token)));
                }
            }
        }
        String why = lostBecause;
        if (why != null) {
            throw new LostException(why);
        }
    }

    /** The heartbeat: true while the lease is this worker's. A failure to reach the repository is the caller's. */
    public boolean beat() {
        if (lostBecause != null) {
            return false;
        }
        long asked = System.nanoTime();
        confirm(asked, leases.renew(token));
        return lostBecause == null;
    }

    private void confirm(long asked, boolean renewed) {
        if (renewed) {
            confirmedAt = Math.max(confirmedAt, asked);
        } else {
            lose();
        }
    }

    @Override
    public void lose() {
        if (lostBecause == null) {
            lostBecause = "partition " + partition + " is no longer this worker's: its lease (generation "
                    + token.generation() + ") was revoked by the manager or taken by another worker after this one "
                    + "fell silent";
        }
    }

    /** Stops sending so that the partition can go back to the queue once what is in flight is recorded. */
    public void handBack() {
        handingBack = true;
    }

    /** Why the partition was lost, or null while it is held. */
    public String lostBecause() {
        return lostBecause;
    }

    @Override
    public boolean lost() {
        return lostBecause != null || handingBack;
    }

    @Override
    public boolean handedBack() {
        return handingBack && lostBecause == null;
    }

    @Override
    public Token token() {
        return token;
    }
}
