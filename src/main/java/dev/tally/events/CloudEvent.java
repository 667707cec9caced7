package dev.tally.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode. {@code id} is the dedupe key downstream;
 * {@code subject} is the team id, which is also the Kafka message key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// lenient: CloudEvents admits extension attributes, and a stored event may come from a newer Tally
@JsonIgnoreProperties(ignoreUnknown = true)
public record CloudEvent<T>(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String USAGE_TYPE = "dev.tally.usage.v1";
    public static final String OUTCOME_TYPE = "dev.tally.outcome.v1";
    public static final String ALERT_TYPE = "dev.tally.alert.v1";

    public static <T> CloudEvent<T> of(String id, String source, String type, String subject, Instant time, T data) {
        return new CloudEvent<>(SPEC_VERSION, id, source, type, subject, time, "application/json", data);
    }
}
