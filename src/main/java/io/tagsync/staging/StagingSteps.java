package io.tagsync.staging;

import io.tagsync.input.InputReader;
import io.tagsync.input.InputRow;
import io.tagsync.input.RejectedRowException;
import io.tagsync.input.S3Store;
import io.tagsync.input.UpdateValidator;
import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.run.RunParameters;
import io.tagsync.run.Steps;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.RequestStore;
import io.tagsync.store.SyncState;
import java.util.function.Consumer;
import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The stage step: reads the input, rejects invalid rows and stores one update per image, in image-ID order, as
 * {@code PENDING} requests of 1,000 updates; nothing is sent. A flow of two steps:
 *
 * <ul>
 *   <li>{@code readRows}, chunk-oriented: the input's {@link InputReader}, {@link UpdateValidator} and a
 *       {@link SortedRowsWriter} into the run's {@link SortedRows}. A row the reader or the validator rejects is a
 *       skip ({@link RejectedRowException}, never a limit: {@code --max-rejects} is judged over the whole input
 *       before anything is sent), which {@link RejectedRows} records for {@code rejects.csv}.
 *   <li>{@code storeRequests}: merges the sorted rows into requests ({@link StoreRequestsTasklet}).
 * </ul>
 *
 * <p>Restart: a completed stage step is never repeated. One that did not complete (a failure, a kill, a stop) starts
 * over from the first row: the merger's sorted rows lived in that process, so both steps run again
 * ({@code allowStartIfComplete}), the reader does not resume from its saved position, and {@link RowsRead} clears what
 * the earlier attempt stored. What staging counted goes to the job's execution context (keys in
 * {@link io.tagsync.run.StepResults}), which a restart carries over.
 */
@Configuration(proxyBeanMethods = false)
public class StagingSteps {

    /** Rows a chunk of the read-rows step: each chunk commits its rejected rows and the step's counts. */
    static final int CHUNK_ROWS = 10_000;

    /**
     * The stage step, and the two steps of its flow. Those two are not beans of their own: Spring Batch gives every
     * step bean the application's observation registry, and the read-rows step would then observe every row it reads
     * and validates, which costs more than reading the row. The stage step's observation covers both.
     */
    @Bean
    Step stageStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            InputReader inputReader,
            SortedRowsWriter sortedRowsWriter,
            RejectedRows rejectedRows,
            RowsRead rowsRead,
            StoreRequestsTasklet storeRequestsTasklet) {
        Step readRows = new StepBuilder(Steps.READ_ROWS, jobRepository)
                        .<InputRow, InputRow>chunk(CHUNK_ROWS)
                        .transactionManager(transactionManager)
                        .reader(new StepScopedReader<>(inputReader))
                        .processor(new UpdateValidator())
                        .writer(sortedRowsWriter)
                        .faultTolerant()
                        .skip(RejectedRowException.class)
                        .skipLimit(Long.MAX_VALUE)
                        .skipListener(rejectedRows)
                        .stream(rejectedRows)
                        .listener((StepExecutionListener) rowsRead)
                        .allowStartIfComplete(true)
                        .build();
        Step storeRequests = new StepBuilder(Steps.STORE_REQUESTS, jobRepository)
                .tasklet(storeRequestsTasklet, transactionManager)
                .allowStartIfComplete(true)
                .build();
        Flow staging = new FlowBuilder<Flow>(Steps.STAGE)
                .start(readRows)
                .next(storeRequests)
                .build();
        return new StepBuilder(Steps.STAGE, jobRepository).flow(staging).build();
    }

    @Bean(destroyMethod = "close")
    @JobScope
    SortedRows sortedRows(TagsyncProperties properties) {
        return new SortedRows(
                properties.staging().spillDirOrTemp(), properties.staging().bufferRows());
    }

    /** The run's input, read from its first row whatever a failed attempt read: see the class's restart note. */
    @Bean
    @StepScope
    InputReader inputReader(@Value("#{stepExecution}") StepExecution step, TagsyncProperties properties, S3Store s3) {
        InputReader reader =
                InputReader.of(RunParameters.of(step.getJobParameters()).input(), s3::objects, properties.input());
        reader.setSaveState(false);
        return reader;
    }

    @Bean
    @StepScope
    SortedRowsWriter sortedRowsWriter(SortedRows sortedRows, InputReader inputReader) {
        return new SortedRowsWriter(sortedRows.merger(), inputReader.files().size() > 1);
    }

    @Bean
    @StepScope
    RejectedRows rejectedRows(@Value("#{stepExecution}") StepExecution step, RequestStore store) {
        return new RejectedRows(store, step.getJobExecution().getJobInstance().getInstanceId());
    }

    @Bean
    @StepScope
    RowsRead rowsRead(InputReader inputReader, RequestStore store, TagsyncMetrics metrics) {
        return new RowsRead(inputReader, store, metrics);
    }

    @Bean
    @StepScope
    StoreRequestsTasklet storeRequestsTasklet(
            @Value("#{stepExecution}") StepExecution step,
            SortedRows sortedRows,
            RequestStore store,
            SyncState sync,
            TagsyncProperties properties) {
        return new StoreRequestsTasklet(
                sortedRows.merger(), store, sync, RunParameters.of(step.getJobParameters()), properties.sync());
    }

    /** Leaves a staging result in the step's execution context and in the job's, where the steps after it read it. */
    static void results(StepExecution step, Consumer<ExecutionContext> results) {
        results.accept(step.getExecutionContext());
        results.accept(step.getJobExecution().getExecutionContext());
    }
}
