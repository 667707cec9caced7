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
import com.fasterxml.jackson.core.JsonProcessingException;
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
import dev.tally.events.UsageField;
import dev.tally.outcomes.ValueHours;
import dev.tally.platform.Ids;
import dev.tally.workload.ClientDetector;
import dev.tally.workload.WorkloadNames;

/**
 * Turns a Kafka message into a validated usage or outcome event, or says precisely why it cannot be
 * counted. Strict on types (no string-to-number coercion, no fractional token counts), lenient on
 * unknown fields so producers can add fields before the aggregator knows them.
 *
 * <p>Not final only so that a test can make it fail as a decoder bug would
 * ({@code AggregatorDlqTest}); nothing in the application extends it.
 */
public class EventDecoder {

    static final int MAX_ID = 256;
    static final int MAX_TEXT = 200;
    static final int MAX_REASON = 500;
    /** numeric(12,3) of outcome.value_hours: the intakes' own maximum. */
    static final BigDecimal MAX_VALUE_HOURS = ValueHours.MAX;
    /**
     * Plausibility caps of one call (a billion tokens, $10,000): far above any real call, and low
     * enough that no batch sum can overflow a bigint and wedge the pipeline on one absurd event.
     */
    static final long MAX_TOKENS = 1_000_000_000L;

    static final long MAX_COST_NANOS = 10_000_000_000_000L;

    static final int MAX_REFUSAL = 40;

    /**
     * The instants an event may carry ({@code time}, {@code data.occurredAt}, a PR's times): from 1970 to
     * the start of 9999, so that every one is a date PostgreSQL can store, as an instant and as a local
     * day in any zone. Outside it, one event failed every batch that held it (PostgreSQL has no year 0,
     * and {@code -0001-…} or {@code +10000-…} is no timestamp it reads) and stopped its partitions for
     * good; the outcome intakes refuse such a time with a 400 by the same rule.
     */
    public static final Instant EARLIEST_TIME = Instant.parse("1970-01-01T00:00:00Z");

    public static final Instant LATEST_TIME = Instant.parse("9999-01-01T00:00:00Z");

    /** The rule of {@link #inTimeRange}, as error messages state it. */
    public static final String TIME_RANGE = "from " + EARLIEST_TIME + " to before " + LATEST_TIME;

    /** Whether {@code t} lies in {@code [EARLIEST_TIME, LATEST_TIME)}. */
    public static boolean inTimeRange(Instant t) {
        return !t.isBefore(EARLIEST_TIME) && t.isBefore(LATEST_TIME);
    }

    private static final List<UsageField> TOKEN_FIELDS =
            UsageField.ALL.stream().filter(f -> f.tokenKind() != null).toList();

    private static final List<String> USAGE_OUTCOMES =
            Stream.of(CallOutcome.values()).map(o -> o.json).sorted().toList();

    record OutcomeWire(
            String kind,
            String teamId,
            String employeeId,
            Boolean aiAssisted,
            List<String> attribution,
            String source,
            String ref,
            Instant occurredAt,
            String severity,
            BigDecimal valueHours,
            PrFacts pr,
            String workload) {}

    record OutcomeEnvelope(
            String specversion,
            String id,
            String source,
            String type,
            String subject,
            Instant time,
            OutcomeWire data) {}

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
        UsageWire f = UsageWire.read(json, value);
        envelope(f.specversion, f.id, f.type, CloudEvent.USAGE_TYPE);
        if (!f.hasData) {
            throw new InvalidEventException("data: missing");
        }
        Object[] d = f.data;
        String outcomeText = (String) d[UsageField.OUTCOME.ordinal()];
        CallOutcome outcome = CallOutcome.fromJson(outcomeText);
        if (outcome == null) {
            throw new InvalidEventException(
                    "data.outcome: " + (outcomeText == null ? "missing" : "unknown value '" + clip(outcomeText) + "'")
                            + ", expected one of " + USAGE_OUTCOMES);
        }
        boolean rejected = outcome == CallOutcome.REJECTED;
        Boolean priced = (Boolean) present(UsageField.PRICED, d, rejected, false);
        UUID team = uuid(UsageField.TEAM_ID, d, rejected, priced);
        subject(f.subject, team);
        UUID employee = uuid(UsageField.EMPLOYEE_ID, d, rejected, priced);
        String provider = text(UsageField.PROVIDER, d, rejected, priced);
        // refusals are counted per key (it must be there), usage per key for key budgets (absent: NO_KEY)
        UUID key = uuid(UsageField.KEY_ID, d, rejected, priced);
        String refusal = refusal(d, rejected, priced);
        long[] tokens = new long[TokenKind.ALL.size()];
        for (UsageField t : TOKEN_FIELDS) {
            Long n = (Long) present(t, d, rejected, priced);
            tokens[t.tokenKind().ordinal()] = n == null ? 0 : tokens(UsageWire.path(t), n);
        }
        long cost = 0;
        Long costNanos = (Long) present(UsageField.COST_NANOS, d, rejected, priced);
        if (priced) {
            if (costNanos < 0) {
                throw new InvalidEventException("data.costNanos: negative (" + costNanos + ")");
            }
            if (costNanos > MAX_COST_NANOS) {
                throw new InvalidEventException(
                        "data.costNanos: " + costNanos + " exceeds the per-call cap " + MAX_COST_NANOS);
            }
            cost = costNanos;
        }
        // a call that names no model (on a stored response or a conversation) is free and counts no
        // tokens: its event has no model, and it is no model call (Rollups leaves it out)
        String model = d[UsageField.MODEL.ordinal()] == null && !rejected && priced && cost == 0 && noTokens(tokens)
                ? null
                : text(UsageField.MODEL, d, rejected, priced);
        Instant time = f.time != null ? instant("time", f.time) : fallbackTime;
        if (time == null) {
            throw new InvalidEventException("time: missing");
        }
        time(f.time != null ? "time" : "the record's timestamp", time);
        String workload = (String) present(UsageField.WORKLOAD, d, rejected, priced);
        if (workload == null) {
            workload = WorkloadNames.INTERACTIVE; // an event from before workloads
        } else if (!WorkloadNames.validName(workload)) {
            throw new InvalidEventException(UsageWire.path(UsageField.WORKLOAD) + ": not a workload name ("
                    + WorkloadNames.NAME_RULE + "): \"" + clip(workload) + "\"");
        }
        String runId = (String) present(UsageField.RUN_ID, d, rejected, priced);
        if (runId != null && !WorkloadNames.validRunId(runId)) {
            throw new InvalidEventException(UsageWire.path(UsageField.RUN_ID) + ": not a run id ("
                    + WorkloadNames.RUN_ID_RULE + "): \"" + clip(runId) + "\"");
        }
        // a client name Tally does not know (an event from elsewhere) counts as other: a bounded set
        String client = (String) present(UsageField.CLIENT, d, rejected, priced);
        if (client == null || !ClientDetector.NAMES.contains(client)) {
            client = ClientDetector.OTHER;
        }
        return new UsageEvent(
                f.id,
                time,
                team,
                employee,
                key == null ? UsageEvent.NO_KEY : key,
                provider,
                model,
                outcome,
                tokens,
                priced,
                cost,
                workload,
                runId,
                client,
                refusal);
    }

    /**
     * The field's value, or null when it is absent and {@link UsageField#required} allows that; the
     * schema, not this class, says what each call must carry.
     */
    private static Object present(UsageField field, Object[] d, boolean rejected, boolean priced)
            throws InvalidEventException {
        Object v = d[field.ordinal()];
        if (v == null && field.required(rejected, priced)) {
            throw new InvalidEventException(UsageWire.path(field) + ": missing"
                    + switch (field.need()) {
                        case IF_PRICED -> " on a priced call";
                        case IF_REJECTED -> " on a rejected call";
                        default -> "";
                    });
        }
        return v;
    }

    /** A refusal reason as the gateway names it: lower case and underscores (a newer gateway's too). */
    private static String refusal(Object[] d, boolean rejected, boolean priced) throws InvalidEventException {
        String r = (String) present(UsageField.REFUSAL, d, rejected, priced);
        if (r == null) {
            return null;
        }
        if (r.isEmpty() || r.length() > MAX_REFUSAL || !r.chars().allMatch(c -> c >= 'a' && c <= 'z' || c == '_')) {
            throw new InvalidEventException(
                    "data.refusal: not a refusal reason (1 to " + MAX_REFUSAL + " of a-z and _): \"" + clip(r) + "\"");
        }
        return r;
    }

    /** Refuses an instant outside {@link #TIME_RANGE}. */
    static void time(String field, Instant t) throws InvalidEventException {
        if (t != null && !inTimeRange(t)) {
            throw new InvalidEventException(field + ": " + t + " is outside the range " + TIME_RANGE);
        }
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
            throw new InvalidEventException(
                    "data.kind: " + (d.kind() == null ? "missing" : "unknown kind '" + clip(d.kind()) + "'")
                            + ", expected " + OutcomeKinds.RULE);
        }
        UUID team = uuid("data.teamId", d.teamId(), true);
        subject(e.subject(), team);
        UUID employee = uuid("data.employeeId", d.employeeId(), false);
        if (d.occurredAt() == null) {
            throw new InvalidEventException("data.occurredAt: missing");
        }
        time("data.occurredAt", d.occurredAt());
        // part of the key of every outcome rollup: one too long for a B-tree entry failed every batch that held it
        if (d.severity() != null && d.severity().length() > MAX_TEXT) {
            throw new InvalidEventException("data.severity: longer than " + MAX_TEXT + " characters");
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
        PrFacts pr = d.pr() == null || !OutcomeData.PR_MERGED.equals(d.kind())
                ? null
                : PrFactsCheck.check(d.pr(), d.occurredAt());
        if (d.workload() != null && !WorkloadNames.validName(d.workload())) {
            throw new InvalidEventException("data.workload: not a workload name (" + WorkloadNames.NAME_RULE + "): \""
                    + clip(d.workload()) + "\"");
        }
        return new OutcomeEvent(
                e.id(),
                d.kind(),
                team,
                employee,
                Boolean.TRUE.equals(d.aiAssisted()),
                attribution,
                d.source(),
                d.ref(),
                d.occurredAt(),
                d.severity(),
                hours,
                pr,
                d.workload());
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
            throw new InvalidEventException(
                    clip((path.isEmpty() ? "" : path + ": ") + "wrong type or shape (" + e.getOriginalMessage() + ")"));
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
        UUID id = Ids.canonical(value);
        if (id == null) {
            throw new InvalidEventException(field + ": not a UUID: \"" + clip(value) + "\"");
        }
        return id;
    }

    private static UUID uuid(UsageField field, Object[] d, boolean rejected, boolean priced)
            throws InvalidEventException {
        // a blank value is no value: missing where the field is required (a fuzzed teamId "" got
        // through as no team and failed the subject check with a NullPointerException)
        return uuid(
                UsageWire.path(field), (String) present(field, d, rejected, priced), field.required(rejected, priced));
    }

    private static String text(UsageField field, Object[] d, boolean rejected, boolean priced)
            throws InvalidEventException {
        String v = (String) present(field, d, rejected, priced);
        // model names come from clients: bounded tighter than other text (they become labels)
        return v == null
                ? null
                : text(UsageWire.path(field), v, field == UsageField.MODEL ? UsageData.MAX_MODEL_LENGTH : MAX_TEXT);
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

    private static boolean noTokens(long[] tokens) {
        for (long n : tokens) {
            if (n != 0) {
                return false;
            }
        }
        return true;
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
