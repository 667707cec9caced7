package dev.tally.outcomes.mapping;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A repository → team rule set through the admin API (see {@link RepoPatterns} for matching). */
@Entity
@Table(name = "repo_team_rule")
public class RepoTeamRule extends PanacheEntityBase {

    @Id
    public String pattern;

    @Column(name = "team_id", nullable = false)
    public UUID teamId;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
