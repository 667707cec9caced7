package dev.tally.outcomes.sarif;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
import dev.tally.workload.WorkloadNames;

/**
 * A SARIF upload → one {@code security_finding} per distinct open result, attributed to the
 * repository's team. The event id ({@code sarif:<tool>:<repo>:<rule>:<identity>}, see
 * {@link FindingIdentity}) is the same on every upload of the same scan, so re-uploading counts
 * nothing twice, and {@code sarif_finding} remembers it so the answer can tell new from known. Since
 * whether a fingerprint identifies a result is decided per upload, {@code sarif_finding} also
 * remembers each finding's fingerprint and location: a result with both that an earlier upload counted
 * keeps that upload's id, however this upload identifies it.
 * Every result is accounted for: {@code results = findings + suppressed + Σ ignored}.
 */
@ApplicationScoped
public class SarifService {

    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    /** SARIF result kinds that say the rule did not find a problem (§3.27.9). */
    private static final Set<String> NOT_A_PROBLEM = Set.of("pass", "notapplicable", "informational");

    /** A reason and how many results it applies to. */
    public record Count(String reason, int count) {}

    /**
     * The answer: {@code findings} open findings in the file, of which {@code new} were never counted
     * before (the rest are {@code known}: counted by an earlier upload, or marked unchanged/updated by
     * the tool's own baseline); {@code suppressed} results; results {@code ignored}, with why; and
     * findings whose identity {@code fellBack} to their location, with why.
     */
    @JsonPropertyOrder({
        "repo",
        "teamId",
        "tools",
        "results",
        "findings",
        "new",
        "known",
        "suppressed",
        "ignored",
        "fellBack",
        "ids"
    })
    public record Uploaded(
            String repo,
            String teamId,
            List<String> tools,
            int results,
            int findings,
            @JsonProperty("new") int fresh,
            int known,
            int suppressed,
            List<Count> ignored,
            List<Count> fellBack,
            List<String> ids) {}

    private final ObjectMapper mapper;
    private final TeamMapper teams;
    private final OutcomeEmitter emitter;
    private final SarifFindingStore store;
    private final Clock clock;
    private final Set<String> aiTools;
    private final Set<String> placeholders;

    public SarifService(
            ObjectMapper mapper,
            TeamMapper teams,
            OutcomeEmitter emitter,
            SarifFindingStore store,
            Clock clock,
            OutcomesConfig config) {
        this.mapper = mapper;
        this.teams = teams;
        this.emitter = emitter;
        this.store = store;
        this.clock = clock;
        this.aiTools = config.sarif().aiTools().orElse(List.of()).stream()
                .map(t -> t.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        this.placeholders = Set.copyOf(config.sarif().placeholderFingerprints());
    }

    @Transactional
    public Uploaded upload(String repo, byte[] body) {
        return upload(repo, null, body);
    }

    /** {@code workload}: the workload that produced the findings (a review bot's); null: none. */
    @Transactional
    public Uploaded upload(String repo, String workload, byte[] body) {
        if (workload != null && !WorkloadNames.validName(workload)) {
            throw ApiException.badRequest(
                    "workload: '" + workload + "' is not a workload name (" + WorkloadNames.NAME_RULE + ")");
        }
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
        Instant now = clock.instant();
        List<SarifResult> results;
        try {
            results = SarifParser.parse(root, now);
        } catch (SarifException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        UUID teamId = teams.byRepository(repository).orElse(Team.UNASSIGNED);

        Map<String, OutcomeData> events = new LinkedHashMap<>();
        List<SarifFindingStore.Row> rows = new ArrayList<>();
        Set<String> baselineKnown = new HashSet<>();
        Map<String, Integer> ignored = new LinkedHashMap<>();
        Map<String, Integer> fellBack = new LinkedHashMap<>();
        int suppressed = 0;
        List<FindingIdentity.Decided> decided = FindingIdentity.decide(results, placeholders);
        Map<SarifFindingStore.Probe, String> remembered = store.known(
                repository,
                decided.stream()
                        .map(SarifService::probe)
                        .filter(p -> p != null)
                        .distinct()
                        .toList());
        for (FindingIdentity.Decided d : decided) {
            SarifResult r = d.result();
            String why = setAside(r, d.key());
            if (r.suppressed()) {
                suppressed++;
                continue;
            }
            if (why != null) {
                ignored.merge(why, 1, Integer::sum);
                continue;
            }
            SarifFindingStore.Probe probe = probe(d);
            String id = probe != null && remembered.containsKey(probe)
                    ? remembered.get(probe)
                    : OutcomeIds.bounded("sarif:" + r.tool() + ":" + repository + ":" + r.ruleId() + ":" + d.key());
            if (events.containsKey(id)) {
                ignored.merge("repeats another result of this upload (same tool, rule and identity)", 1, Integer::sum);
                continue;
            }
            if (d.fallback() != null) {
                fellBack.merge(d.fallback(), 1, Integer::sum);
            }
            if ("unchanged".equals(r.baselineState()) || "updated".equals(r.baselineState())) {
                baselineKnown.add(id);
            }
            boolean ai = aiTools.contains(r.tool().toLowerCase(Locale.ROOT));
            String where = r.displayLocation();
            String ref = repository + (where == null ? "" : "/" + where) + " " + r.ruleId();
            events.put(
                    id,
                    new OutcomeData(
                            OutcomeData.SECURITY_FINDING,
                            teamId.toString(),
                            null,
                            ai,
                            ai ? List.of("sarif-tool:" + r.tool()) : List.of(),
                            OutcomeEmitter.SOURCE_SARIF,
                            ref,
                            r.scannedAt(),
                            r.severity(),
                            null,
                            null,
                            workload));
            rows.add(new SarifFindingStore.Row(id, r.tool(), r.ruleId(), d.fingerprint(), d.location()));
        }
        Set<String> fresh = store.record(repository, rows, now);
        events.forEach(emitter::emit);
        int newCount = (int) events.keySet().stream()
                .filter(id -> fresh.contains(id) && !baselineKnown.contains(id))
                .count();
        List<String> tools = results.stream().map(SarifResult::tool).distinct().toList();
        return new Uploaded(
                repository,
                teamId.toString(),
                tools,
                results.size(),
                events.size(),
                newCount,
                events.size() - newCount,
                suppressed,
                counts(ignored),
                counts(fellBack),
                List.copyOf(events.keySet()));
    }

    /** What a result is looked up by in earlier uploads; null when it has no usable fingerprint or no location. */
    private static SarifFindingStore.Probe probe(FindingIdentity.Decided d) {
        if (d.key() == null || d.fingerprint() == null || d.location() == null) {
            return null;
        }
        return new SarifFindingStore.Probe(d.result().tool(), d.result().ruleId(), d.fingerprint(), d.location());
    }

    /** Why an unsuppressed result is not an open finding, or null when it is one. */
    private static String setAside(SarifResult r, String key) {
        if (NOT_A_PROBLEM.contains(r.kind().toLowerCase(Locale.ROOT))) {
            return "kind " + r.kind() + ": the rule reported no problem";
        }
        if ("absent".equals(r.baselineState())) {
            return "baselineState absent: the tool says it is gone since its baseline";
        }
        if (key == null) {
            return "no location (locations[0].physicalLocation.artifactLocation.uri) and no usable fingerprint";
        }
        return null;
    }

    private static List<Count> counts(Map<String, Integer> m) {
        return m.entrySet().stream()
                .map(e -> new Count(e.getKey(), e.getValue()))
                .toList();
    }
}
