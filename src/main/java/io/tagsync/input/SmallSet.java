package io.tagsync.input;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;

/**
 * An insertion-ordered set for the few tags or keys one row lists: one array and a linear search (see
 * {@link SmallMap} for why); past {@value SmallMap#LINEAR_LIMIT} elements it turns into a
 * {@link LinkedHashSet}. Iterates like a {@link LinkedHashSet}. Not thread-safe.
 */
public final class SmallSet<E> extends AbstractSet<E> {

    private static final Object[] EMPTY = {};

    private Object[] items = EMPTY;
    private int size;
    private LinkedHashSet<E> large;

    @Override
    public int size() {
        return large != null ? large.size() : size;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean contains(Object item) {
        return large != null ? large.contains(item) : indexOf(item) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean add(E item) {
        if (large != null) {
            return large.add(item);
        }
        if (indexOf(item) >= 0) {
            return false;
        }
        if (size == SmallMap.LINEAR_LIMIT) {
            large = new LinkedHashSet<>();
            for (int i = 0; i < size; i++) {
                large.add((E) items[i]);
            }
            items = EMPTY;
            size = 0;
            return large.add(item);
        }
        if (size == items.length) {
            items = Arrays.copyOf(items, Math.max(2, 2 * items.length));
        }
        items[size++] = item;
        return true;
    }

    @Override
    public boolean remove(Object item) {
        if (large != null) {
            return large.remove(item);
        }
        int at = indexOf(item);
        if (at < 0) {
            return false;
        }
        System.arraycopy(items, at + 1, items, at, size - at - 1);
        items[--size] = null;
        return true;
    }

    @Override
    public void clear() {
        large = null;
        items = EMPTY;
        size = 0;
    }

    private int indexOf(Object item) {
        for (int i = 0; i < size; i++) {
            if (items[i].equals(item)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Iterator<E> iterator() {
        if (large != null) {
            return large.iterator();
        }
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            @SuppressWarnings("unchecked")
            public E next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return (E) items[next++];
            }
        };
    }
}
