package dev.tally.outcomes.mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.tally.identity.Employee;
import dev.tally.identity.EmployeeUpdate;
import dev.tally.identity.EmployeeView;
import dev.tally.identity.IdentityService;
import dev.tally.identity.NewEmployee;
import dev.tally.identity.NewTeam;
import dev.tally.identity.Team;
import dev.tally.identity.TeamView;
import dev.tally.outcomes.csv.Csv;
import dev.tally.outcomes.csv.RowErrors;

/**
 * Employees from a CSV ({@code email,name,team,department,githubLogin}): creates missing teams with
 * the row's department, upserts employees by e-mail (case-insensitive). All or nothing: every row is
 * checked before anything is written, and the writes share one transaction.
 */
@ApplicationScoped
public class EmployeeImportService {

    public static final List<String> COLUMNS = List.of("email", "name", "team", "department", "githubLogin");

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    /** GitHub logins as the identity admin API accepts them: letters, digits, '-', at most 39. */
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
    /** The identity API's limits on names and e-mails. */
    private static final int MAX_NAME = 200;

    private static final int MAX_EMAIL = 320;

    public record Imported(int created, int updated, List<String> teamsCreated) {}

    private record Checked(String email, String name, String team, String department, String login) {}

    private final IdentityService identity;

    public EmployeeImportService(IdentityService identity) {
        this.identity = identity;
    }

    @Transactional
    public Imported importCsv(String text) {
        Csv.Table table;
        try {
            table = Csv.parse(text, COLUMNS);
        } catch (Csv.CsvFormatException e) {
            throw new RowErrors(List.of(e.getMessage()));
        }
        List<String> errors = new ArrayList<>();
        List<Checked> rows = new ArrayList<>();
        Map<String, Integer> emails = new HashMap<>();
        Map<String, Integer> logins = new HashMap<>();
        Map<String, String> newTeamDepartments = new HashMap<>();
        for (Csv.Row row : table.rows()) {
            List<String> problems = new ArrayList<>();
            String email = row.get("email");
            String name = row.get("name");
            String team = row.get("team");
            String department = row.get("department");
            String login = row.get("githubLogin");
            if (email.isEmpty()) {
                problems.add("email is empty");
            } else if (!EMAIL.matcher(email).matches() || email.length() > MAX_EMAIL) {
                problems.add("email '" + email + "' is not an e-mail address");
            } else {
                Integer earlier = emails.putIfAbsent(email.toLowerCase(Locale.ROOT), row.line());
                if (earlier != null) {
                    problems.add("email '" + email + "' already on row " + earlier);
                }
            }
            if (name.isEmpty()) {
                problems.add("name is empty");
            } else if (name.length() > MAX_NAME) {
                problems.add("name is longer than " + MAX_NAME + " characters");
            }
            if (team.length() > MAX_NAME || department.length() > MAX_NAME) {
                problems.add("team and department are at most " + MAX_NAME + " characters");
            }
            Optional<Team> existingTeam = Optional.empty();
            if (team.isEmpty()) {
                problems.add("team is empty");
            } else {
                existingTeam = Team.find("lower(name) = lower(?1)", team).firstResultOptional();
                if (existingTeam.isEmpty()) {
                    if (department.isEmpty()) {
                        problems.add("department is empty (needed to create team '" + team + "')");
                    } else {
                        String other = newTeamDepartments.putIfAbsent(team.toLowerCase(Locale.ROOT), department);
                        if (other != null && !other.equals(department)) {
                            problems.add("team '" + team + "' is given department '" + department + "' here but '"
                                    + other + "' on an earlier row");
                        }
                    }
                }
            }
            if (!login.isEmpty()) {
                if (!LOGIN.matcher(login).matches()) {
                    problems.add("githubLogin '" + login + "' is not a GitHub login");
                } else {
                    Integer earlier = logins.putIfAbsent(login.toLowerCase(Locale.ROOT), row.line());
                    if (earlier != null) {
                        problems.add("githubLogin '" + login + "' already on row " + earlier);
                    }
                    Optional<Employee> owner = Employee.findByGithubLogin(login);
                    if (owner.isPresent() && !owner.get().email.equalsIgnoreCase(email)) {
                        problems.add("githubLogin '" + login + "' belongs to " + owner.get().email);
                    }
                }
            }
            if (problems.isEmpty()) {
                rows.add(new Checked(email, name, team, department, login));
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
        // Writes go through the identity service so they follow its rules, and so that an employee
        // who changes team has the gateways' key cache updated like any admin API change.
        Map<String, UUID> teams = new LinkedHashMap<>();
        List<String> teamsCreated = new ArrayList<>();
        int created = 0;
        int updated = 0;
        for (Checked c : rows) {
            UUID teamId = teams.computeIfAbsent(
                    c.team().toLowerCase(Locale.ROOT),
                    k -> identity.teamByName(c.team()).map(TeamView::id).orElseGet(() -> {
                        teamsCreated.add(c.team());
                        return identity.createTeam(new NewTeam(c.team(), c.department()))
                                .id();
                    }));
            Optional<EmployeeView> existing = identity.employeeByEmail(c.email());
            if (existing.isPresent()) {
                identity.updateEmployee(
                        existing.get().id(),
                        new EmployeeUpdate(null, c.name(), teamId, c.login().isEmpty() ? null : c.login()));
                updated++;
            } else {
                identity.createEmployee(
                        new NewEmployee(c.email(), c.name(), teamId, c.login().isEmpty() ? null : c.login()));
                created++;
            }
        }
        return new Imported(created, updated, teamsCreated);
    }
}
