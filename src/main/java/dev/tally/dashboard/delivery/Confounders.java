package dev.tally.dashboard.delivery;

/**
 * What else differs between the AI-assisted PRs and the rest, so a reader can judge how far the
 * comparison is about AI: their size, who wrote them, and where.
 *
 * @param topRepository        the repository with the most of the scope's merged PRs (null: none)
 * @param topRepositoryShareAi the share of AI-assisted PRs that are in it, percent
 * @param topRepositoryShareOther the share of the other PRs that are in it, percent
 */
public record Confounders(
        Double sizeMedianAi,
        Double sizeMedianOther,
        int authorsAi,
        int authorsOther,
        int repositoriesAi,
        int repositoriesOther,
        String topRepository,
        Double topRepositoryShareAi,
        Double topRepositoryShareOther) {}
