package io.tagsync.staging;

import io.tagsync.input.ImageUpdate;
import io.tagsync.input.SmallMap;
import io.tagsync.input.SmallSet;
import java.util.Map;
import java.util.Set;

/**
 * All the rows of one image folded into one update, equal to applying them one after the other: a later set
 * of a key wins over an earlier set or remove of it, a later add of a tag over an earlier remove, and the
 * other way round. It may take over the collections of the first update it is given (see {@link #apply}):
 * give it updates whose collections nothing else changes. Not thread-safe.
 */
public final class MergedUpdate {

    private final String imageId;
    private Map<String, Object> metadata = new SmallMap<>();
    private Set<String> removeMetadata = new SmallSet<>();
    private Set<String> addTags = new SmallSet<>();
    private Set<String> removeTags = new SmallSet<>();
    private final StringBuilder rows = new StringBuilder();
    private long rowsLeftOut;
    private boolean empty = true;
    private long firstRow;
    private long lastRow;

    public MergedUpdate(String imageId) {
        this.imageId = imageId;
    }

    /**
     * Folds in one row. {@code ordinal} is the row's place in the whole input, {@code rowRef} how reports name
     * it (its row number, or {@code file:row} in a directory of files).
     */
    public void apply(ImageUpdate update, long ordinal, String rowRef) {
        apply(update, ordinal, ordinal, rowRef, 0);
    }

    /**
     * Folds in rows already folded: {@code first} and {@code last} are the places of the first and last, and
     * {@code rowRefs} names them, but for {@code leftOut} more that it leaves out.
     */
    void apply(ImageUpdate update, long first, long last, String rowRefs, long leftOut) {
        if (empty && isOwned(update)) {
            // the first row is the merge so far: take its collections rather than copy them
            metadata = update.metadata();
            removeMetadata = update.removeMetadata();
            addTags = update.addTags();
            removeTags = update.removeTags();
            empty = false;
            firstRow = first;
            lastRow = last;
            name(rowRefs, leftOut);
            return;
        }
        // each key and tag moves to the end when a row names it again: the order is that of their last mention,
        // which folding rows that were folded already (a spilled run's) gives as well
        for (String key : update.removeMetadata()) {
            metadata.remove(key);
            removeMetadata.remove(key);
            removeMetadata.add(key);
        }
        for (Map.Entry<String, Object> entry : update.metadata().entrySet()) {
            removeMetadata.remove(entry.getKey());
            metadata.remove(entry.getKey());
            metadata.put(entry.getKey(), entry.getValue());
        }
        for (String tag : update.removeTags()) {
            addTags.remove(tag);
            removeTags.remove(tag);
            removeTags.add(tag);
        }
        for (String tag : update.addTags()) {
            removeTags.remove(tag);
            addTags.remove(tag);
            addTags.add(tag);
        }
        if (empty) {
            empty = false;
            firstRow = first;
        }
        name(rowRefs, leftOut);
        lastRow = last;
    }

    /**
     * Adds row references to {@link #rows}, up to {@value #ROWS_SHOWN} characters: an image with a million rows
     * names its first ones and counts the others.
     */
    private void name(String rowRefs, long leftOut) {
        if (rowsLeftOut == 0 && rows.length() + rowRefs.length() < ROWS_SHOWN) {
            if (!rows.isEmpty()) {
                rows.append(',');
            }
            rows.append(rowRefs);
        } else {
            rowsLeftOut += rowRefs.isEmpty()
                    ? 0
                    : 1 + rowRefs.chars().filter(c -> c == ',').count();
        }
        rowsLeftOut += leftOut;
    }

    static final int ROWS_SHOWN = 1000;

    /** Collections a merge may take over and change: the mutable, ordered ones that decoding makes. */
    private static boolean isOwned(ImageUpdate update) {
        return update.metadata() instanceof SmallMap
                && update.removeMetadata() instanceof SmallSet
                && update.addTags() instanceof SmallSet
                && update.removeTags() instanceof SmallSet;
    }

    public String imageId() {
        return imageId;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Set<String> removeMetadata() {
        return removeMetadata;
    }

    public Set<String> addTags() {
        return addTags;
    }

    public Set<String> removeTags() {
        return removeTags;
    }

    /** The input rows folded in, comma-separated, in input order; past a thousand characters, how many more. */
    public String rows() {
        return rowsText(rows.toString(), rowsLeftOut);
    }

    /** References shown, and the count of those left out, as {@link #rows} gives them. */
    static String rowsText(String shown, long leftOut) {
        return leftOut == 0 ? shown : shown + ",… " + leftOut + " more";
    }

    /** The references {@link #rows} shows, without the count of those left out. */
    String rowsShown() {
        return rows.toString();
    }

    long rowsLeftOut() {
        return rowsLeftOut;
    }

    public long firstRow() {
        return firstRow;
    }

    public long lastRow() {
        return lastRow;
    }
}
