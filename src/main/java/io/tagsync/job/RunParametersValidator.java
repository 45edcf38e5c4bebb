package io.tagsync.job;

import io.tagsync.run.RunParameters;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.submission.RejectLimit;
import java.net.URI;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * Checks a run's parameters before the job starts, so that a bad value fails at once with a message naming
 * it, never halfway through a step: the identifying three, an absolute API URL that the key may go to (not
 * plain http to another host), a concurrency of at least one, and a reject limit that parses.
 */
final class RunParametersValidator implements JobParametersValidator {

    private final TagsyncProperties.Api api;

    RunParametersValidator(TagsyncProperties.Api api) {
        this.api = api;
    }

    @Override
    public void validate(JobParameters parameters) throws InvalidJobParametersException {
        for (String name :
                new String[] {RunParameters.INPUT, RunParameters.WORKSPACE, RunParameters.RUN_KEY, RunParameters.API_URL
                }) {
            String value = parameters.getString(name);
            if (value == null || value.isBlank()) {
                throw new InvalidJobParametersException("the run has no " + name);
            }
        }
        try {
            URI url = URI.create(parameters.getString(RunParameters.API_URL));
            if (!url.isAbsolute() || url.getHost() == null) {
                throw new InvalidJobParametersException("--api-url must be an absolute http(s) URL, not " + url);
            }
            String refusal = api.plainHttpRefusal(url);
            if (refusal != null) {
                throw new InvalidJobParametersException(refusal);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidJobParametersException("--api-url is not a URL: " + e.getMessage());
        }
        Long concurrency = parameters.getLong(RunParameters.CONCURRENCY);
        if (concurrency != null && concurrency < 0) {
            throw new InvalidJobParametersException("--concurrency must be auto or at least 1, not " + concurrency);
        }
        try {
            RejectLimit.parse(parameters.getString(RunParameters.MAX_REJECTS));
        } catch (IllegalArgumentException e) {
            throw new InvalidJobParametersException(e.getMessage());
        }
    }
}
