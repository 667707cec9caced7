package dev.tally.outcomes.sarif;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.OutcomeData;
import dev.tally.identity.Team;
import dev.tally.outcomes.OutcomeEmitter;
import dev.tally.outcomes.OutcomeIds;
import dev.tally.outcomes.config.OutcomesConfig;
import dev.tally.outcomes.mapping.TeamMapper;
import dev.tally.platform.ApiException;

/**
 * A SARIF upload → one {@code security_finding} per distinct result, attributed to the repository's
 * team. The event id ({@code sarif:<tool>:<repo>:<rule>:<key>}) is the same on every upload of the
 * same scan, so re-uploading counts nothing twice.
 */
@ApplicationScoped
public class SarifService {

    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

    public record Uploaded(String repo, String teamId, int results, int findings, List<String> tools, List<String> ids) {
    }

    private final ObjectMapper mapper;
    private final TeamMapper teams;
    private final OutcomeEmitter emitter;
    private final Set<String> aiTools;

    public SarifService(ObjectMapper mapper, TeamMapper teams, OutcomeEmitter emitter, OutcomesConfig config) {
        this.mapper = mapper;
        this.teams = teams;
        this.emitter = emitter;
        this.aiTools = config.sarif().aiTools().orElse(List.of()).stream()
                .map(t -> t.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Uploaded upload(String repo, byte[] body) {
        if (repo == null || repo.isBlank()) {
            throw ApiException.badRequest("query parameter repo is required (repo=owner/name)");
        }
        if (!REPO.matcher(repo.strip()).matches()) {
            throw ApiException.badRequest("repo '" + repo + "' is not owner/name");
        }
        String repository = repo.strip().toLowerCase(Locale.ROOT);
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the body is empty: expected a SARIF 2.1.0 log (JSON)");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable body: " + e.getMessage());
        }
        List<SarifFinding> findings;
        try {
            findings = SarifParser.parse(root, Instant.now());
        } catch (SarifException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        UUID teamId = teams.byRepository(repository).orElse(Team.UNASSIGNED);
        Map<String, OutcomeData> events = new LinkedHashMap<>();
        for (SarifFinding f : findings) {
            boolean ai = aiTools.contains(f.tool().toLowerCase(Locale.ROOT));
            String id = OutcomeIds.bounded("sarif:" + f.tool() + ":" + repository + ":" + f.ruleId() + ":" + f.key());
            String ref = repository + (f.location() == null ? "" : "/" + f.location()) + " " + f.ruleId();
            events.putIfAbsent(id, new OutcomeData(OutcomeData.SECURITY_FINDING, teamId.toString(), null, ai,
                    ai ? List.of("sarif-tool:" + f.tool()) : List.of(), OutcomeEmitter.SOURCE_SARIF, ref,
                    f.scannedAt(), f.severity(), null));
        }
        events.forEach(emitter::emit);
        List<String> tools = findings.stream().map(SarifFinding::tool).distinct().toList();
        return new Uploaded(repository, teamId.toString(), findings.size(), events.size(), tools,
                List.copyOf(events.keySet()));
    }
}
