package io.tagsync.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tagsync.reporting.ReportTasklet;
import io.tagsync.run.ExitCodes;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.ExitStatus;

/** The exit status a run ends with, as a process exit code and two lines of words. */
class RunOutcomeTest {

    @Test
    void eachExitStatusHasTheExitCodeTheReadmeGives() {
        assertThat(RunOutcome.EXIT_CODES.intValue("COMPLETED")).isEqualTo(ExitCodes.OK);
        assertThat(RunOutcome.EXIT_CODES.intValue(ReportTasklet.COMPLETED_WITH_FAILURES))
                .isEqualTo(ExitCodes.PARTIAL);
        assertThat(RunOutcome.EXIT_CODES.intValue("FAILED")).isEqualTo(ExitCodes.FAILED);
        assertThat(RunOutcome.EXIT_CODES.intValue("STOPPED")).isEqualTo(ExitCodes.FAILED);
        assertThat(RunOutcome.EXIT_CODES.intValue(RunOutcome.BAD_KEY)).isEqualTo(ExitCodes.BAD_KEY);
        assertThat(RunOutcome.EXIT_CODES.intValue(RunOutcome.NO_WORKSPACE)).isEqualTo(ExitCodes.NO_WORKSPACE);
        assertThat(RunOutcome.EXIT_CODES.intValue("SOMETHING_ELSE"))
                .as("an exit status no run ends with is a failure, never a success")
                .isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void theDescriptionHoldsWhatWentWrongThenTheNextStep() {
        ExitStatus status = new ExitStatus("FAILED", "input.csv: line 3: not valid UTF-8\nfix the input, then rerun");

        assertThat(RunOutcome.failure(status)).isEqualTo("input.csv: line 3: not valid UTF-8");
        assertThat(RunOutcome.nextStep(status)).isEqualTo("fix the input, then rerun");
    }
}
