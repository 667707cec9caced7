package dev.tally.outcomes.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.identity.Team;
import dev.tally.outcomes.config.OutcomesConfig;
import dev.tally.outcomes.mapping.RepoTeamResource.RuleDto;
import dev.tally.platform.ApiException;

/** Keeps the admin repository → team rules; a bad rule rejects the whole set (nothing half-applied). */
@ApplicationScoped
public class RepoTeamService {

    static final String SOURCE_ADMIN = "admin";
    static final String SOURCE_CONFIG = "config";

    private final OutcomesConfig config;
    private final AuditLog audit;

    public RepoTeamService(OutcomesConfig config, AuditLog audit) {
        this.config = config;
        this.audit = audit;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<RuleDto> list() {
        List<RuleDto> out = new ArrayList<>();
        for (RepoTeamRule r : RepoTeamRule.<RepoTeamRule>list("order by pattern")) {
            out.add(new RuleDto(r.pattern, r.teamId, SOURCE_ADMIN));
        }
        for (Map.Entry<String, String> e : config.repoTeams().entrySet()) {
            Team.<Team>find("lower(name) = lower(?1)", e.getValue().strip())
                    .firstResultOptional()
                    .ifPresent(t -> out.add(new RuleDto(RepoPatterns.normalize(e.getKey()), t.id, SOURCE_CONFIG)));
        }
        return out;
    }

    @Transactional
    public List<RuleDto> replace(List<RuleDto> rules) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            RuleDto r = rules.get(i);
            String problem = RepoPatterns.problem(r.pattern());
            if (problem != null) {
                problems.add("[" + i + "].pattern: " + problem);
            } else if (!seen.add(RepoPatterns.normalize(r.pattern()))) {
                problems.add("[" + i + "].pattern: '" + r.pattern() + "' appears twice");
            }
            if (Team.findById(r.teamId()) == null) {
                problems.add("[" + i + "].teamId: no team " + r.teamId());
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("no rule changed: " + String.join("; ", problems));
        }
        List<RuleDto> before =
                list().stream().filter(r -> SOURCE_ADMIN.equals(r.source())).toList();
        RepoTeamRule.deleteAll();
        Instant now = Instant.now();
        for (RuleDto r : rules) {
            RepoTeamRule e = new RepoTeamRule();
            e.pattern = RepoPatterns.normalize(r.pattern());
            e.teamId = r.teamId();
            e.updatedAt = now;
            e.persist();
        }
        RepoTeamRule.flush();
        List<RuleDto> after = list();
        audit.record(
                AuditTarget.REPO_RULE,
                AuditChange.UPDATE,
                "repo-teams",
                before,
                after.stream().filter(r -> SOURCE_ADMIN.equals(r.source())).toList());
        return after;
    }
}
