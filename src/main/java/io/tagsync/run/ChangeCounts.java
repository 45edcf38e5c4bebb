package io.tagsync.run;

import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The changes a run's staged requests carry: metadata keys set and removed, tags added and removed. Staging counts
 * them, leaves them in its step's results, and the report shows them.
 */
public record ChangeCounts(long keysSet, long keysRemoved, long tagsAdded, long tagsRemoved) {

    public void writeTo(ExecutionContext context) {
        context.putLong(StepResults.KEYS_SET, keysSet);
        context.putLong(StepResults.KEYS_REMOVED, keysRemoved);
        context.putLong(StepResults.TAGS_ADDED, tagsAdded);
        context.putLong(StepResults.TAGS_REMOVED, tagsRemoved);
    }

    public static ChangeCounts readFrom(ExecutionContext context) {
        return new ChangeCounts(
                context.getLong(StepResults.KEYS_SET, 0L),
                context.getLong(StepResults.KEYS_REMOVED, 0L),
                context.getLong(StepResults.TAGS_ADDED, 0L),
                context.getLong(StepResults.TAGS_REMOVED, 0L));
    }
}
