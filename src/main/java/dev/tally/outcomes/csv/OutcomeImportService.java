package dev.tally.outcomes.csv;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.tally.access.Scope;
import dev.tally.access.Viewers;
import dev.tally.events.OutcomeData;
import dev.tally.identity.Employee;
import dev.tally.identity.Team;
import dev.tally.outcomes.OutcomeEmitter;
import dev.tally.outcomes.OutcomeIds;
import dev.tally.outcomes.ValueHours;
import dev.tally.platform.Ids;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.EventDecoder;

/**
 * Outcomes from a CSV for work that is not in GitHub (tasks automated, hours saved, self-reported).
 * All or nothing: every row is checked first; one bad row rejects the file and no event is sent.
 * Each row's {@code id} becomes the event id {@code csv:<id>}, so importing a file again counts nothing twice.
 * An {@code occurredAt} that is a date alone is the start of that day in the organisation's time zone
 * ({@code TALLY_TIMEZONE}), so the outcome counts on the day the row names.
 */
@ApplicationScoped
public class OutcomeImportService {

    public static final List<String> COLUMNS =
            List.of("id", "kind", "team", "employeeEmail", "occurredAt", "aiAssisted", "valueHours", "ref");
    static final List<String> REQUIRED = List.of("id", "kind", "occurredAt", "aiAssisted");
    static final String SELF_REPORTED = "self-reported";

    public record Imported(int imported, List<String> ids) {}

    private record Checked(String id, OutcomeData data) {}

    private final OutcomeEmitter emitter;
    private final OrgCalendar calendar;
    private final Viewers viewers;

    public OutcomeImportService(OutcomeEmitter emitter, OrgCalendar calendar, Viewers viewers) {
        this.emitter = emitter;
        this.calendar = calendar;
        this.viewers = viewers;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Imported importCsv(String text) {
        Csv.Table table;
        try {
            table = Csv.parse(text, REQUIRED);
        } catch (Csv.CsvFormatException e) {
            throw new RowErrors(List.of(e.getMessage()));
        }
        // Only a caller who may list employees and teams (admin) learns from a row error that an e-mail or
        // team name names nobody; for an outcomes:write token such a row keeps the employee's team or goes
        // to Unassigned, as on the outcomes API, so its answer is the same whether they exist or not.
        boolean mayList =
                viewers.find().map(v -> v.scopes().contains(Scope.ADMIN)).orElse(true);
        List<String> errors = new ArrayList<>();
        List<Checked> ok = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Csv.Row row : table.rows()) {
            List<String> problems = new ArrayList<>();
            Checked c = check(row, mayList, problems);
            if (c != null && !ids.add(c.id())) {
                problems.add("id '" + row.get("id") + "' appears on an earlier row");
            }
            if (problems.isEmpty()) {
                ok.add(c);
            } else {
                errors.add("row " + row.line() + ": " + String.join("; ", problems));
            }
        }
        if (table.rows().isEmpty()) {
            errors.add("no data rows after the header");
        }
        if (!errors.isEmpty()) {
            throw new RowErrors(errors);
        }
        for (Checked c : ok) {
            emitter.emit(c.id(), c.data());
        }
        return new Imported(ok.size(), ok.stream().map(Checked::id).toList());
    }

    private Checked check(Csv.Row row, boolean mayList, List<String> problems) {
        String id = row.get("id");
        if (id.isEmpty()) {
            problems.add("id is empty");
        } else if (id.length() > 200) {
            problems.add("id is longer than 200 characters");
        }
        String kind = row.get("kind").toLowerCase(Locale.ROOT);
        if (kind.isEmpty()) {
            problems.add("kind is empty (e.g. task_automated)");
        } else if (!OutcomeIds.validKind(kind)) {
            problems.add("kind '" + row.get("kind") + "' is not " + OutcomeIds.KIND_RULE);
        }
        Instant occurredAt = instant(row.get("occurredAt"), problems);
        Boolean ai = bool(row.get("aiAssisted"), problems);
        BigDecimal hours = hours(row.get("valueHours"), problems);

        UUID employeeId = null;
        UUID teamId = null;
        String email = row.get("employeeEmail");
        if (!email.isEmpty()) {
            Optional<Employee> e =
                    Employee.find("lower(email) = lower(?1)", email).firstResultOptional();
            if (e.isEmpty()) {
                if (mayList) {
                    problems.add("employeeEmail '" + email + "' is no known employee");
                }
            } else {
                employeeId = e.get().id;
                teamId = e.get().teamId;
            }
        }
        String team = row.get("team");
        if (!team.isEmpty()) {
            Optional<Team> t = findTeam(team);
            if (t.isEmpty()) {
                // an id naming no team is an error for every caller, as on the outcomes API (ids are not
                // guessed); a name only for those who may list teams, otherwise the row keeps the
                // employee's team or goes to Unassigned
                if (mayList || Ids.canonical(team) != null) {
                    problems.add("team '" + team + "' does not exist (give its name or id)");
                }
            } else {
                teamId = t.get().id;
            }
        }
        if (teamId == null && problems.isEmpty()) {
            teamId = Team.UNASSIGNED;
        }
        if (!problems.isEmpty()) {
            return null;
        }
        List<String> attribution = ai ? List.of(SELF_REPORTED) : List.of();
        String ref = row.get("ref");
        return new Checked(
                "csv:" + id,
                new OutcomeData(
                        kind,
                        teamId.toString(),
                        employeeId == null ? null : employeeId.toString(),
                        ai,
                        attribution,
                        OutcomeEmitter.SOURCE_CSV,
                        ref.isEmpty() ? null : ref,
                        occurredAt,
                        null,
                        hours));
    }

    static Optional<Team> findTeam(String nameOrId) {
        UUID id = Ids.canonical(nameOrId);
        return id != null
                ? Optional.ofNullable(Team.findById(id))
                : Team.find("lower(name) = lower(?1)", nameOrId).firstResultOptional();
    }

    private Instant instant(String v, List<String> problems) {
        if (v.isEmpty()) {
            problems.add("occurredAt is empty (ISO-8601: 2026-11-02 or 2026-11-02T10:15:00Z)");
            return null;
        }
        Instant at;
        try {
            at = v.length() == 10 ? calendar.start(LocalDate.parse(v)) : Instant.parse(v);
        } catch (DateTimeParseException e) {
            problems.add(
                    "occurredAt '" + v + "' is not an ISO-8601 date (2026-11-02) or instant (2026-11-02T10:15:00Z)");
            return null;
        }
        if (!EventDecoder.inTimeRange(at)) {
            problems.add("occurredAt '" + v + "' is outside the range " + EventDecoder.TIME_RANGE);
            return null;
        }
        return at;
    }

    private static Boolean bool(String v, List<String> problems) {
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> {
                return true;
            }
            case "false", "no", "0" -> {
                return false;
            }
            default -> {
                problems.add(
                        v.isEmpty()
                                ? "aiAssisted is empty (true or false)"
                                : "aiAssisted '" + v + "' is not true or false");
                return false;
            }
        }
    }

    private static BigDecimal hours(String v, List<String> problems) {
        if (v.isEmpty()) {
            return null;
        }
        BigDecimal h;
        try {
            h = new BigDecimal(v);
        } catch (NumberFormatException e) {
            problems.add("valueHours '" + v + "' is not a number (use a dot: 1.5)");
            return null;
        }
        BigDecimal normalised = ValueHours.normalised(h);
        if (normalised == null) {
            problems.add("valueHours " + v + " " + ValueHours.RULE);
        }
        return normalised;
    }
}
