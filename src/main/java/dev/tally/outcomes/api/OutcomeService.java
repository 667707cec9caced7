package dev.tally.outcomes.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tally.events.CloudEvent;
import dev.tally.events.EventPublisher;
import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;
import dev.tally.identity.Employee;
import dev.tally.identity.Team;
import dev.tally.outcomes.ValueHours;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.rollup.EventDecoder;
import dev.tally.rollup.OutcomeKinds;
import dev.tally.workload.WorkloadNames;

/**
 * Validates outcomes posted to the API, resolves each to a team and publishes it to
 * {@code tally.outcomes.v1}. A batch is all or nothing: the first invalid field rejects the whole
 * request (400 naming it, e.g. {@code [2].occurredAt}) and nothing is published.
 *
 * <p>Team resolution, first match wins: {@code teamId}; the team of {@code employeeId}; of the
 * employee with {@code employeeEmail}; of the employee with {@code githubLogin}. An id that names
 * no team or employee is a 400 (the caller made a mistake); an e-mail or login that maps to nobody
 * lands on {@link Team#UNASSIGNED}, so the outcome is kept and shows up as unassigned.
 */
@ApplicationScoped
public class OutcomeService {

    static final int MAX_BATCH = 1000;
    static final int MAX_ID = 256;
    static final int MAX_TEXT = 500;
    /** Clock skew tolerated for occurredAt in the future. */
    static final Duration FUTURE_SKEW = Duration.ofHours(24);

    static final String SOURCE = "/api/outcomes";

    /**
     * An outcome's fields, as {@link #parseData} reads them: any other is a 400 naming it, so a typo
     * ({@code valueHour}) never drops what it carried. A CloudEvent's own attributes are not checked:
     * CloudEvents lets a producer add extension attributes beside them.
     */
    static final Set<String> DATA_FIELDS = Set.of(
            "kind",
            "occurredAt",
            "aiAssisted",
            "attribution",
            "valueHours",
            "source",
            "ref",
            "severity",
            "workload",
            "teamId",
            "employeeId",
            "employeeEmail",
            "githubLogin");

    /** A plain outcome's fields: its id beside the data's. */
    static final Set<String> PLAIN_FIELDS = union(DATA_FIELDS, "id");

    private final EventPublisher publisher;

    public OutcomeService(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> accept(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ApiException.badRequest("body: expected an outcome object or an array of outcomes");
        }
        List<CloudEvent<OutcomeData>> events = new ArrayList<>();
        if (body.isArray()) {
            if (body.isEmpty()) {
                throw ApiException.badRequest("body: empty array");
            }
            if (body.size() > MAX_BATCH) {
                throw ApiException.badRequest(
                        "body: at most " + MAX_BATCH + " outcomes per request, got " + body.size());
            }
            for (int i = 0; i < body.size(); i++) {
                events.add(parse(body.get(i), "[" + i + "]."));
            }
        } else if (body.isObject()) {
            events.add(parse(body, ""));
        } else {
            throw ApiException.badRequest("body: expected an outcome object or an array of outcomes");
        }
        events.forEach(e -> publisher.publish(Topics.OUTCOMES, e));
        return events.stream().map(CloudEvent::id).toList();
    }

    private CloudEvent<OutcomeData> parse(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw bad(at.isEmpty() ? "body" : at.substring(0, at.length() - 1), "expected an object");
        }
        if (node.has("specversion")) {
            return parseCloudEvent(node, at);
        }
        String id = requiredText(node, at, "id", MAX_ID);
        OutcomeData data = parseData(node, at);
        requireKnown(node, at, PLAIN_FIELDS);
        return CloudEvent.of(id, SOURCE, CloudEvent.OUTCOME_TYPE, data.teamId(), Instant.now(), data);
    }

    private CloudEvent<OutcomeData> parseCloudEvent(JsonNode node, String at) {
        String version = requiredText(node, at, "specversion", 10);
        if (!CloudEvent.SPEC_VERSION.equals(version)) {
            throw bad(at + "specversion", "must be \"1.0\"");
        }
        String id = requiredText(node, at, "id", MAX_ID);
        String source = requiredText(node, at, "source", MAX_TEXT);
        String type = requiredText(node, at, "type", 100);
        if (!CloudEvent.OUTCOME_TYPE.equals(type)) {
            throw bad(at + "type", "must be \"" + CloudEvent.OUTCOME_TYPE + "\"");
        }
        JsonNode data = node.get("data");
        if (data == null || !data.isObject()) {
            throw bad(at + "data", "missing or not an object");
        }
        OutcomeData d = parseData(data, at + "data.");
        requireKnown(data, at + "data.", DATA_FIELDS);
        Instant time = optionalInstant(node, at, "time").orElse(Instant.now());
        return CloudEvent.of(id, source, CloudEvent.OUTCOME_TYPE, d.teamId(), time, d);
    }

    private OutcomeData parseData(JsonNode n, String at) {
        String kind = requiredText(n, at, "kind", 64);
        if (!OutcomeKinds.isValid(kind)) {
            throw bad(at + "kind", "unknown kind '" + kind + "': expected " + OutcomeKinds.RULE);
        }
        Instant occurredAt = optionalInstant(n, at, "occurredAt").orElseThrow(() -> bad(at + "occurredAt", "required"));
        if (!EventDecoder.inTimeRange(occurredAt)) {
            throw bad(at + "occurredAt", occurredAt + " is outside the range " + EventDecoder.TIME_RANGE);
        }
        if (occurredAt.isAfter(Instant.now().plus(FUTURE_SKEW))) {
            throw bad(at + "occurredAt", "more than 24 hours in the future");
        }
        boolean ai = false;
        JsonNode aiNode = n.get("aiAssisted");
        if (aiNode != null && !aiNode.isNull()) {
            if (!aiNode.isBoolean()) {
                throw bad(at + "aiAssisted", "must be true or false");
            }
            ai = aiNode.booleanValue();
        }
        List<String> attribution = new ArrayList<>();
        JsonNode attr = n.get("attribution");
        if (attr != null && !attr.isNull()) {
            if (!attr.isArray()) {
                throw bad(at + "attribution", "must be an array of strings");
            }
            for (int i = 0; i < attr.size(); i++) {
                if (!attr.get(i).isTextual()) {
                    throw bad(at + "attribution[" + i + "]", "must be a string");
                }
                attribution.add(attr.get(i).textValue());
            }
        }
        BigDecimal valueHours = null;
        JsonNode vh = n.get("valueHours");
        if (vh != null && !vh.isNull()) {
            if (!vh.isNumber()) {
                throw bad(at + "valueHours", "must be a number");
            }
            // a double that overflowed to infinity has no decimal value at all
            if (vh.isFloatingPointNumber() && !Double.isFinite(vh.doubleValue())) {
                throw bad(at + "valueHours", ValueHours.RULE);
            }
            valueHours = ValueHours.normalised(vh.decimalValue());
            if (valueHours == null) {
                throw bad(at + "valueHours", ValueHours.RULE);
            }
        }
        Optional<String> source = text(n, at, "source", MAX_TEXT);
        Optional<String> ref = text(n, at, "ref", MAX_TEXT);
        Optional<String> severity = text(n, at, "severity", 50);
        Optional<String> workload = text(n, at, "workload", WorkloadNames.MAX_NAME);
        if (workload.isPresent() && !WorkloadNames.validName(workload.get())) {
            throw bad(
                    at + "workload",
                    "'" + workload.get() + "' is not a workload name (" + WorkloadNames.NAME_RULE + ")");
        }

        UUID employeeId = null;
        UUID teamId = null;
        Optional<UUID> explicitTeam = optionalUuid(n, at, "teamId");
        Optional<UUID> explicitEmployee = optionalUuid(n, at, "employeeId");
        if (explicitTeam.isPresent()) {
            teamId = explicitTeam.get();
            if (Team.findById(teamId) == null) {
                throw bad(at + "teamId", "no team with id " + teamId);
            }
        }
        Employee employee = null;
        if (explicitEmployee.isPresent()) {
            employee = Employee.findById(explicitEmployee.get());
            if (employee == null) {
                throw bad(at + "employeeId", "no employee with id " + explicitEmployee.get());
            }
        } else {
            Optional<String> email = text(n, at, "employeeEmail", 320);
            Optional<String> login = text(n, at, "githubLogin", 100);
            if (email.isPresent()) {
                employee = Employee.<Employee>find("lower(email) = lower(?1)", email.get())
                        .firstResult();
            }
            if (employee == null && login.isPresent()) {
                employee = Employee.findByGithubLogin(login.get()).orElse(null);
            }
        }
        if (employee != null) {
            employeeId = employee.id;
            if (teamId == null) {
                teamId = employee.teamId;
            }
        }
        if (teamId == null) {
            teamId = Team.UNASSIGNED;
        }
        return new OutcomeData(
                kind,
                teamId.toString(),
                employeeId == null ? null : employeeId.toString(),
                ai,
                List.copyOf(attribution),
                source.orElse("api"),
                ref.orElse(null),
                occurredAt,
                severity.orElse(null),
                valueHours,
                null,
                workload.orElse(null));
    }

    /** The first field of {@code n} not in {@code known}, as {@code [2].valueHour: unknown field; expected one of …}. */
    private static void requireKnown(JsonNode n, String at, Set<String> known) {
        for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw bad(at + name, "unknown field; expected one of " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    private static Set<String> union(Set<String> a, String b) {
        Set<String> all = new TreeSet<>(a);
        all.add(b);
        return Set.copyOf(all);
    }

    private static String requiredText(JsonNode n, String at, String field, int max) {
        return text(n, at, field, max).orElseThrow(() -> bad(at + field, "required"));
    }

    private static Optional<String> text(JsonNode n, String at, String field, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw bad(at + field, "must be a string");
        }
        String s = v.textValue().trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.length() > max) {
            throw bad(at + field, "longer than " + max + " characters");
        }
        return Optional.of(s);
    }

    private static Optional<UUID> optionalUuid(JsonNode n, String at, String field) {
        return text(n, at, field, 36).map(s -> {
            UUID id = Ids.canonical(s);
            if (id == null) {
                throw bad(at + field, "not a UUID");
            }
            return id;
        });
    }

    private static Optional<Instant> optionalInstant(JsonNode n, String at, String field) {
        return text(n, at, field, 64).map(s -> {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                throw bad(at + field, "not an ISO-8601 date-time with offset, e.g. 2026-11-02T09:30:00Z");
            }
        });
    }

    private static ApiException bad(String field, String problem) {
        return ApiException.badRequest(field + ": " + problem);
    }
}
