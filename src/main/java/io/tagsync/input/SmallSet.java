package io.tagsync.input;

import java.util.AbstractSet;
import java.util.Iterator;

/**
 * An insertion-ordered set for the few tags or keys one row lists: the keys of a {@link SmallMap} (see there
 * for why), so it iterates like a {@link java.util.LinkedHashSet}. Not thread-safe.
 */
public final class SmallSet<E> extends AbstractSet<E> {

    private final SmallMap<E, Boolean> items = new SmallMap<>();

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public boolean isEmpty() {
        return items.isEmpty();
    }

    @Override
    public boolean contains(Object item) {
        return items.containsKey(item);
    }

    @Override
    public boolean add(E item) {
        return items.put(item, Boolean.TRUE) == null;
    }

    @Override
    public boolean remove(Object item) {
        return items.remove(item) != null;
    }

    @Override
    public void clear() {
        items.clear();
    }

    @Override
    public Iterator<E> iterator() {
        return items.keySet().iterator();
    }
}
