package io.tagsync.input;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Staging's validation: a row whose update the API would refuse ({@link UpdateRules}) is rejected. Thread-safe. */
public class UpdateValidator implements ItemProcessor<InputRow, InputRow> {

    @Override
    public InputRow process(InputRow row) {
        String reason = UpdateRules.violation(row.update()).orElse(null);
        if (reason != null) {
            throw new RejectedRowException(row, reason);
        }
        return row;
    }
}
