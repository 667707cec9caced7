package dev.tally.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An employee; owns gateway keys, belongs to one team, may have a GitHub login for outcomes. */
@Entity
@Table(name = "employee")
public class Employee extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String email;

    @Column(nullable = false)
    public String name;

    @Column(name = "team_id", nullable = false)
    public UUID teamId;

    @Column(name = "github_login", unique = true)
    public String githubLogin;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<Employee> findByGithubLogin(String login) {
        return find("lower(githubLogin) = lower(?1)", login).firstResultOptional();
    }
}
