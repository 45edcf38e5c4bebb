package io.tagsync.store;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What {@code --changed-only} compares a run's updates with: for each API and workspace (a scope), the digest of the
 * last update the API confirmed for each image. Thread-safe. Each method reads outside any transaction or writes in a
 * transaction of its own, on a connection of its own, except {@link #recordApplied}, which joins
 * {@code RequestStore.finish}'s: the store-requests step calls it from inside its tasklet's transaction, whose
 * connection must stay untouched (after H2 failed to write, its disk full, the rollback of a transaction that had
 * read would hang in H2's commit).
 */
@Repository
public class SyncState {

    /** Rows a batch of statements forgets or records. */
    static final int KEYS_AT_ONCE = 1000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final TransactionTemplate outsideTransactions;

    public SyncState(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions.getTransactionManager());
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.outsideTransactions = new TransactionTemplate(transactions.getTransactionManager());
        this.outsideTransactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
    }

    /** The last update the API confirmed for an image: its digest, and the run that applied it. */
    public record Applied(ImageDigest digest, long instanceId) {}

    /** An image's update the API confirmed. */
    public record AppliedImage(String imageId, ImageDigest digest) {}

    /** The scope of an API and workspace, made on first use. */
    public long scope(URI apiUrl, String workspace) {
        String url = apiUrl.toString();
        for (int attempt = 0; ; attempt++) {
            OptionalLong found = existingScope(apiUrl, workspace);
            if (found.isPresent()) {
                return found.getAsLong();
            }
            try {
                return ownTransaction.execute(tx -> {
                    long id = jdbc.queryForObject("SELECT COALESCE(MAX(id), 0) + 1 FROM sync_scope", Long.class);
                    jdbc.update("INSERT INTO sync_scope (id, api_url, workspace) VALUES (?, ?, ?)", id, url, workspace);
                    return id;
                });
            } catch (DuplicateKeyException e) {
                if (attempt > 3) {
                    throw e;
                }
                // another process made a scope at the same time: read it, or take the next id
            }
        }
    }

    /** The scope of an API and workspace, if a sync run made one. */
    public OptionalLong existingScope(URI apiUrl, String workspace) {
        List<Long> found = outsideTransactions.execute(tx -> jdbc.queryForList(
                "SELECT id FROM sync_scope WHERE api_url = ? AND workspace = ?",
                Long.class,
                apiUrl.toString(),
                workspace));
        return found.isEmpty() ? OptionalLong.empty() : OptionalLong.of(found.get(0));
    }

    /**
     * The last confirmed update of each of {@code imageIds} that has one (and of any image between them). {@code imageIds} are in staging's order
     * (by their UTF-8 bytes), which is the table's order on PostgreSQL (its image IDs compare as bytes) and on H2
     * for all but characters beyond the Basic Multilingual Plane: they are read as one range of the key, and an
     * image the range misses is only sent again.
     */
    public Map<String, Applied> applied(long scope, List<String> imageIds) {
        Map<String, Applied> applied = new HashMap<>(imageIds.size() * 2);
        if (imageIds.isEmpty()) {
            return applied;
        }
        // the range may hold images that are not in imageIds: they are not looked up
        outsideTransactions.executeWithoutResult(tx -> jdbc.query(
                """
                SELECT image_id, digest_high, digest_low, applied_instance FROM synced_image
                WHERE image_id BETWEEN ? AND ? AND scope_id = ?""",
                rs -> {
                    applied.put(
                            rs.getString(1), new Applied(new ImageDigest(rs.getLong(2), rs.getLong(3)), rs.getLong(4)));
                },
                imageIds.get(0),
                imageIds.get(imageIds.size() - 1),
                scope));
        return applied;
    }

    /**
     * Forgets what was applied to {@code imageIds}, in a transaction of its own: done before their new updates are
     * sent, so that until the API confirms those, the next run sends them again.
     */
    public void forget(long scope, List<String> imageIds) {
        if (imageIds.isEmpty()) {
            return;
        }
        ownTransaction.executeWithoutResult(tx -> jdbc.batchUpdate(
                "DELETE FROM synced_image WHERE image_id = ? AND scope_id = ?",
                imageIds,
                KEYS_AT_ONCE,
                (ps, imageId) -> {
                    ps.setString(1, imageId);
                    ps.setLong(2, scope);
                }));
    }

    /**
     * Records the updates the API confirmed, in the caller's transaction; the same rows however many times it runs.
     * An image ID too long for the table is not recorded, so it is always sent.
     */
    void recordApplied(long scope, long instanceId, Collection<AppliedImage> images) {
        List<AppliedImage> kept =
                images.stream().filter(image -> image.imageId().length() <= 500).toList();
        if (kept.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.batchUpdate(
                "DELETE FROM synced_image WHERE scope_id = ? AND image_id = ?", kept, KEYS_AT_ONCE, (ps, image) -> {
                    ps.setLong(1, scope);
                    ps.setString(2, image.imageId());
                });
        jdbc.batchUpdate("""
                INSERT INTO synced_image (scope_id, image_id, digest_high, digest_low, applied_instance, applied_at)
                VALUES (?, ?, ?, ?, ?, ?)""", kept, KEYS_AT_ONCE, (ps, image) -> {
            ps.setLong(1, scope);
            ps.setString(2, image.imageId());
            ps.setLong(3, image.digest().high());
            ps.setLong(4, image.digest().low());
            ps.setLong(5, instanceId);
            ps.setTimestamp(6, now);
        });
    }

    /** Forgets the images of a scope whose last confirmed update is older than {@code before}; returns how many. */
    public int prune(long scope, Instant before) {
        return ownTransaction.execute(tx -> jdbc.update(
                "DELETE FROM synced_image WHERE scope_id = ? AND applied_at < ?", scope, Timestamp.from(before)));
    }

    /** When a run of the scope last sent every image of its input; null when none did, or there is no such scope. */
    public Instant lastFull(long scope) {
        List<Timestamp> at = outsideTransactions.execute(
                tx -> jdbc.queryForList("SELECT last_full_at FROM sync_scope WHERE id = ?", Timestamp.class, scope));
        return at.isEmpty() || at.get(0) == null ? null : at.get(0).toInstant();
    }

    public void fullSent(long scope, Instant at) {
        ownTransaction.executeWithoutResult(
                tx -> jdbc.update("UPDATE sync_scope SET last_full_at = ? WHERE id = ?", Timestamp.from(at), scope));
    }

    /** A scope and the images it tracks. */
    public record Tracked(String apiUrl, String workspace, long images, Instant lastFull) {}

    /** Every scope, with how many images it tracks. */
    public List<Tracked> tracked() {
        return jdbc.query("""
                SELECT s.api_url, s.workspace, s.last_full_at,
                       (SELECT COUNT(*) FROM synced_image i WHERE i.scope_id = s.id)
                FROM sync_scope s ORDER BY s.workspace, s.api_url""", (rs, n) -> {
            Timestamp full = rs.getTimestamp(3);
            return new Tracked(rs.getString(1), rs.getString(2), rs.getLong(4), full == null ? null : full.toInstant());
        });
    }
}
