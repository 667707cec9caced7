package dev.tally.outcomes.sarif;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the parts of a SARIF 2.1.0 log that Tally counts: per result the tool
 * ({@code runs[].tool.driver.name}), the rule id ({@code ruleId}, {@code rule.id} or via
 * {@code ruleIndex}), the severity and a stable key. Severity: the rule's (or result's)
 * {@code properties["security-severity"]} mapped as GitHub code scanning does (≥ 9.0 critical,
 * ≥ 7.0 high, ≥ 4.0 medium, else low), otherwise the result's {@code level} (default: the rule's
 * {@code defaultConfiguration.level}, else {@code warning}, as the specification says).
 */
public final class SarifParser {

    static final Set<String> LEVELS = Set.of("none", "note", "warning", "error");

    private SarifParser() {
    }

    public static List<SarifFinding> parse(JsonNode root, Instant uploadedAt) throws SarifException {
        if (root == null || !root.isObject()) {
            throw new SarifException("$", "expected a SARIF log object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isTextual()) {
            throw new SarifException("$.version", "missing (expected \"2.1.0\")");
        }
        if (!"2.1.0".equals(version.asText())) {
            throw new SarifException("$.version", "is \"" + version.asText() + "\", Tally reads SARIF \"2.1.0\"");
        }
        JsonNode runs = root.get("runs");
        if (runs == null || !runs.isArray()) {
            throw new SarifException("$.runs", "missing or not an array");
        }
        List<SarifFinding> out = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            String runPath = "$.runs[" + r + "]";
            JsonNode run = runs.get(r);
            String tool = text(run.path("tool").path("driver").path("name"));
            if (tool == null || tool.isBlank()) {
                throw new SarifException(runPath + ".tool.driver.name", "missing (the name of the tool that produced the run)");
            }
            Instant scannedAt = scannedAt(run, runPath, uploadedAt);
            JsonNode results = run.get("results");
            if (results == null || results.isNull()) {
                continue; // the specification allows a run without results (the tool did not run to completion)
            }
            if (!results.isArray()) {
                throw new SarifException(runPath + ".results", "not an array");
            }
            for (int i = 0; i < results.size(); i++) {
                out.add(finding(run, runPath, results.get(i), runPath + ".results[" + i + "]", tool, scannedAt));
            }
        }
        return out;
    }

    private static SarifFinding finding(JsonNode run, String runPath, JsonNode result, String path, String tool,
            Instant scannedAt) throws SarifException {
        if (!result.isObject()) {
            throw new SarifException(path, "not an object");
        }
        JsonNode driver = run.path("tool").path("driver");
        String ruleId = text(result.get("ruleId"));
        if (ruleId == null) {
            ruleId = text(result.path("rule").get("id"));
        }
        JsonNode rule = null;
        String rulePath = null;
        JsonNode ruleIndex = result.get("ruleIndex");
        if (ruleIndex == null) {
            ruleIndex = result.path("rule").get("index");
        }
        if (ruleIndex != null && ruleIndex.isInt() && ruleIndex.asInt() >= 0) {
            JsonNode rules = driver.path("rules");
            if (ruleIndex.asInt() < rules.size()) {
                rule = rules.get(ruleIndex.asInt());
                rulePath = runPath + ".tool.driver.rules[" + ruleIndex.asInt() + "]";
            }
        }
        if (rule == null && ruleId != null) {
            JsonNode rules = driver.path("rules");
            for (int k = 0; k < rules.size() && rule == null; k++) {
                if (ruleId.equals(text(rules.get(k).get("id")))) {
                    rule = rules.get(k);
                    rulePath = runPath + ".tool.driver.rules[" + k + "]";
                }
            }
            JsonNode extensions = run.path("tool").path("extensions");
            for (int x = 0; x < extensions.size() && rule == null; x++) {
                JsonNode extRules = extensions.get(x).path("rules");
                for (int k = 0; k < extRules.size() && rule == null; k++) {
                    if (ruleId.equals(text(extRules.get(k).get("id")))) {
                        rule = extRules.get(k);
                        rulePath = runPath + ".tool.extensions[" + x + "].rules[" + k + "]";
                    }
                }
            }
        }
        if (ruleId == null && rule != null) {
            ruleId = text(rule.get("id"));
        }
        if (ruleId == null || ruleId.isBlank()) {
            throw new SarifException(path + ".ruleId", "missing (and no rule.id or ruleIndex naming a rule)");
        }
        String severity = securitySeverity(result.path("properties"), path + ".properties");
        if (severity == null && rule != null) {
            severity = securitySeverity(rule.path("properties"), rulePath + ".properties");
        }
        if (severity == null) {
            String level = text(result.get("level"));
            String levelPath = path + ".level";
            if (level == null && rule != null) {
                level = text(rule.path("defaultConfiguration").get("level"));
                levelPath = rulePath + ".defaultConfiguration.level";
            }
            if (level == null) {
                level = "warning";
            }
            if (!LEVELS.contains(level)) {
                throw new SarifException(levelPath, "\"" + level + "\" is not one of none, note, warning, error");
            }
            severity = level;
        }
        String location = location(result);
        String key = fingerprint(result.get("fingerprints"));
        if (key == null) {
            key = fingerprint(result.get("partialFingerprints"));
        }
        if (key == null) {
            if (location == null) {
                throw new SarifException(path + ".locations[0].physicalLocation.artifactLocation.uri",
                        "missing, and the result has no fingerprints or partialFingerprints: Tally needs one of them "
                                + "to recognise the finding when the scan is uploaded again");
            }
            key = "loc:" + location;
        }
        return new SarifFinding(tool, ruleId, severity, key, location, scannedAt);
    }

    /** {@code uri:line} of the first physical location, or {@code uri} alone, or null. */
    static String location(JsonNode result) {
        JsonNode physical = result.path("locations").path(0).path("physicalLocation");
        String uri = text(physical.path("artifactLocation").get("uri"));
        if (uri == null || uri.isBlank()) {
            return null;
        }
        JsonNode line = physical.path("region").get("startLine");
        return line != null && line.canConvertToInt() ? uri + ":" + line.asInt() : uri;
    }

    /** All entries sorted by name ({@code name=value,…}), or null when there are none. */
    static String fingerprint(JsonNode fingerprints) {
        if (fingerprints == null || !fingerprints.isObject() || fingerprints.isEmpty()) {
            return null;
        }
        Map<String, String> sorted = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = fingerprints.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue().asText());
        }
        StringBuilder sb = new StringBuilder("fp:");
        sorted.forEach((k, v) -> sb.append(sb.length() > 3 ? "," : "").append(k).append('=').append(v));
        return sb.toString();
    }

    private static String securitySeverity(JsonNode properties, String path) throws SarifException {
        JsonNode s = properties.get("security-severity");
        if (s == null || s.isNull()) {
            return null;
        }
        double score;
        try {
            score = Double.parseDouble(s.asText().strip());
        } catch (NumberFormatException e) {
            throw new SarifException(path + ".security-severity", "\"" + s.asText() + "\" is not a number from 0.0 to 10.0");
        }
        if (score < 0 || score > 10 || Double.isNaN(score)) {
            throw new SarifException(path + ".security-severity", s.asText() + " is outside 0.0 to 10.0");
        }
        if (score >= 9.0) {
            return "critical";
        }
        if (score >= 7.0) {
            return "high";
        }
        if (score >= 4.0) {
            return "medium";
        }
        return "low";
    }

    private static Instant scannedAt(JsonNode run, String runPath, Instant fallback) throws SarifException {
        JsonNode inv = run.path("invocations").path(0);
        for (String field : List.of("endTimeUtc", "startTimeUtc")) {
            String t = text(inv.get(field));
            if (t != null) {
                try {
                    return Instant.parse(t);
                } catch (DateTimeParseException e) {
                    throw new SarifException(runPath + ".invocations[0]." + field, "\"" + t + "\" is not an ISO-8601 UTC time");
                }
            }
        }
        return fallback;
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
