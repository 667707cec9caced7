package dev.tally.access.user;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A local account. {@code passwordHash} is bcrypt (Modular Crypt Format); the password is never stored. */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {

    @Id
    public UUID id;

    /** 'admin' or a lower-case e-mail. */
    @Column(nullable = false, unique = true, updatable = false)
    public String username;

    @Column(nullable = false)
    public String name;

    /** An {@link dev.tally.access.AccessRole} key. */
    @Column(nullable = false)
    public String role;

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(name = "disabled_at")
    public Instant disabledAt;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;
}
