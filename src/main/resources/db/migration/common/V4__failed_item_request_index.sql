-- Recording a request's outcome first clears the failed items an earlier attempt recorded for it.
CREATE INDEX failed_item_request_ix ON failed_item (request_id);
