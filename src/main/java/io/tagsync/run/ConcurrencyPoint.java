package io.tagsync.run;

import java.time.Instant;

/** From {@code at} on, a process let {@code calls} of a run's API calls be in flight at once. */
public record ConcurrencyPoint(Instant at, int calls) {}
