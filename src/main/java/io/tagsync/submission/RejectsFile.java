package io.tagsync.submission;

import io.tagsync.run.RunParameters;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a run's rejected rows where its reports go, and says where: for a run stopped by the reject limit. */
@FunctionalInterface
public interface RejectsFile {

    Path write(RunParameters run, long instanceId) throws IOException;
}
