package io.tagsync.staging;

import org.springframework.aop.scope.ScopedObject;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * A step-scoped reader, reached through its scope's proxy once per step execution instead of once per item: {@link
 * #open} resolves the step's own instance and the items are read from it directly. The proxy looks the instance up
 * in the bean factory on every call, which costs more than reading a row. Not thread-safe: one step thread.
 */
final class StepScopedReader<T> implements ItemStreamReader<T> {

    private final ItemStreamReader<T> proxy;
    private ItemStreamReader<T> reader;

    StepScopedReader(ItemStreamReader<T> proxy) {
        this.proxy = proxy;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(ExecutionContext context) {
        reader = proxy instanceof ScopedObject scoped ? (ItemStreamReader<T>) scoped.getTargetObject() : proxy;
        reader.open(context);
    }

    @Override
    public T read() throws Exception {
        return reader.read();
    }

    @Override
    public void update(ExecutionContext context) {
        reader.update(context);
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
