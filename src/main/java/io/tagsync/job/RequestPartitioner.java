package io.tagsync.job;

import io.tagsync.run.Steps;
import io.tagsync.store.RequestStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Splits a run's staged requests into partitions, ranges of the staging sequence ({@code part0}, {@code part1},
 * ...). The ranges are written to the requests themselves, so they hold across restarts and across processes: a
 * restart asks again and gets the same names, and Spring Batch then runs only the partitions that did not
 * complete. A partition with no request is left out.
 */
public class RequestPartitioner implements Partitioner {

    private final RequestStore store;
    private final long instanceId;

    public RequestPartitioner(RequestStore store, long instanceId) {
        this.store = store;
        this.instanceId = instanceId;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
        for (int part : store.assignParts(instanceId, Math.max(1, gridSize))) {
            ExecutionContext context = new ExecutionContext();
            context.putInt(Steps.PART, part);
            partitions.put("part" + part, context);
        }
        return partitions;
    }
}
