package io.tagsync.input;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * An insertion-ordered map for the handful of metadata keys one row holds: keys and values side by side in
 * one array, found by a linear search, so that a row costs two small objects instead of a hash table and a
 * node per key (with millions of rows, hashing and allocating those was the largest cost of staging). Past
 * {@value #LINEAR_LIMIT} keys it turns into a {@link LinkedHashMap}. Iterates like a {@link LinkedHashMap}:
 * in the order keys were first put, a removed and put again key last. Not thread-safe.
 */
public final class SmallMap<K, V> extends AbstractMap<K, V> {

    static final int LINEAR_LIMIT = 16;
    private static final Object[] EMPTY = {};

    private Object[] pairs = EMPTY;
    private int size;
    private LinkedHashMap<K, V> large;

    @Override
    public int size() {
        return large != null ? large.size() : size;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return large != null ? large.containsKey(key) : indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        if (large != null) {
            return large.get(key);
        }
        int at = indexOf(key);
        return at < 0 ? null : (V) pairs[2 * at + 1];
    }

    @Override
    @SuppressWarnings("unchecked")
    public V put(K key, V value) {
        if (large != null) {
            return large.put(key, value);
        }
        int at = indexOf(key);
        if (at >= 0) {
            V old = (V) pairs[2 * at + 1];
            pairs[2 * at + 1] = value;
            return old;
        }
        if (size == LINEAR_LIMIT) {
            large = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                large.put((K) pairs[2 * i], (V) pairs[2 * i + 1]);
            }
            pairs = EMPTY;
            size = 0;
            return large.put(key, value);
        }
        if (2 * size == pairs.length) {
            pairs = Arrays.copyOf(pairs, Math.max(4, 2 * pairs.length));
        }
        pairs[2 * size] = key;
        pairs[2 * size + 1] = value;
        size++;
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        if (large != null) {
            return large.remove(key);
        }
        int at = indexOf(key);
        if (at < 0) {
            return null;
        }
        V old = (V) pairs[2 * at + 1];
        System.arraycopy(pairs, 2 * at + 2, pairs, 2 * at, 2 * (size - at - 1));
        size--;
        pairs[2 * size] = null;
        pairs[2 * size + 1] = null;
        return old;
    }

    @Override
    public void clear() {
        large = null;
        pairs = EMPTY;
        size = 0;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            if (pairs[2 * i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        if (large != null) {
            return large.entrySet();
        }
        return new View<>(at -> new SimpleImmutableEntry<>(key(at), value(at)));
    }

    @Override
    public Set<K> keySet() {
        if (large != null) {
            return large.keySet();
        }
        return new View<>(this::key);
    }

    @SuppressWarnings("unchecked")
    private K key(int at) {
        return (K) pairs[2 * at];
    }

    @SuppressWarnings("unchecked")
    private V value(int at) {
        return (V) pairs[2 * at + 1];
    }

    /** The entries or the keys, in order, as a read-only set. */
    private final class View<T> extends AbstractSet<T> {
        private final IntFunction<T> element;

        View(IntFunction<T> element) {
            this.element = element;
        }

        @Override
        public Iterator<T> iterator() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < size;
                }

                @Override
                public T next() {
                    if (next >= size) {
                        throw new NoSuchElementException();
                    }
                    return element.apply(next++);
                }
            };
        }

        @Override
        public int size() {
            return size;
        }
    }
}
