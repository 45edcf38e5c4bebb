package io.tagsync.job;

import io.micrometer.observation.ObservationRegistry;
import io.tagsync.api.ApiClientFactory;
import io.tagsync.metrics.TagsyncMetrics;
import io.tagsync.polling.AwaitTasklet;
import io.tagsync.reporting.ReportTasklet;
import io.tagsync.reporting.RunReports;
import io.tagsync.run.Partition;
import io.tagsync.run.RunConcurrency;
import io.tagsync.run.RunParameters;
import io.tagsync.run.Steps;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.ConcurrencyHistory;
import io.tagsync.store.RequestStore;
import io.tagsync.submission.RejectLimitCheck;
import io.tagsync.submission.RequestSender;
import io.tagsync.submission.SubmitTasklet;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code tagsync} job: stage → submit → await → report. On a restart Spring Batch skips the steps that
 * completed, and each step picks up from the request statuses in {@code batch_request}.
 */
@Configuration(proxyBeanMethods = false)
public class TagsyncJobConfiguration {

    public static final String JOB_NAME = "tagsync";

    /**
     * The job registry, as a bean: it registers the job once the context is up. {@code JobOperator.stop} finds the
     * running step's tasklet through it; the registry Spring Batch would make on its own is filled before the job
     * bean exists, and stays empty.
     */
    @Bean
    MapJobRegistry jobRegistry() {
        return new MapJobRegistry();
    }

    @Bean
    Job tagsyncJob(
            JobRepository jobRepository,
            Step stageStep,
            Step submitStep,
            Step awaitStep,
            Step reportStep,
            GracefulShutdown gracefulShutdown,
            ObservationRegistry observations,
            TagsyncProperties properties) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .validator(new RunParametersValidator(properties.api()))
                .observationRegistry(observations)
                .listener(gracefulShutdown)
                .listener(new RunOutcome())
                .start(stageStep)
                .next(submitStep)
                .next(awaitStep)
                .next(reportStep)
                .build();
    }

    /**
     * The submit step: a partitioned step whose partitions ({@link RequestPartitioner}) each send their requests
     * and follow their tasks, on this process's threads or, with {@code tagsync.partition.remote}, on workers.
     * The reject limit is checked before anything is split or sent.
     */
    @Bean
    Step submitStep(
            JobRepository jobRepository,
            Step submitPartitionStep,
            RequestPartitioner requestPartitioner,
            PartitionDispatch dispatch,
            RunReports reports,
            ObservationRegistry observations) {
        RejectLimitCheck rejectLimit = new RejectLimitCheck(
                (run, instance) -> reports.writeRejects(reports.directory(run, instance), instance));
        return partitioned(
                new StepBuilder(Steps.SUBMIT, jobRepository).listener(rejectLimit),
                submitPartitionStep,
                requestPartitioner,
                dispatch,
                observations);
    }

    /** The await step: the same partitions follow the tasks still open after the submit step, and resend. */
    @Bean
    Step awaitStep(
            JobRepository jobRepository,
            Step awaitPartitionStep,
            RequestPartitioner requestPartitioner,
            PartitionDispatch dispatch,
            ObservationRegistry observations) {
        return partitioned(
                new StepBuilder(Steps.AWAIT, jobRepository),
                awaitPartitionStep,
                requestPartitioner,
                dispatch,
                observations);
    }

    private static Step partitioned(
            StepBuilder manager,
            Step worker,
            RequestPartitioner partitioner,
            PartitionDispatch dispatch,
            ObservationRegistry observations) {
        PartitionWatch watch = dispatch.watch(worker.getName());
        if (watch != null) {
            manager.listener(watch);
        }
        return manager.observationRegistry(observations)
                .partitioner(worker.getName(), partitioner)
                .partitionHandler(dispatch.handler(worker))
                .build();
    }

    /**
     * The submit and await tasklets run for as long as the API work takes, and record each request's progress in
     * a short transaction of its own (RequestStore). A database transaction around the whole tasklet would hold
     * a connection, and on PostgreSQL a snapshot, for hours, and a database restart in the meantime would leave
     * the step's end unrecordable (UNKNOWN); without one, the step's end is recorded on a fresh connection.
     */
    private static final PlatformTransactionManager WORK_OUTSIDE_TRANSACTIONS = new ResourcelessTransactionManager();

    @Bean
    Step submitPartitionStep(
            JobRepository jobRepository,
            SubmitTasklet submitTasklet,
            PartitionSlots slots,
            Fences fences,
            ObservationRegistry observations) {
        return new StepBuilder(Steps.SUBMIT_PARTITION, jobRepository)
                .observationRegistry(observations)
                .listener(slots)
                .listener(fences)
                .tasklet(submitTasklet, WORK_OUTSIDE_TRANSACTIONS)
                .build();
    }

    @Bean
    Step awaitPartitionStep(
            JobRepository jobRepository,
            AwaitTasklet awaitTasklet,
            PartitionSlots slots,
            Fences fences,
            ObservationRegistry observations) {
        return new StepBuilder(Steps.AWAIT_PARTITION, jobRepository)
                .observationRegistry(observations)
                .listener(slots)
                .listener(fences)
                .tasklet(awaitTasklet, WORK_OUTSIDE_TRANSACTIONS)
                .build();
    }

    @Bean
    @StepScope
    RequestPartitioner requestPartitioner(@Value("#{stepExecution}") StepExecution step, RequestStore store) {
        return new RequestPartitioner(store, instanceOf(step));
    }

    /** The report step runs again on every restart, even of a completed run, to write the reports anew. */
    @Bean
    Step reportStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            ReportTasklet reportTasklet,
            ObservationRegistry observations) {
        return new StepBuilder(Steps.REPORT, jobRepository)
                .observationRegistry(observations)
                .tasklet(reportTasklet, transactionManager)
                .allowStartIfComplete(true)
                .build();
    }

    // The steps' work, one tasklet each, made for each step execution from the run's job parameters.

    @Bean
    @StepScope
    SubmitTasklet submitTasklet(
            @Value("#{stepExecution}") StepExecution step,
            JobRepository jobRepository,
            RequestStore store,
            ConcurrencyHistory history,
            ApiClientFactory clients,
            RequestSender sender,
            TagsyncProperties properties,
            Fences fences,
            TagsyncMetrics metrics) {
        return new SubmitTasklet(
                jobRepository,
                partition(step, properties, fences),
                store,
                history,
                clients,
                sender,
                properties.await(),
                metrics);
    }

    @Bean
    @StepScope
    AwaitTasklet awaitTasklet(
            @Value("#{stepExecution}") StepExecution step,
            JobRepository jobRepository,
            RequestStore store,
            ConcurrencyHistory history,
            ApiClientFactory clients,
            RequestSender sender,
            TagsyncProperties properties,
            Fences fences,
            TagsyncMetrics metrics) {
        return new AwaitTasklet(
                jobRepository,
                partition(step, properties, fences),
                store,
                history,
                clients,
                sender,
                properties.await(),
                metrics);
    }

    @Bean
    @StepScope
    ReportTasklet reportTasklet(
            @Value("#{stepExecution}") StepExecution step,
            RequestStore store,
            ConcurrencyHistory history,
            RunReports reports,
            TagsyncMetrics metrics) {
        return new ReportTasklet(
                RunParameters.of(step.getJobParameters()), instanceOf(step), store, history, reports, metrics);
    }

    private static long instanceOf(StepExecution step) {
        return step.getJobExecution().getJobInstance().getInstanceId();
    }

    /** The partition a step execution works on, as its partitioner named it. */
    private static Partition partition(StepExecution step, TagsyncProperties properties, Fences fences) {
        RunParameters run = RunParameters.of(step.getJobParameters());
        return new Partition(
                run,
                instanceOf(step),
                step.getExecutionContext().getInt(Steps.PART),
                RunConcurrency.of(run, properties),
                fences.of(step.getId()));
    }
}
