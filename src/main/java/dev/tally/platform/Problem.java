package dev.tally.platform;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 7807 problem details, the error body of the admin, outcomes and reports APIs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {}
