package io.tagsync.api;

import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * Roboflow's batch metadata API. Bodies go as ready-made JSON bytes: requests are serialized once, at
 * staging, and sent as stored. Answers come back whole, status and bytes, judged by {@code RoboflowClient} and
 * read by {@link Answers} in whichever shape the server sent.
 */
@HttpExchange(accept = "application/json")
interface RoboflowApi {

    @PostExchange(url = "/{workspace}/images/metadata", contentType = "application/json")
    ResponseEntity<byte[]> batchUpdate(@PathVariable String workspace, @RequestBody byte[] body);

    @PostExchange(url = "/{workspace}/images/{imageId}/metadata", contentType = "application/json")
    ResponseEntity<byte[]> singleUpdate(
            @PathVariable String workspace, @PathVariable String imageId, @RequestBody byte[] body);

    @GetExchange("/{workspace}/asynctasks/{taskId}")
    ResponseEntity<byte[]> taskStatus(@PathVariable String workspace, @PathVariable String taskId);

    /** A task's status at the URL its {@code 202} answer gave (on the API's own host only). */
    @GetExchange
    ResponseEntity<byte[]> taskStatusAt(URI url);
}
