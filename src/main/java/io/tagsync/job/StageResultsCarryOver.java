package io.tagsync.job;

import io.tagsync.run.StepResults;
import io.tagsync.run.Steps;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * On a restart whose job context lacks the stage step's results — a run staged by a version that kept them in
 * the step's context only — copies them from the last stage step execution, so that the restarted run still
 * knows what it staged (rows, rejects, changes) for the reject limit and the reports.
 */
final class StageResultsCarryOver implements JobExecutionListener {

    private final JobRepository jobRepository;

    StageResultsCarryOver(JobRepository jobRepository) {
        this.jobRepository = jobRepository;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        ExecutionContext job = execution.getExecutionContext();
        if (job.containsKey(StepResults.ROWS_READ)) {
            return;
        }
        StepExecution stage = jobRepository.getLastStepExecution(execution.getJobInstance(), Steps.STAGE);
        if (stage == null || !stage.getExecutionContext().containsKey(StepResults.ROWS_READ)) {
            return;
        }
        for (String key : StepResults.ALL) {
            Object value = stage.getExecutionContext().get(key);
            if (value != null) {
                job.put(key, value);
            }
        }
        jobRepository.updateExecutionContext(execution);
    }
}
