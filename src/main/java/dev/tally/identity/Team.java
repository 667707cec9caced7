package dev.tally.identity;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A team; its id is the Kafka key of its events and the unit of every dashboard and budget. */
@Entity
@Table(name = "team")
public class Team extends PanacheEntityBase {

    /** Outcomes that map to no team are attributed here (row created by V1). */
    public static final UUID UNASSIGNED = new UUID(0, 0);

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String name;

    @Column(nullable = false)
    public String department;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;
}
