package dev.tally.rollup;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.tally.events.CallOutcome;
import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.PrFacts;
import dev.tally.events.TokenKind;
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

    private static final List<String> USAGE_OUTCOMES = Stream.of(CallOutcome.values()).map(o -> o.json).sorted().toList();

    record OutcomeWire(String kind, String teamId, String employeeId, Boolean aiAssisted, List<String> attribution,
            String source, String ref, Instant occurredAt, String severity, BigDecimal valueHours, PrFacts pr) {
    }

    record OutcomeEnvelope(String specversion, String id, String source, String type, String subject, Instant time,
            OutcomeWire data) {
    }

    private final JsonFactory json = new JsonFactory();
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
        this.outcomeReader = mapper.readerFor(OutcomeEnvelope.class);
    }

    /**
     * Decodes a usage event with a streaming parser: it is the hot path (every model call), and
     * reading only the fields the rollups need, without data binding, costs a fraction of the CPU.
     *
     * @param fallbackTime the Kafka record's timestamp, used when the event has no {@code time}
     *                     (it is stored in the log, so a re-read lands on the same day)
     */
    public UsageEvent usage(byte[] value, Instant fallbackTime) throws InvalidEventException {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("empty message");
        }
        UsageFields f = new UsageFields();
        try (JsonParser p = json.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("wrong type or shape (expected a JSON object)");
            }
            readEnvelope(p, f);
            if (p.nextToken() != null) {
                throw new InvalidEventException("not JSON: trailing content after the object");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(clip("not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidEventException(clip("not JSON: " + e.getMessage()));
        }
        envelope(f.specversion, f.id, f.type, CloudEvent.USAGE_TYPE);
        if (!f.hasData) {
            throw new InvalidEventException("data: missing");
        }
        UUID team = uuid("data.teamId", f.teamId, true);
        subject(f.subject, team);
        UUID employee = uuid("data.employeeId", f.employeeId, true);
        UUID key = uuid("data.keyId", f.keyId, false);
        String provider = text("data.provider", f.provider);
        String model = text("data.model", f.model, UsageData.MAX_MODEL_LENGTH);
        CallOutcome outcome = CallOutcome.fromJson(f.outcome);
        if (outcome == null) {
            throw new InvalidEventException("data.outcome: " + (f.outcome == null ? "missing" : "unknown value '"
                    + clip(f.outcome) + "'") + ", expected one of " + USAGE_OUTCOMES);
        }
        long[] tokens = new long[TokenKind.ALL.size()];
        for (TokenKind k : TokenKind.ALL) {
            Long n = f.tokens[k.ordinal()];
            tokens[k.ordinal()] = n == null && !k.required() ? 0 : tokens("data." + k.field(), n);
        }
        if (f.priced == null) {
            throw new InvalidEventException("data.priced: missing");
        }
        long cost = 0;
        if (f.priced) {
            if (f.costNanos == null) {
                throw new InvalidEventException("data.costNanos: missing on a priced call");
            }
            if (f.costNanos < 0) {
                throw new InvalidEventException("data.costNanos: negative (" + f.costNanos + ")");
            }
            if (f.costNanos > MAX_COST_NANOS) {
                throw new InvalidEventException("data.costNanos: " + f.costNanos + " exceeds the per-call cap "
                        + MAX_COST_NANOS);
            }
            cost = f.costNanos;
        }
        Instant time = f.time != null ? instant("time", f.time) : fallbackTime;
        if (time == null) {
            throw new InvalidEventException("time: missing");
        }
        return new UsageEvent(f.id, time, team, employee, key == null ? UsageEvent.NO_KEY : key, provider, model, outcome,
                tokens, f.priced, cost);
    }

    /** The fields of a usage event the rollups read; everything else is skipped unparsed. */
    private static final class UsageFields {
        String specversion, id, type, subject, time;
        boolean hasData;
        String teamId, employeeId, keyId, provider, model, outcome;
        final Long[] tokens = new Long[TokenKind.ALL.size()];
        Long costNanos;
        Boolean priced;
    }

    private static void readEnvelope(JsonParser p, UsageFields f) throws IOException, InvalidEventException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "specversion" -> f.specversion = string(p, t, name);
                case "id" -> f.id = string(p, t, name);
                case "type" -> f.type = string(p, t, name);
                case "subject" -> f.subject = string(p, t, name);
                case "time" -> f.time = string(p, t, name);
                case "data" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    if (t != JsonToken.START_OBJECT) {
                        throw new InvalidEventException("data: wrong type or shape (expected an object)");
                    }
                    f.hasData = true;
                    readData(p, f);
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void readData(JsonParser p, UsageFields f) throws IOException, InvalidEventException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            TokenKind kind = TokenKind.byField(name);
            if (kind != null) {
                f.tokens[kind.ordinal()] = integer(p, t, "data." + name);
                continue;
            }
            switch (name) {
                case "teamId" -> f.teamId = string(p, t, "data.teamId");
                case "employeeId" -> f.employeeId = string(p, t, "data.employeeId");
                case "keyId" -> f.keyId = string(p, t, "data.keyId");
                case "provider" -> f.provider = string(p, t, "data.provider");
                case "model" -> f.model = string(p, t, "data.model");
                case "outcome" -> f.outcome = string(p, t, "data.outcome");
                case "costNanos" -> f.costNanos = integer(p, t, "data.costNanos");
                case "priced" -> {
                    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                        f.priced = t == JsonToken.VALUE_TRUE;
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw wrongType("data.priced", "a boolean", t);
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static String string(JsonParser p, JsonToken t, String field) throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw wrongType(field, "a string", t);
    }

    private static Long integer(JsonParser p, JsonToken t, String field) throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new InvalidEventException(field + ": out of range");
            }
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw wrongType(field, "an integer", t);
    }

    private static InvalidEventException wrongType(String field, String expected, JsonToken got) {
        return new InvalidEventException(field + ": wrong type or shape (expected " + expected + ", got "
                + (got == null ? "nothing" : got.asString() != null ? got.asString() : got.name()) + ")");
    }

    private static Instant instant(String field, String s) throws InvalidEventException {
        Instant fast = UtcTimestamps.parse(s);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(field + ": not an RFC 3339 timestamp: \"" + clip(s) + "\"");
        }
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
            // toString, not toPlainString: 1e999999999 would be written out as a billion digits
            throw new InvalidEventException("data.valueHours: must be between 0 and " + MAX_VALUE_HOURS
                    + " with at most 3 decimals, got " + clip(hours.toString()));
        }
        List<String> attribution = d.attribution() == null ? List.of() : d.attribution();
        if (attribution.stream().anyMatch(a -> a == null)) {
            throw new InvalidEventException("data.attribution: contains null");
        }
        // Facts belong to merged pull requests only; on any other kind they are not stored.
        PrFacts pr = d.pr() == null || !OutcomeData.PR_MERGED.equals(d.kind()) ? null
                : PrFactsCheck.check(d.pr(), d.occurredAt());
        return new OutcomeEvent(e.id(), d.kind(), team, employee, Boolean.TRUE.equals(d.aiAssisted()), attribution,
                d.source(), d.ref(), d.occurredAt(), d.severity(), hours, pr);
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
        return text(field, value, MAX_TEXT);
    }

    private static String text(String field, String value, int max) throws InvalidEventException {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(field + ": missing");
        }
        if (value.length() > max) {
            throw new InvalidEventException(field + ": longer than " + max + " characters");
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
