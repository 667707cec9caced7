package dev.tally.outcomes.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.tally.identity.Employee;
import dev.tally.identity.Team;
import dev.tally.outcomes.config.OutcomesConfig;

/**
 * Who an outcome belongs to: GitHub login → employee → team first; else the repository rules (admin
 * table, then {@code tally.outcomes.repo-teams}; the most specific pattern wins); else the
 * Unassigned team. Nothing is dropped: an outcome nobody claims is still counted, as Unassigned.
 * Reads open their own short transaction because they run on delivery worker threads, where no
 * request context exists.
 */
@ApplicationScoped
public class TeamMapper {

    private static final Logger LOG = Logger.getLogger(TeamMapper.class);

    /** How an outcome was mapped; {@code employeeId} is null unless the login is a known employee. */
    public record Mapping(UUID teamId, UUID employeeId, String via) {
        public static final String VIA_EMPLOYEE = "employee";
        public static final String VIA_REPOSITORY = "repository";
        public static final String VIA_UNASSIGNED = "unassigned";
    }

    private final OutcomesConfig config;
    /** Config rules already warned about, so a missing team is logged once, not on every outcome. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public TeamMapper(OutcomesConfig config) {
        this.config = config;
    }

    @Transactional
    public Mapping map(String githubLogin, String repository) {
        if (githubLogin != null && !githubLogin.isBlank()) {
            Optional<Employee> e = Employee.findByGithubLogin(githubLogin.strip());
            if (e.isPresent()) {
                return new Mapping(e.get().teamId, e.get().id, Mapping.VIA_EMPLOYEE);
            }
        }
        return byRepository(repository)
                .map(t -> new Mapping(t, null, Mapping.VIA_REPOSITORY))
                .orElse(new Mapping(Team.UNASSIGNED, null, Mapping.VIA_UNASSIGNED));
    }

    @Transactional
    public Optional<UUID> byRepository(String repository) {
        List<RepoPatterns.Rule<UUID>> rules = new ArrayList<>();
        for (RepoTeamRule r : RepoTeamRule.<RepoTeamRule>listAll()) {
            rules.add(new RepoPatterns.Rule<>(r.pattern, r.teamId));
        }
        for (Map.Entry<String, String> e : config.repoTeams().entrySet()) {
            Optional<Team> team =
                    Team.find("lower(name) = lower(?1)", e.getValue().strip()).firstResultOptional();
            if (team.isPresent()) {
                rules.add(new RepoPatterns.Rule<>(e.getKey(), team.get().id));
            } else if (warned.add(e.getKey())) {
                LOG.warnf(
                        "tally.outcomes.repo-teams.\"%s\" names team '%s', which does not exist: rule skipped",
                        e.getKey(), e.getValue());
            }
        }
        return new RepoPatterns<>(rules).match(repository);
    }
}
