package dev.tally.outcomes.sarif;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import dev.tally.rollup.EventDecoder;

/**
 * Reads the parts of a SARIF 2.1.0 log that Tally counts: per result the tool
 * ({@code runs[].tool.driver.name}), the rule id ({@code ruleId}, {@code rule.id} or via
 * {@code ruleIndex}), the severity, where it is, its fingerprints, whether it is suppressed, its
 * {@code baselineState} and {@code kind}. Severity: the rule's (or result's)
 * {@code properties["security-severity"]} mapped as GitHub code scanning does (≥ 9.0 critical,
 * ≥ 7.0 high, ≥ 4.0 medium, else low), otherwise the result's {@code level} (default: the rule's
 * {@code defaultConfiguration.level}, else {@code warning}, as the specification says).
 * Structural problems are a {@link SarifException} naming the JSON path; a result that merely cannot
 * be identified is read anyway and set aside later, with its reason, in the upload's answer.
 */
public final class SarifParser {

    static final Set<String> LEVELS = Set.of("none", "note", "warning", "error");
    /** Suppression states that keep a result out of the open findings (SARIF §3.35.3; absent = accepted). */
    static final Set<String> SUPPRESSING = Set.of("accepted", "underreview");

    private SarifParser() {}

    public static List<SarifResult> parse(JsonNode root, Instant uploadedAt) throws SarifException {
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
        List<SarifResult> out = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            String runPath = "$.runs[" + r + "]";
            JsonNode run = runs.get(r);
            String tool = text(run.path("tool").path("driver").path("name"));
            if (tool == null || tool.isBlank()) {
                throw new SarifException(
                        runPath + ".tool.driver.name", "missing (the name of the tool that produced the run)");
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
                out.add(result(run, runPath, results.get(i), runPath + ".results[" + i + "]", tool, scannedAt));
            }
        }
        return out;
    }

    private static SarifResult result(
            JsonNode run, String runPath, JsonNode result, String path, String tool, Instant scannedAt)
            throws SarifException {
        if (!result.isObject()) {
            throw new SarifException(path, "not an object");
        }
        String ruleId = text(result.get("ruleId"));
        if (ruleId == null) {
            ruleId = text(result.path("rule").get("id"));
        }
        String[] rulePath = new String[1];
        JsonNode rule = rule(run, runPath, result, ruleId, rulePath);
        if (ruleId == null && rule != null) {
            ruleId = text(rule.get("id"));
        }
        if (ruleId == null || ruleId.isBlank()) {
            throw new SarifException(path + ".ruleId", "missing (and no rule.id or ruleIndex naming a rule)");
        }
        String severity = severity(result, path, rule, rulePath[0]);

        JsonNode location = result.path("locations").path(0);
        JsonNode physical = location.path("physicalLocation");
        String file =
                SarifPaths.normalise(text(physical.path("artifactLocation").get("uri")), run.get("originalUriBaseIds"));
        JsonNode region = physical.path("region");
        JsonNode line = region.get("startLine");
        Integer startLine = line != null && line.canConvertToInt() ? line.asInt() : null;
        String snippet = text(region.path("snippet").get("text"));
        String note = text(location.path("message").get("text"));
        String message = text(result.path("message").get("text"));

        return new SarifResult(
                tool,
                ruleId,
                severity,
                file,
                region(region),
                snippet == null || snippet.isBlank() ? null : hash(snippet.strip()),
                note == null || note.isBlank() ? null : hash(note.strip()),
                message == null || message.isBlank() ? null : hash(message.strip()),
                entries(result.get("fingerprints")),
                entries(result.get("partialFingerprints")),
                suppressed(result.get("suppressions")),
                text(result.get("baselineState")),
                text(result.get("kind")) == null ? "fail" : text(result.get("kind")),
                startLine,
                scannedAt);
    }

    /** The rule object the result refers to (by index, else by id in the driver or an extension), or null. */
    private static JsonNode rule(JsonNode run, String runPath, JsonNode result, String ruleId, String[] rulePath) {
        JsonNode driver = run.path("tool").path("driver");
        JsonNode ruleIndex = result.get("ruleIndex");
        if (ruleIndex == null) {
            ruleIndex = result.path("rule").get("index");
        }
        // rules and extensions are arrays in SARIF; anything else (an object has a size too) holds none
        JsonNode rules = array(driver.path("rules"));
        if (ruleIndex != null && ruleIndex.isInt() && ruleIndex.asInt() >= 0 && ruleIndex.asInt() < rules.size()) {
            rulePath[0] = runPath + ".tool.driver.rules[" + ruleIndex.asInt() + "]";
            return rules.get(ruleIndex.asInt());
        }
        if (ruleId == null) {
            return null;
        }
        for (int k = 0; k < rules.size(); k++) {
            if (ruleId.equals(text(rules.get(k).get("id")))) {
                rulePath[0] = runPath + ".tool.driver.rules[" + k + "]";
                return rules.get(k);
            }
        }
        JsonNode extensions = array(run.path("tool").path("extensions"));
        for (int x = 0; x < extensions.size(); x++) {
            JsonNode extRules = array(extensions.get(x).path("rules"));
            for (int k = 0; k < extRules.size(); k++) {
                if (ruleId.equals(text(extRules.get(k).get("id")))) {
                    rulePath[0] = runPath + ".tool.extensions[" + x + "].rules[" + k + "]";
                    return extRules.get(k);
                }
            }
        }
        return null;
    }

    private static String severity(JsonNode result, String path, JsonNode rule, String rulePath) throws SarifException {
        String severity = securitySeverity(result.path("properties"), path + ".properties");
        if (severity == null && rule != null) {
            severity = securitySeverity(rule.path("properties"), rulePath + ".properties");
        }
        if (severity != null) {
            return severity;
        }
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
        return level;
    }

    /** {@code startLine[:startColumn][-endLine[:endColumn]]}, a character range, or "" (the whole file). */
    static String region(JsonNode region) {
        if (region == null || !region.isObject()) {
            return "";
        }
        JsonNode startLine = region.get("startLine");
        if (startLine != null && startLine.canConvertToInt()) {
            StringBuilder sb = new StringBuilder().append(startLine.asInt());
            appendIfInt(sb, ":", region.get("startColumn"));
            JsonNode endLine = region.get("endLine");
            JsonNode endColumn = region.get("endColumn");
            if ((endLine != null && endLine.canConvertToInt()) || (endColumn != null && endColumn.canConvertToInt())) {
                sb.append('-')
                        .append(endLine != null && endLine.canConvertToInt() ? endLine.asInt() : startLine.asInt());
                appendIfInt(sb, ":", endColumn);
            }
            return sb.toString();
        }
        JsonNode offset = region.get("charOffset");
        if (offset != null && offset.canConvertToInt()) {
            JsonNode length = region.get("charLength");
            return "char:" + offset.asInt() + (length != null && length.canConvertToInt() ? "+" + length.asInt() : "");
        }
        JsonNode byteOffset = region.get("byteOffset");
        if (byteOffset != null && byteOffset.canConvertToInt()) {
            JsonNode length = region.get("byteLength");
            return "byte:" + byteOffset.asInt()
                    + (length != null && length.canConvertToInt() ? "+" + length.asInt() : "");
        }
        return "";
    }

    private static void appendIfInt(StringBuilder sb, String sep, JsonNode n) {
        if (n != null && n.canConvertToInt()) {
            sb.append(sep).append(n.asInt());
        }
    }

    /** A fingerprint object's entries sorted by name; values as text. */
    static Map<String, String> entries(JsonNode fingerprints) {
        Map<String, String> sorted = new TreeMap<>();
        if (fingerprints == null || !fingerprints.isObject()) {
            return sorted;
        }
        Iterator<Map.Entry<String, JsonNode>> it = fingerprints.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull() && !e.getValue().asText().isEmpty()) {
                sorted.put(e.getKey(), e.getValue().asText());
            }
        }
        return sorted;
    }

    /**
     * SARIF §3.27.23: an empty array means the tool supports suppressions and none applies; a
     * suppression whose status is {@code rejected} does not suppress. Any other suppression (status
     * {@code accepted}, {@code underReview}, or absent, as Semgrep writes for {@code nosemgrep}) does.
     */
    static boolean suppressed(JsonNode suppressions) {
        if (suppressions == null || !suppressions.isArray()) {
            return false;
        }
        for (JsonNode s : suppressions) {
            String status = text(s.get("status"));
            if (status == null || SUPPRESSING.contains(status.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
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
            throw new SarifException(
                    path + ".security-severity", "\"" + s.asText() + "\" is not a number from 0.0 to 10.0");
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
                Instant at;
                try {
                    at = Instant.parse(t);
                } catch (DateTimeParseException e) {
                    throw new SarifException(
                            runPath + ".invocations[0]." + field, "\"" + t + "\" is not an ISO-8601 UTC time");
                }
                if (!EventDecoder.inTimeRange(at)) {
                    throw new SarifException(
                            runPath + ".invocations[0]." + field,
                            "\"" + t + "\" is outside the range " + EventDecoder.TIME_RANGE);
                }
                return at;
            }
        }
        return fallback;
    }

    /** The first 16 hex digits of the text's SHA-256: enough to tell snippets apart, short in an id. */
    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code n} when it is an array, else an empty node: what a field SARIF defines as an array holds otherwise. */
    private static JsonNode array(JsonNode n) {
        return n != null && n.isArray() ? n : MissingNode.getInstance();
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
