package dev.tally.rollup;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.tally.events.CloudEvent;
import dev.tally.events.UsageData;

/**
 * Turns a Kafka message into a validated usage or outcome event, or says precisely why it cannot be
 * counted. Strict on types (no string-to-number coercion, no fractional token counts), lenient on
 * unknown fields so producers can add fields before the aggregator knows them.
 */
public final class EventDecoder {

    static final int MAX_ID = 256;
    static final int MAX_TEXT = 200;
    static final int MAX_REASON = 500;
    /** numeric(12,3) of outcome.value_hours. */
    static final BigDecimal MAX_VALUE_HOURS = new BigDecimal("999999999.999");
    /**
     * Plausibility caps of one call (a billion tokens, $10,000): far above any real call, and low
     * enough that no batch sum can overflow a bigint and wedge the pipeline on one absurd event.
     */
    static final long MAX_TOKENS = 1_000_000_000L;
    static final long MAX_COST_NANOS = 10_000_000_000_000L;

    private static final Set<String> USAGE_OUTCOMES = Set.of(UsageData.OUTCOME_OK, UsageData.OUTCOME_UPSTREAM_ERROR,
            UsageData.OUTCOME_CLIENT_CANCELLED, UsageData.OUTCOME_REJECTED);

    record UsageWire(String requestId, String keyId, String employeeId, String teamId, String provider, String model,
            String api, Boolean stream, Integer status, String outcome, Long inputTokens, Long outputTokens,
            Long cacheReadTokens, Long cacheWriteTokens, Long reasoningTokens, Long costNanos, Boolean priced,
            Boolean estimated, Long latencyMs, Long ttftMs, String downgradedFrom) {
    }

    record UsageEnvelope(String specversion, String id, String source, String type, String subject, Instant time,
            UsageWire data) {
    }

    record OutcomeWire(String kind, String teamId, String employeeId, Boolean aiAssisted, List<String> attribution,
            String source, String ref, Instant occurredAt, String severity, BigDecimal valueHours) {
    }

    record OutcomeEnvelope(String specversion, String id, String source, String type, String subject, Instant time,
            OutcomeWire data) {
    }

    private final ObjectReader usageReader;
    private final ObjectReader outcomeReader;

    public EventDecoder() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
        this.usageReader = mapper.readerFor(UsageEnvelope.class);
        this.outcomeReader = mapper.readerFor(OutcomeEnvelope.class);
    }

    /**
     * @param fallbackTime the Kafka record's timestamp, used when the event has no {@code time}
     *                     (it is stored in the log, so a re-read lands on the same day)
     */
    public UsageEvent usage(byte[] value, Instant fallbackTime) throws InvalidEventException {
        UsageEnvelope e = read(usageReader, value);
        envelope(e.specversion(), e.id(), e.type(), CloudEvent.USAGE_TYPE);
        UsageWire d = e.data();
        if (d == null) {
            throw new InvalidEventException("data: missing");
        }
        UUID team = uuid("data.teamId", d.teamId(), true);
        subject(e.subject(), team);
        UUID employee = uuid("data.employeeId", d.employeeId(), true);
        String provider = text("data.provider", d.provider());
        String model = text("data.model", d.model());
        if (d.outcome() == null || !USAGE_OUTCOMES.contains(d.outcome())) {
            throw new InvalidEventException("data.outcome: " + (d.outcome() == null ? "missing" : "unknown value '"
                    + clip(d.outcome()) + "'") + ", expected one of " + USAGE_OUTCOMES.stream().sorted().toList());
        }
        long in = tokens("data.inputTokens", d.inputTokens());
        long out = tokens("data.outputTokens", d.outputTokens());
        long cacheRead = tokens("data.cacheReadTokens", d.cacheReadTokens());
        long cacheWrite = tokens("data.cacheWriteTokens", d.cacheWriteTokens());
        long reasoning = d.reasoningTokens() == null ? 0 : tokens("data.reasoningTokens", d.reasoningTokens());
        if (d.priced() == null) {
            throw new InvalidEventException("data.priced: missing");
        }
        long cost = 0;
        if (d.priced()) {
            if (d.costNanos() == null) {
                throw new InvalidEventException("data.costNanos: missing on a priced call");
            }
            if (d.costNanos() < 0) {
                throw new InvalidEventException("data.costNanos: negative (" + d.costNanos() + ")");
            }
            if (d.costNanos() > MAX_COST_NANOS) {
                throw new InvalidEventException("data.costNanos: " + d.costNanos() + " exceeds the per-call cap "
                        + MAX_COST_NANOS);
            }
            cost = d.costNanos();
        }
        Instant time = e.time() != null ? e.time() : fallbackTime;
        if (time == null) {
            throw new InvalidEventException("time: missing");
        }
        boolean error = UsageData.OUTCOME_UPSTREAM_ERROR.equals(d.outcome())
                || UsageData.OUTCOME_REJECTED.equals(d.outcome());
        return new UsageEvent(e.id(), time, team, employee, provider, model, error, in, out, cacheRead, cacheWrite,
                reasoning, d.priced(), cost);
    }

    public OutcomeEvent outcome(byte[] value) throws InvalidEventException {
        OutcomeEnvelope e = read(outcomeReader, value);
        envelope(e.specversion(), e.id(), e.type(), CloudEvent.OUTCOME_TYPE);
        OutcomeWire d = e.data();
        if (d == null) {
            throw new InvalidEventException("data: missing");
        }
        if (!OutcomeKinds.isValid(d.kind())) {
            throw new InvalidEventException("data.kind: " + (d.kind() == null ? "missing" : "unknown kind '"
                    + clip(d.kind()) + "'") + ", expected " + OutcomeKinds.RULE);
        }
        UUID team = uuid("data.teamId", d.teamId(), true);
        subject(e.subject(), team);
        UUID employee = uuid("data.employeeId", d.employeeId(), false);
        if (d.occurredAt() == null) {
            throw new InvalidEventException("data.occurredAt: missing");
        }
        BigDecimal hours = d.valueHours();
        if (hours != null && (hours.signum() < 0 || hours.compareTo(MAX_VALUE_HOURS) > 0 || hours.scale() > 3)) {
            throw new InvalidEventException("data.valueHours: must be between 0 and " + MAX_VALUE_HOURS
                    + " with at most 3 decimals, got " + hours.toPlainString());
        }
        List<String> attribution = d.attribution() == null ? List.of() : d.attribution();
        if (attribution.stream().anyMatch(a -> a == null)) {
            throw new InvalidEventException("data.attribution: contains null");
        }
        return new OutcomeEvent(e.id(), d.kind(), team, employee, Boolean.TRUE.equals(d.aiAssisted()), attribution,
                d.source(), d.ref(), d.occurredAt(), d.severity(), hours);
    }

    private static <T> T read(ObjectReader reader, byte[] value) throws InvalidEventException {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("empty message");
        }
        try {
            T t = reader.readValue(value);
            if (t == null) {
                throw new InvalidEventException("not a JSON object: null");
            }
            return t;
        } catch (JsonMappingException e) {
            String path = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new InvalidEventException(clip((path.isEmpty() ? "" : path + ": ") + "wrong type or shape ("
                    + e.getOriginalMessage() + ")"));
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(clip("not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidEventException(clip("unreadable: " + e.getMessage()));
        }
    }

    private static void envelope(String specversion, String id, String type, String expectedType)
            throws InvalidEventException {
        if (!CloudEvent.SPEC_VERSION.equals(specversion)) {
            throw new InvalidEventException("specversion: expected \"1.0\", got "
                    + (specversion == null ? "none" : "\"" + clip(specversion) + "\""));
        }
        if (id == null || id.isBlank()) {
            throw new InvalidEventException("id: missing");
        }
        if (id.length() > MAX_ID) {
            throw new InvalidEventException("id: longer than " + MAX_ID + " characters");
        }
        if (!expectedType.equals(type)) {
            throw new InvalidEventException("type: expected \"" + expectedType + "\", got "
                    + (type == null ? "none" : "\"" + clip(type) + "\""));
        }
    }

    private static void subject(String subject, UUID team) throws InvalidEventException {
        if (subject != null && !subject.equalsIgnoreCase(team.toString())) {
            throw new InvalidEventException("subject: \"" + clip(subject) + "\" is not data.teamId " + team);
        }
    }

    private static UUID uuid(String field, String value, boolean required) throws InvalidEventException {
        if (value == null || value.isBlank()) {
            if (required) {
                throw new InvalidEventException(field + ": missing");
            }
            return null;
        }
        try {
            if (value.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(field + ": not a UUID: \"" + clip(value) + "\"");
        }
    }

    private static String text(String field, String value) throws InvalidEventException {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(field + ": missing");
        }
        if (value.length() > MAX_TEXT) {
            throw new InvalidEventException(field + ": longer than " + MAX_TEXT + " characters");
        }
        return value;
    }

    private static long tokens(String field, Long value) throws InvalidEventException {
        if (value == null) {
            throw new InvalidEventException(field + ": missing");
        }
        if (value < 0) {
            throw new InvalidEventException(field + ": negative (" + value + ")");
        }
        if (value > MAX_TOKENS) {
            throw new InvalidEventException(field + ": " + value + " exceeds the per-call cap " + MAX_TOKENS);
        }
        return value;
    }

    static String clip(String s) {
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON - 1) + "…";
    }
}
