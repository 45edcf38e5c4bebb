package io.tagsync.input;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;

/**
 * Reads rows of an input: each valid row is an item, and a row that is not a valid update throws a
 * {@link RejectedRowException} and is read past. Restartable: its position is its count of rows read, rejected ones
 * included, which a restart reads past again. An input that cannot be opened fails {@link #open} with its
 * {@link InputException}, which names the file and the reason. Not thread-safe.
 */
public abstract class RowReader extends AbstractItemCountingItemStreamItemReader<InputRow> {

    @Override
    public void open(ExecutionContext context) {
        try {
            super.open(context);
        } catch (ItemStreamException e) {
            throw e.getCause() instanceof InputException input ? input : e;
        }
    }

    @Override
    protected void jumpToItem(int itemIndex) throws Exception {
        for (int i = 0; i < itemIndex; i++) {
            try {
                if (doRead() == null) {
                    return;
                }
            } catch (RejectedRowException rejected) {
                // counted as read, as it was before the restart
            }
        }
    }
}
