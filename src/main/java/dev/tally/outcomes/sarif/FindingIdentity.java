package dev.tally.outcomes.sarif;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what identifies each result of one upload, so that the same finding gets the same id on
 * every upload and different findings never share one.
 *
 * <p>A fingerprint is used only where it discriminates. Within one upload, {@code fingerprints}
 * (which claim to be a result's whole identity) seen on different rules or locations, and
 * {@code partialFingerprints} (which GitHub combines with the rule) seen at different locations of
 * the same rule, are placeholders: Semgrep OSS without a login writes {@code "requires login"} on
 * every result, flawfinder's context hash repeats on identical lines. Values configured as known
 * placeholders are never used, even where an upload has only one result. A result without a usable
 * fingerprint is identified by rule + normalised path + region, plus the snippet and the location's
 * own message where the tool gives them (Trivy names the package there, so two packages with the
 * same CVE in one image stay two findings). Where the location carries neither, the result's message
 * stands in for them: a container scanner that points every result at the image's line 1 says which
 * package it means only there. It depends on the result alone, never on what else the upload holds,
 * so a finding keeps its id from one upload to the next.
 */
public final class FindingIdentity {

    /**
     * How a result is identified: {@code key} (null = it cannot be), and why it fell back to its location.
     * {@code fingerprint} is the {@code fp:} key that identifies it, or would have had it not repeated
     * within the upload (null: none, or a known placeholder); {@code location} its location key (null
     * without a path). The two let an upload find the id an earlier upload gave the same finding.
     */
    public record Decided(SarifResult result, String key, String fallback, String fingerprint, String location) {}

    private FindingIdentity() {}

    public static List<Decided> decide(List<SarifResult> results, Set<String> knownPlaceholders) {
        Set<String> known = knownPlaceholders.stream()
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        // fingerprints value -> the rule/locations it was seen at, per tool
        Map<String, Set<String>> full = new HashMap<>();
        // partialFingerprints value -> the locations it was seen at, per tool and rule
        Map<String, Set<String>> partial = new HashMap<>();
        for (SarifResult r : results) {
            String where = r.path() + "|" + r.region();
            if (!r.fingerprints().isEmpty()) {
                full.computeIfAbsent(r.tool() + "\n" + r.fingerprints(), k -> new HashSet<>())
                        .add(r.ruleId() + "|" + where);
            }
            if (!r.partial().isEmpty()) {
                partial.computeIfAbsent(r.tool() + "\n" + r.ruleId() + "\n" + r.partial(), k -> new HashSet<>())
                        .add(where);
            }
        }
        List<Decided> out = new ArrayList<>(results.size());
        for (SarifResult r : results) {
            String fullProblem = problem(
                    r.fingerprints(),
                    "fingerprints",
                    known,
                    r.fingerprints().isEmpty()
                            ? 0
                            : full.get(r.tool() + "\n" + r.fingerprints()).size(),
                    "different rules or locations");
            String location = location(r);
            if (!r.fingerprints().isEmpty() && fullProblem == null) {
                String key = "fp:" + flat(r.fingerprints());
                out.add(new Decided(r, key, null, key, location));
                continue;
            }
            String partialProblem = problem(
                    r.partial(),
                    "partialFingerprints",
                    known,
                    r.partial().isEmpty()
                            ? 0
                            : partial.get(r.tool() + "\n" + r.ruleId() + "\n" + r.partial())
                                    .size(),
                    "different locations of one rule");
            if (!r.partial().isEmpty() && partialProblem == null) {
                String key = "fp:" + flat(r.partial());
                out.add(new Decided(r, key, null, key, location));
                continue;
            }
            String reason = fullProblem != null
                    ? fullProblem
                    : partialProblem != null ? partialProblem : "the tool gives no fingerprints";
            out.add(new Decided(r, location, reason, repeated(r, known), location));
        }
        return out;
    }

    /**
     * The fingerprint that would identify a result whose fingerprints repeat within its upload: the
     * first of {@code fingerprints} and {@code partialFingerprints} that holds no known placeholder.
     */
    private static String repeated(SarifResult r, Set<String> known) {
        for (Map<String, String> fp : List.of(r.fingerprints(), r.partial())) {
            if (!fp.isEmpty()
                    && fp.values().stream()
                            .noneMatch(v -> known.contains(v.strip().toLowerCase(Locale.ROOT)))) {
                return "fp:" + flat(fp);
            }
        }
        return null;
    }

    /** Why these fingerprints cannot identify the result, or null when they can (or there are none). */
    private static String problem(Map<String, String> fp, String what, Set<String> known, int places, String across) {
        if (fp.isEmpty()) {
            return null;
        }
        for (Map.Entry<String, String> e : fp.entrySet()) {
            if (known.contains(e.getValue().strip().toLowerCase(Locale.ROOT))) {
                return what + " " + e.getKey() + " holds the known placeholder \"" + e.getValue() + "\"";
            }
        }
        if (places > 1) {
            return what + " " + String.join(", ", fp.keySet()) + " repeat across " + across + " (placeholders)";
        }
        return null;
    }

    /** normalised path + region (+ snippet, + the location's message, else the result's); null without a path. */
    static String location(SarifResult r) {
        if (r.path() == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder("loc:").append(r.path());
        if (!r.region().isEmpty()) {
            sb.append(':').append(r.region());
        }
        if (r.snippetHash() != null) {
            sb.append("#s").append(r.snippetHash());
        }
        if (r.locationNote() != null) {
            sb.append("#m").append(r.locationNote());
        }
        if (r.snippetHash() == null && r.locationNote() == null && r.messageHash() != null) {
            sb.append("#t").append(r.messageHash());
        }
        return sb.toString();
    }

    /** {@code name=value,…} in name order: the same form Tally has always used in SARIF ids. */
    static String flat(Map<String, String> fp) {
        return fp.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
