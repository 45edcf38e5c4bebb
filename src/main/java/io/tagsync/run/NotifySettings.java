package io.tagsync.run;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tagsync.notify.*}: where to announce a run's end, a JSON POST to {@code webhookUrl} (none by default),
 * tried {@code attempts} times, each within {@code timeout}. (Apart from {@link TagsyncProperties}, where a
 * component cannot be named {@code notify}.)
 */
@ConfigurationProperties("tagsync.notify")
public record NotifySettings(
        URI webhookUrl,
        @DefaultValue("3") int attempts,
        @DefaultValue("5s") Duration timeout) {}
