package dev.tally.dashboard.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which merged PRs a later PR reverted or hot-fixed, decided from stored facts under the current rules
 * (so changing the hotfix labels changes the rates of past periods too):
 *
 * <ul>
 * <li><b>reverted</b>: a PR merged later says it reverts this one — by {@code Reverts owner/repo#N} in
 * its description or GitHub's {@code revert-N-…} branch, or by {@code This reverts commit <sha>} naming
 * this PR's merge commit; failing both, by GitHub's title {@code Revert "<this PR's title>"}, which
 * names the latest PR of that title in the same repository merged before it;</li>
 * <li><b>hot-fixed</b>: a PR merged later with a hotfix label names this one in its description.</li>
 * </ul>
 */
public final class ChangeFailures {

    /**
     * A PR merged in or after the period that may revert or hot-fix others.
     *
     * @param titleTarget the id of the latest PR whose title its {@code Revert "…"} title quotes (null: none)
     */
    public record Candidate(
            String id,
            Instant mergedAt,
            List<String> reverts,
            String titleTarget,
            boolean hotfix,
            List<String> mentions) {}

    private ChangeFailures() {}

    /** The PRs with {@code reverted} and {@code hotfixed} set from the candidates. */
    public static List<PrRecord> apply(List<PrRecord> prs, List<Candidate> candidates) {
        Map<String, PrRecord> byRef = new HashMap<>();
        Map<String, PrRecord> byId = new HashMap<>();
        for (PrRecord p : prs) {
            byRef.put(ref(p.repository(), p.number()), p);
            byId.put(p.id(), p);
        }
        Set<String> reverted = new HashSet<>();
        Set<String> hotfixed = new HashSet<>();
        for (Candidate c : candidates) {
            // a PR named by number is the one reverted, in this scope or not: the title is only the
            // fallback when nothing is named, else a PR of the same title inside the period or team would
            // be marked in place of the named one outside it
            boolean found = c.reverts().stream().anyMatch(r -> !r.startsWith(COMMIT));
            for (String r : c.reverts()) {
                for (PrRecord target : targets(r, byRef, prs)) {
                    if (target.mergedAt().isBefore(c.mergedAt()) && !target.id().equals(c.id())) {
                        reverted.add(target.id());
                        found = true;
                    }
                }
            }
            if (!found && c.titleTarget() != null && byId.containsKey(c.titleTarget())) {
                reverted.add(c.titleTarget());
            }
            if (c.hotfix()) {
                for (String m : c.mentions()) {
                    PrRecord target = byRef.get(m);
                    if (target != null
                            && target.mergedAt().isBefore(c.mergedAt())
                            && !target.id().equals(c.id())) {
                        hotfixed.add(target.id());
                    }
                }
            }
        }
        List<PrRecord> out = new ArrayList<>(prs.size());
        for (PrRecord p : prs) {
            out.add(p.withFailures(reverted.contains(p.id()), hotfixed.contains(p.id())));
        }
        return out;
    }

    /** {@code owner/repo#N}, or every PR whose merge commit starts with the sha of {@code commit:<sha>}. */
    private static List<PrRecord> targets(String reference, Map<String, PrRecord> byRef, List<PrRecord> prs) {
        if (reference.startsWith(COMMIT)) {
            String sha = reference.substring(COMMIT.length()).toLowerCase(Locale.ROOT);
            return prs.stream()
                    .filter(p ->
                            p.mergeCommitSha() != null && p.mergeCommitSha().startsWith(sha))
                    .toList();
        }
        PrRecord p = byRef.get(reference.toLowerCase(Locale.ROOT));
        return p == null ? List.of() : List.of(p);
    }

    static final String COMMIT = "commit:";

    static String ref(String repository, int number) {
        return repository.toLowerCase(Locale.ROOT) + "#" + number;
    }
}
