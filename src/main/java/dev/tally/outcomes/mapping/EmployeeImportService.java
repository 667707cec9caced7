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
import dev.tally.identity.Team;
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
    /** GitHub logins: alphanumerics and single hyphens, at most 39 characters. */
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");

    public record Imported(int created, int updated, List<String> teamsCreated) {
    }

    private record Checked(String email, String name, String team, String department, String login) {
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
            } else if (!EMAIL.matcher(email).matches()) {
                problems.add("email '" + email + "' is not an e-mail address");
            } else {
                Integer earlier = emails.putIfAbsent(email.toLowerCase(Locale.ROOT), row.line());
                if (earlier != null) {
                    problems.add("email '" + email + "' already on row " + earlier);
                }
            }
            if (name.isEmpty()) {
                problems.add("name is empty");
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
                            problems.add("team '" + team + "' is given department '" + department
                                    + "' here but '" + other + "' on an earlier row");
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
        Map<String, UUID> teams = new LinkedHashMap<>();
        List<String> teamsCreated = new ArrayList<>();
        int created = 0;
        int updated = 0;
        for (Checked c : rows) {
            UUID teamId = teams.computeIfAbsent(c.team().toLowerCase(Locale.ROOT), k -> {
                Optional<Team> t = Team.find("lower(name) = lower(?1)", c.team()).firstResultOptional();
                if (t.isPresent()) {
                    return t.get().id;
                }
                Team n = new Team();
                n.id = UUID.randomUUID();
                n.name = c.team();
                n.department = c.department();
                n.persist();
                teamsCreated.add(c.team());
                return n.id;
            });
            Optional<Employee> existing = Employee.find("lower(email) = lower(?1)", c.email()).firstResultOptional();
            Employee e = existing.orElseGet(() -> {
                Employee n = new Employee();
                n.id = UUID.randomUUID();
                // stored lower-case, as the identity admin API stores e-mails
                n.email = c.email().toLowerCase(Locale.ROOT);
                return n;
            });
            e.name = c.name();
            e.teamId = teamId;
            if (!c.login().isEmpty()) {
                e.githubLogin = c.login();
            }
            if (existing.isPresent()) {
                updated++;
            } else {
                e.persist();
                created++;
            }
        }
        return new Imported(created, updated, teamsCreated);
    }
}
