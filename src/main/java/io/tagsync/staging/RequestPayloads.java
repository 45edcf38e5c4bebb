package io.tagsync.staging;

import com.github.luben.zstd.Zstd;
import io.tagsync.store.StagedRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Turns merged updates into request bodies of the API's shape, and stored bytes back into them. */
public final class RequestPayloads {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] BODY_START = "{\"updates\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY_END = "]}".getBytes(StandardCharsets.UTF_8);

    private RequestPayloads() {}

    /** A request of {@code updates}: their JSON objects joined into the API's body, and their rows. */
    public static StagedRequest stage(int seq, List<StagedUpdate> updates) {
        int length = BODY_START.length + BODY_END.length + Math.max(0, updates.size() - 1);
        for (StagedUpdate update : updates) {
            length += update.bytes().length - update.jsonOffset();
        }
        byte[] body = new byte[length];
        System.arraycopy(BODY_START, 0, body, 0, BODY_START.length);
        int at = BODY_START.length;
        for (int i = 0; i < updates.size(); i++) {
            StagedUpdate update = updates.get(i);
            if (i > 0) {
                body[at++] = ',';
            }
            int size = update.bytes().length - update.jsonOffset();
            System.arraycopy(update.bytes(), update.jsonOffset(), body, at, size);
            at += size;
        }
        System.arraycopy(BODY_END, 0, body, at, BODY_END.length);
        StringBuilder refs = new StringBuilder(updates.size() * 8);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (StagedUpdate update : updates) {
            refs.append(update.rows()).append('\n');
            first = Math.min(first, update.firstRow());
            last = Math.max(last, update.lastRow());
        }
        return new StagedRequest(seq, first, last, updates.size(), Zstd.compress(body, 1), compress(refs.toString()));
    }

    /** The request body as it goes on the wire. */
    public static byte[] body(byte[] storedPayload) {
        return decompress(storedPayload);
    }

    /**
     * The image of each update, in request order, with the input rows folded into it. The stored rows hold one
     * line of rows per update, and the images come from the body.
     */
    public static List<ImageRows> imageRows(byte[] storedPayload, byte[] storedImageRows) {
        List<String> rows = rows(storedImageRows);
        List<String> imageIds = imageIds(body(storedPayload));
        if (imageIds.size() != rows.size()) {
            throw new IllegalStateException(
                    "a stored request holds " + imageIds.size() + " updates but rows for " + rows.size());
        }
        List<ImageRows> result = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            result.add(new ImageRows(imageIds.get(i), rows.get(i)));
        }
        return result;
    }

    /** The input rows of each update, in request order. */
    private static List<String> rows(byte[] storedImageRows) {
        String text = new String(decompress(storedImageRows), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            lines.add(text.substring(start, end));
            start = end + 1;
        }
        return lines;
    }

    /** The imageId of each update of a request body, in order. */
    private static List<String> imageIds(byte[] body) {
        List<String> imageIds = new ArrayList<>();
        forEachUpdate(body, (imageId, start, end) -> imageIds.add(imageId));
        return imageIds;
    }

    /** An update of a request body: its imageId, and where its JSON object starts and ends in the body. */
    interface UpdateVisitor {
        void update(String imageId, int start, int end);
    }

    /** Visits each update of a request body, in order. */
    static void forEachUpdate(byte[] body, UpdateVisitor visitor) {
        try (JsonParser json = JSON.createParser(body)) {
            json.nextToken();
            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean updates = json.currentName().equals("updates");
                if (json.nextToken() != JsonToken.START_ARRAY || !updates) {
                    json.skipChildren();
                    continue;
                }
                while (json.nextToken() == JsonToken.START_OBJECT) {
                    int start = (int) json.currentTokenLocation().getByteOffset();
                    String imageId = null;
                    while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = json.currentName();
                        json.nextToken();
                        if (field.equals("imageId")) {
                            imageId = json.getString();
                        }
                        json.skipChildren();
                    }
                    visitor.update(imageId, start, (int) json.currentLocation().getByteOffset());
                }
            }
        }
    }

    public record ImageRows(String imageId, String rows) {}

    /**
     * Splits a stored request into two halves of its updates (the first one the larger), keeping each
     * update's image rows with it; {@code seq} and the row range are left for the caller.
     */
    public static List<StagedRequest> halves(
            byte[] storedPayload, byte[] storedImageRows, long firstRow, long lastRow) {
        JsonNode updates = JSON.readTree(body(storedPayload)).get("updates");
        int middle = (updates.size() + 1) / 2;
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            (i < middle ? first : second).add(i);
        }
        return parts(updates, rows(storedImageRows), List.of(first, second), firstRow, lastRow);
    }

    /**
     * Splits a stored request into groups in which no key or tag is set (or added) by one update and removed by
     * another, in request order, each update in the first group it does not conflict with; a request without
     * such conflicts comes back as one group. For a server that refuses such batches as a whole, though each
     * update is valid alone.
     */
    public static List<StagedRequest> conflictFreeGroups(
            byte[] storedPayload, byte[] storedImageRows, long firstRow, long lastRow) {
        JsonNode updates = JSON.readTree(body(storedPayload)).get("updates");
        List<ConflictGroup> groups = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            JsonNode update = updates.get(i);
            Set<String> sets = names(update, "metadata", "addTags");
            Set<String> removes = names(update, "removeMetadata", "removeTags");
            ConflictGroup home = null;
            for (ConflictGroup group : groups) {
                if (!group.conflictsWith(sets, removes)) {
                    home = group;
                    break;
                }
            }
            if (home == null) {
                home = new ConflictGroup();
                groups.add(home);
            }
            home.add(i, sets, removes);
        }
        if (groups.size() <= 1) {
            return List.of(new StagedRequest(0, firstRow, lastRow, updates.size(), storedPayload, storedImageRows));
        }
        return parts(
                updates,
                rows(storedImageRows),
                groups.stream().map(group -> group.indexes).toList(),
                firstRow,
                lastRow);
    }

    /** The keys (as {@code k:KEY}) or tags ({@code t:TAG}) an update names under the two fields. */
    private static Set<String> names(JsonNode update, String keysField, String tagsField) {
        Set<String> names = new HashSet<>();
        JsonNode keys = update.get(keysField);
        if (keys != null && keys.isObject()) {
            keys.propertyNames().forEach(key -> names.add("k:" + key));
        } else if (keys != null && keys.isArray()) {
            keys.forEach(key -> names.add("k:" + key.asString()));
        }
        JsonNode tags = update.get(tagsField);
        if (tags != null && tags.isArray()) {
            tags.forEach(tag -> names.add("t:" + tag.asString()));
        }
        return names;
    }

    private static final class ConflictGroup {
        final List<Integer> indexes = new ArrayList<>();
        final Set<String> sets = new HashSet<>();
        final Set<String> removes = new HashSet<>();

        boolean conflictsWith(Set<String> otherSets, Set<String> otherRemoves) {
            return !Collections.disjoint(sets, otherRemoves) || !Collections.disjoint(removes, otherSets);
        }

        void add(int index, Set<String> otherSets, Set<String> otherRemoves) {
            indexes.add(index);
            sets.addAll(otherSets);
            removes.addAll(otherRemoves);
        }
    }

    private static List<StagedRequest> parts(
            JsonNode updates, List<String> rows, List<List<Integer>> groups, long firstRow, long lastRow) {
        List<StagedRequest> parts = new ArrayList<>(groups.size());
        for (List<Integer> group : groups) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            StringBuilder refs = new StringBuilder();
            try (JsonGenerator json = JSON.createGenerator(body)) {
                json.writeStartObject();
                json.writeName("updates");
                json.writeStartArray();
                for (int i : group) {
                    json.writeTree(updates.get(i));
                    refs.append(rows.get(i)).append('\n');
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            parts.add(new StagedRequest(
                    0,
                    firstRow,
                    lastRow,
                    group.size(),
                    Zstd.compress(body.toByteArray(), 1),
                    compress(refs.toString())));
        }
        return parts;
    }

    /** The one update of a single-update request, as the single-image endpoint takes it. */
    public static SingleUpdate single(byte[] storedPayload) {
        JsonNode update = JSON.readTree(body(storedPayload)).get("updates").get(0);
        String imageId = update.get("imageId").stringValue();
        ((ObjectNode) update).remove("imageId");
        return new SingleUpdate(imageId, JSON.writeValueAsBytes(update));
    }

    public record SingleUpdate(String imageId, byte[] body) {}

    /**
     * Zstandard at level 1: request bodies are stored once and read once or twice, and this compresses them
     * about twice as fast as gzip's fastest level, to less than half the size.
     */
    private static byte[] compress(String text) {
        return Zstd.compress(text.getBytes(StandardCharsets.UTF_8), 1);
    }

    /** Stored bytes as written. */
    private static byte[] decompress(byte[] bytes) {
        long size = Zstd.getFrameContentSize(bytes);
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new IllegalStateException("corrupt stored request: not a Zstandard frame of known size");
        }
        return Zstd.decompress(bytes, (int) size);
    }
}
