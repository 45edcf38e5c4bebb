package io.tagsync.staging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

/** Turns merged updates into request bodies of the API's shape, and stored bytes back into them. */
public final class RequestPayloads {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] BODY_START = "{\"updates\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY_END = "]}".getBytes(StandardCharsets.UTF_8);
    /** First line of stored rows that name no images (the body does). */
    private static final String ROWS_ONLY_LINE = "#rows";
    private static final String ROWS_ONLY = ROWS_ONLY_LINE + "\n";

    private RequestPayloads() {
    }

    /** A request of {@code updates}: their JSON objects joined into the API's body, and their rows. */
    public static StagedRequest stage(int seq, List<StagedUpdate> updates) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(updates.size() * 32);
        try (OutputStream gzip = fastGzip(body)) {
            gzip.write(BODY_START);
            for (int i = 0; i < updates.size(); i++) {
                StagedUpdate update = updates.get(i);
                if (i > 0) {
                    gzip.write(',');
                }
                gzip.write(update.bytes(), update.jsonOffset(), update.bytes().length - update.jsonOffset());
            }
            gzip.write(BODY_END);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder refs = new StringBuilder(updates.size() * 8).append(ROWS_ONLY);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (StagedUpdate update : updates) {
            refs.append(update.rows()).append('\n');
            first = Math.min(first, update.firstRow());
            last = Math.max(last, update.lastRow());
        }
        return new StagedRequest(seq, first, last, updates.size(), body.toByteArray(), gzip(refs.toString()));
    }

    /** The request body as it goes on the wire. */
    public static byte[] body(byte[] storedPayload) {
        return gunzip(storedPayload);
    }

    /**
     * The image of each update, in request order, with the input rows folded into it. The stored rows hold one
     * line of rows per update, after a {@value #ROWS_ONLY_LINE} line, and the images come from the body; rows
     * stored by earlier versions (no such line) hold {@code imageId<TAB>rows} lines, and are read as such.
     */
    public static List<ImageRows> imageRows(byte[] storedPayload, byte[] storedImageRows) {
        List<String> rows = rows(storedImageRows);
        List<String> imageIds = imageIds(body(storedPayload));
        if (imageIds.size() != rows.size()) {
            throw new IllegalStateException("a stored request holds " + imageIds.size() + " updates but rows for "
                    + rows.size());
        }
        List<ImageRows> result = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            result.add(new ImageRows(imageIds.get(i), rows.get(i)));
        }
        return result;
    }

    /** The input rows of each update, in request order, from rows stored in either form. */
    private static List<String> rows(byte[] storedImageRows) {
        String text = new String(gunzip(storedImageRows), StandardCharsets.UTF_8);
        if (text.startsWith(ROWS_ONLY)) {
            return lines(text, ROWS_ONLY.length());
        }
        List<String> rows = lines(text, 0);
        rows.replaceAll(line -> line.substring(line.indexOf('\t') + 1));
        return rows;
    }

    private static List<String> lines(String text, int start) {
        List<String> lines = new ArrayList<>();
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
        try (JsonParser json = JSON.createParser(body)) {
            json.nextToken();
            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean updates = json.currentName().equals("updates");
                if (json.nextToken() != JsonToken.START_ARRAY || !updates) {
                    json.skipChildren();
                    continue;
                }
                while (json.nextToken() == JsonToken.START_OBJECT) {
                    String imageId = null;
                    while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = json.currentName();
                        json.nextToken();
                        if (field.equals("imageId")) {
                            imageId = json.getString();
                        }
                        json.skipChildren();
                    }
                    imageIds.add(imageId);
                }
            }
        }
        return imageIds;
    }

    public record ImageRows(String imageId, String rows) {
    }

    /**
     * Splits a stored request into two halves of its updates (the first one the larger), keeping each
     * update's image rows with it; {@code seq} and the row range are left for the caller.
     */
    public static List<StagedRequest> halves(byte[] storedPayload, byte[] storedImageRows, long firstRow, long lastRow) {
        JsonNode updates = JSON.readTree(body(storedPayload)).get("updates");
        List<String> rows = rows(storedImageRows);
        int middle = (updates.size() + 1) / 2;
        return List.of(part(updates, rows, 0, middle, firstRow, lastRow),
                part(updates, rows, middle, updates.size(), firstRow, lastRow));
    }

    private static StagedRequest part(JsonNode updates, List<String> rows, int from, int to, long firstRow,
            long lastRow) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        StringBuilder refs = new StringBuilder(ROWS_ONLY);
        try (OutputStream gzip = new GZIPOutputStream(body); JsonGenerator json = JSON.createGenerator(gzip)) {
            json.writeStartObject();
            json.writeName("updates");
            json.writeStartArray();
            for (int i = from; i < to; i++) {
                json.writeTree(updates.get(i));
                refs.append(rows.get(i)).append('\n');
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StagedRequest(0, firstRow, lastRow, to - from, body.toByteArray(), gzip(refs.toString()));
    }

    /** The one update of a single-update request, as the single-image endpoint takes it. */
    public static SingleUpdate single(byte[] storedPayload) {
        JsonNode update = JSON.readTree(body(storedPayload)).get("updates").get(0);
        String imageId = update.get("imageId").stringValue();
        ((ObjectNode) update).remove("imageId");
        return new SingleUpdate(imageId, JSON.writeValueAsBytes(update));
    }

    public record SingleUpdate(String imageId, byte[] body) {
    }

    /** gzip at the fastest level: request bodies are stored once and read once or twice. */
    private static OutputStream fastGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 1 << 14) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        };
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length() / 3 + 64);
        try (OutputStream gzip = fastGzip(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
