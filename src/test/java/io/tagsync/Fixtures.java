package io.tagsync;

import io.tagsync.input.ImageUpdate;
import io.tagsync.input.InputReader;
import io.tagsync.input.InputRow;
import io.tagsync.input.RejectedRowException;
import io.tagsync.input.UpdateValidator;
import io.tagsync.run.TagsyncProperties.Input;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/** Small named fixtures under src/test/resources/fixtures. */
public final class Fixtures {

    private Fixtures() {}

    public static Path fixture(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no fixture " + name, e);
        }
    }

    public static Input defaultInput() {
        return new Input("|", Map.of(), List.of(), null, null, null, null);
    }

    /** img-001 ... img-010: the images basic.csv and basic.jsonl name (img-missing aside). */
    public static final List<String> BASIC_IMAGES = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> String.format("img-%03d", i))
            .toList();

    /** An update with fresh, mutable collections in the given order. */
    public static ImageUpdate update(
            String id, Map<String, Object> set, List<String> remove, List<String> add, List<String> untag) {
        return new ImageUpdate(
                id,
                new LinkedHashMap<>(set),
                new LinkedHashSet<>(remove),
                new LinkedHashSet<>(add),
                new LinkedHashSet<>(untag));
    }

    /** A row as staging sees it: valid, or rejected by its reader or by validation. */
    public sealed interface ReadRow {

        String source();

        long row();

        long line();

        record Valid(String source, long row, long line, ImageUpdate update, long ordinal) implements ReadRow {}

        record Rejected(String source, long row, long line, String imageId, String reason) implements ReadRow {}
    }

    /** The reader staging uses for {@code input}. */
    public static InputReader open(Path input, Input settings) {
        return new InputReader(input, settings);
    }

    /** A fresh in-memory H2 repository with the job's own migrations applied. */
    public static javax.sql.DataSource repository(String name) {
        org.springframework.jdbc.datasource.SimpleDriverDataSource dataSource =
                new org.springframework.jdbc.datasource.SimpleDriverDataSource(
                        new org.h2.Driver(),
                        "jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                        "sa",
                        "");
        org.flywaydb.core.Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/h2", "classpath:db/migration/common")
                .load()
                .migrate();
        return dataSource;
    }

    /** The store of a run's requests on {@code repository}, as the job makes it. */
    public static io.tagsync.store.RequestStore requestStore(javax.sql.DataSource repository) {
        org.springframework.jdbc.datasource.DataSourceTransactionManager transactions =
                new org.springframework.jdbc.datasource.DataSourceTransactionManager(repository);
        return new io.tagsync.store.RequestStore(
                new org.springframework.jdbc.core.JdbcTemplate(repository),
                new org.springframework.transaction.support.TransactionTemplate(transactions),
                new io.tagsync.store.RepositoryOutages(transactions, java.time.Duration.ofSeconds(5)));
    }

    /** Every row of a reader, in order, validated as staging validates them; opens and closes the reader. */
    public static List<ReadRow> readAll(ItemStreamReader<InputRow> reader) {
        UpdateValidator validator = new UpdateValidator();
        List<ReadRow> rows = new ArrayList<>();
        reader.open(new ExecutionContext());
        try {
            while (true) {
                try {
                    InputRow row = reader.read();
                    if (row == null) {
                        return rows;
                    }
                    validator.process(row);
                    rows.add(new ReadRow.Valid(row.source(), row.row(), row.line(), row.update(), row.ordinal()));
                } catch (RejectedRowException e) {
                    rows.add(new ReadRow.Rejected(e.source(), e.row(), e.line(), e.imageId(), e.reason()));
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            reader.close();
        }
    }
}
