package io.tagsync.job;

import io.tagsync.run.Fence;
import io.tagsync.store.LeaseFence;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * The fences of the partitions this process works on: a worker's lease of each partition it took, or else the
 * lock of the run this process launched. Thread-safe.
 */
@Component
public class Fences implements StepExecutionListener {

    private final Map<Long, LeaseFence> leases = new ConcurrentHashMap<>();
    private volatile Fence run = Fence.NONE;

    /** The fence of a partition's step execution. */
    public Fence of(long stepExecutionId) {
        LeaseFence lease = leases.get(stepExecutionId);
        return lease != null ? lease : run;
    }

    /** The lease a worker took for a step execution, or null. */
    LeaseFence lease(long stepExecutionId) {
        return leases.get(stepExecutionId);
    }

    void leased(long stepExecutionId, LeaseFence fence) {
        leases.put(stepExecutionId, fence);
    }

    void ended(long stepExecutionId) {
        leases.remove(stepExecutionId);
    }

    /**
     * A partition this worker lost, or hands back, stays {@code STARTED} in the repository: it is its lease's next
     * holder's to end, and the manager waits for it.
     */
    @Override
    public ExitStatus afterStep(StepExecution step) {
        LeaseFence lease = leases.get(step.getId());
        if (lease != null && lease.lost()) {
            step.setStatus(BatchStatus.STARTED);
        }
        return null;
    }

    /** The fence of the run this process launches, until {@link #runEnded()}. */
    public void running(Fence fence) {
        run = fence;
    }

    /** True when another process took over the run this process launched (see {@code RunLock.fence}). */
    public boolean runTakenOver() {
        return run.lost();
    }

    public void runEnded() {
        run = Fence.NONE;
    }
}
