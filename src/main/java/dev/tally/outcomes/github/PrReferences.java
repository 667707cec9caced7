package dev.tally.outcomes.github;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a pull request says about other pull requests, read from its title, description and branch:
 * which one it reverts, by GitHub's conventions, and which ones it mentions (a hotfix's target).
 *
 * <p>GitHub's "Revert" button opens a PR titled {@code Revert "<title of the reverted PR>"} from a
 * branch {@code revert-<number>-<its branch>}, described as {@code Reverts owner/repo#<number>}; a
 * {@code git revert} commit says {@code This reverts commit <sha>.} People edit all three, so each is
 * kept: the reverted PR is then found by any of them ({@code DeliveryFacts}).
 */
public final class PrReferences {

    /** At most this many mentions are kept from one description. */
    static final int MAX_MENTIONS = 50;

    private static final Pattern REVERT_TITLE = Pattern.compile("^\\s*Revert\\s+\"(.+)\"\\s*$", Pattern.DOTALL);
    private static final Pattern REVERTS_LINE =
            Pattern.compile("(?im)^\\s*Reverts\\s+(?:([A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+))?#(\\d{1,9})\\b");
    private static final Pattern REVERTS_COMMIT = Pattern.compile("(?i)\\bThis reverts commit ([0-9a-f]{7,40})\\b");
    private static final Pattern REVERT_BRANCH = Pattern.compile("^revert-(\\d{1,9})-");
    private static final Pattern MENTION = Pattern.compile(
            "(?:https://github\\.com/([A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)/(?:pull|issues)/(\\d{1,9}))"
                    + "|(?<![\\w/#&])(?:([A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+))?#(\\d{1,9})\\b");

    /** A PR's references: what it reverts ({@code owner/repo#N}, {@code commit:<sha>}), a quoted title, its mentions. */
    public record References(List<String> reverts, String revertsTitle, List<String> mentions) {}

    private PrReferences() {}

    /**
     * @param repository the PR's own {@code owner/repo}: a bare {@code #N} refers to it
     */
    public static References read(String repository, String title, String body, String headRef) {
        Set<String> reverts = new LinkedHashSet<>();
        String revertsTitle = null;
        if (title != null) {
            Matcher t = REVERT_TITLE.matcher(title);
            if (t.matches()) {
                revertsTitle = t.group(1);
            }
        }
        String text = body == null ? "" : body;
        Matcher line = REVERTS_LINE.matcher(text);
        while (line.find()) {
            reverts.add(ref(line.group(1) == null ? repository : line.group(1), line.group(2)));
        }
        Matcher commit = REVERTS_COMMIT.matcher(text);
        while (commit.find()) {
            reverts.add("commit:" + commit.group(1).toLowerCase(Locale.ROOT));
        }
        if (headRef != null) {
            Matcher branch = REVERT_BRANCH.matcher(headRef);
            if (branch.find()) {
                reverts.add(ref(repository, branch.group(1)));
            }
        }
        Set<String> mentions = new LinkedHashSet<>();
        Matcher m = MENTION.matcher(text);
        while (m.find() && mentions.size() < MAX_MENTIONS) {
            if (m.group(2) != null) {
                mentions.add(ref(m.group(1), m.group(2)));
            } else {
                mentions.add(ref(m.group(3) == null ? repository : m.group(3), m.group(4)));
            }
        }
        return new References(new ArrayList<>(reverts), revertsTitle, new ArrayList<>(mentions));
    }

    /** {@code owner/repo#N}, the repository in lower case as GitHub compares names. */
    public static String ref(String repository, String number) {
        return repository.toLowerCase(Locale.ROOT) + "#" + Integer.parseInt(number);
    }
}
