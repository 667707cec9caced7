package dev.tally.alert.channel;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.platform.ApiException;
import dev.tally.platform.ProblemMapper;

/**
 * Alert channels: the admin API's service, and the lookup the senders and the budgets use. Channels
 * are few and written rarely, so every call reads PostgreSQL directly (no cache to keep in step
 * across instances).
 */
@ApplicationScoped
public class AlertChannelService {

    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>,;\"]+@[^@\\s<>,;\"]+\\.[^@\\s<>,;\"]+");
    private static final int MIN_SECRET = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS =
            "id, type, name, url_hint, url_sealed, secret_sealed, recipients, digest, created_at";

    private final DataSource dataSource;
    private final ChannelSecrets secrets;
    private final Clock clock;
    private final AuditLog audit;
    private final Validator validator;

    public AlertChannelService(
            DataSource dataSource, ChannelSecrets secrets, Clock clock, AuditLog audit, Validator validator) {
        this.audit = audit;
        this.validator = validator;
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Validates and stores a channel; a webhook without a secret gets one, returned here once. */
    @Transactional
    public ChannelView create(NewChannel req) {
        ChannelType type = ChannelType.parse(req.type());
        UUID id = UUID.randomUUID();
        Fields f = fields(type, req);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO alert_channel (id, type, name, url_hint, "
                        + "url_sealed, secret_sealed, recipients, digest, created_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setObject(1, id);
            ps.setString(2, type.apiName());
            ps.setString(3, req.name().strip());
            ps.setString(4, f.url() == null ? null : hint(f.url()));
            ps.setBytes(5, f.url() == null ? null : secrets.seal(id, f.url()));
            ps.setBytes(6, f.secret() == null ? null : secrets.seal(id, f.secret()));
            ps.setArray(7, f.to() == null ? null : c.createArrayOf("text", f.to().toArray()));
            ps.setBoolean(8, Boolean.TRUE.equals(req.digest()));
            ps.setTimestamp(9, Timestamp.from(clock.instant()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("storing alert channel", e);
        }
        ChannelView stored = view(id).orElseThrow();
        audit.record(AuditTarget.ALERT_CHANNEL, AuditChange.CREATE, id, null, stored); // without the secret
        return stored.withSecret(f.generated());
    }

    /**
     * Changes the fields {@code change} gives and keeps the others; the type never changes (a
     * different {@code type} is a 400). The stored channel with the change applied is checked as a
     * create's body is ({@link NewChannel}'s constraints, then {@link #fields}), so an edited channel
     * is always one that create would have taken. A new URL or secret is sealed as create seals it.
     * Unknown or deleted: 404. The row is locked until the commit, so two edits at once do not lose
     * each other's fields, and a delete at the same time waits for it.
     *
     * <p>The sender reads the channel at each attempt ({@link #channel}), so deliveries not yet sent go
     * to it as it is after this commit; when its URL, secret or recipients change, those waiting for a
     * retry are due at once instead of after their backoff.
     */
    @Transactional
    public ChannelView update(UUID id, ChannelChange change) {
        Stored stored = stored(id).orElseThrow(() -> ApiException.notFound("no alert channel " + id));
        ChannelView before = stored.view();
        if (change.type() != null && !change.type().equals(before.type())) {
            throw ApiException.badRequest("type: a channel's type cannot change (this one is " + before.type()
                    + ", got '" + change.type() + "'); add a new channel to deliver another way");
        }
        ChannelType type = ChannelType.parse(before.type());
        NewChannel merged = new NewChannel(
                before.type(),
                change.name() != null ? change.name() : before.name(),
                change.url() != null ? change.url() : stored.url(secrets),
                change.secret() != null ? change.secret() : stored.secret(secrets),
                change.to() != null ? change.to() : before.to(),
                change.digest() != null ? change.digest() : before.digest());
        // the create's @Valid on its body, in its words ("name: must not be blank"), then its own checks
        Set<ConstraintViolation<NewChannel>> invalid = validator.validate(merged);
        if (!invalid.isEmpty()) {
            throw ApiException.badRequest(ProblemMapper.detail(invalid));
        }
        Fields f = fields(type, merged);
        boolean newUrl = change.url() != null;
        boolean newSecret = change.secret() != null || f.generated() != null;
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE alert_channel SET name = ?, url_hint = ?, "
                        + "url_sealed = ?, secret_sealed = ?, recipients = ?, digest = ? "
                        + "WHERE id = ? AND deleted_at IS NULL");
                PreparedStatement due = c.prepareStatement("UPDATE alert_delivery SET next_attempt_at = ? "
                        + "WHERE channel_id = ? AND status = 'pending' AND next_attempt_at > ?")) {
            ps.setString(1, merged.name().strip());
            ps.setString(2, newUrl ? hint(f.url()) : before.urlHint());
            ps.setBytes(3, newUrl ? secrets.seal(id, f.url()) : stored.urlSealed());
            ps.setBytes(4, newSecret ? secrets.seal(id, f.secret()) : stored.secretSealed());
            ps.setArray(5, f.to() == null ? null : c.createArrayOf("text", f.to().toArray()));
            ps.setBoolean(6, Boolean.TRUE.equals(merged.digest()));
            ps.setObject(7, id);
            ps.executeUpdate();
            if (newUrl || newSecret || change.to() != null) {
                // where it delivers changed (a broken URL mended, most likely): what waits for a retry goes now
                due.setTimestamp(1, Timestamp.from(now));
                due.setObject(2, id);
                due.setTimestamp(3, Timestamp.from(now));
                due.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("updating alert channel", e);
        }
        ChannelView after = view(id).orElseThrow();
        // never the URL or the secret: whether they were replaced is what the log can tell
        audit.record(
                AuditTarget.ALERT_CHANNEL,
                AuditChange.UPDATE,
                id,
                before,
                new UpdatedView(after, newUrl, change.secret() != null));
        return after.withSecret(f.generated());
    }

    /**
     * An update's state after, for the audit log: the channel as the API shows it, and whether its
     * URL or secret was replaced (their values are never logged, and a new Slack URL often has the
     * same host, so the hint alone would not show it).
     */
    record UpdatedView(@JsonUnwrapped ChannelView channel, boolean urlReplaced, boolean secretReplaced) {}

    public List<ChannelView> list() {
        List<ChannelView> out = new ArrayList<>();
        query(
                "SELECT " + COLUMNS + " FROM alert_channel WHERE deleted_at IS NULL ORDER BY lower(name), id",
                null,
                rs -> out.add(view(rs)));
        return out;
    }

    public Optional<ChannelView> view(UUID id) {
        List<ChannelView> out = new ArrayList<>(1);
        query(
                "SELECT " + COLUMNS + " FROM alert_channel WHERE id = ? AND deleted_at IS NULL",
                id,
                rs -> out.add(view(rs)));
        return out.stream().findFirst();
    }

    /** Whether a channel with this id exists and is not deleted (budgets validate their channelIds with it). */
    public boolean exists(UUID id) {
        return id != null && view(id).isPresent();
    }

    /** The channel with its opened URL and secret, for a sender; empty once deleted. */
    public Optional<Channel> channel(UUID id) {
        List<Channel> out = new ArrayList<>(1);
        query(
                "SELECT " + COLUMNS + " FROM alert_channel WHERE id = ? AND deleted_at IS NULL",
                id,
                rs -> out.add(channel(rs)));
        return out.stream().findFirst();
    }

    /** The live channels that subscribe to the weekly digest. */
    public List<UUID> digestChannels() {
        List<UUID> out = new ArrayList<>();
        query(
                "SELECT id FROM alert_channel WHERE digest AND deleted_at IS NULL ORDER BY id",
                null,
                rs -> out.add(rs.getObject(1, UUID.class)));
        return out;
    }

    /**
     * Marks the channel deleted and cancels its deliveries not yet sent; its rows stay so the
     * delivery log still names it. Unknown or already deleted: 404. One transaction with its audit
     * entry, as {@link #create} is.
     */
    @Transactional
    public void delete(UUID id) {
        ChannelView before = view(id).orElse(null);
        try (Connection c = dataSource.getConnection();
                PreparedStatement del = c.prepareStatement(
                        "UPDATE alert_channel SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
                PreparedStatement cancel = c.prepareStatement("UPDATE alert_delivery SET status = 'cancelled', "
                        + "last_error = 'channel deleted' WHERE channel_id = ? AND status = 'pending'")) {
            del.setTimestamp(1, Timestamp.from(clock.instant()));
            del.setObject(2, id);
            if (del.executeUpdate() == 0) {
                throw ApiException.notFound("no alert channel " + id);
            }
            cancel.setObject(1, id);
            cancel.executeUpdate();
            audit.record(AuditTarget.ALERT_CHANNEL, AuditChange.DELETE, id, before, null);
        } catch (SQLException e) {
            throw new IllegalStateException("deleting alert channel", e);
        }
    }

    /** A live channel's row as stored, its sealed values unopened (an edit opens only what it keeps). */
    private record Stored(ChannelView view, byte[] urlSealed, byte[] secretSealed) {
        String url(ChannelSecrets secrets) {
            return urlSealed == null ? null : secrets.open(view.id(), urlSealed);
        }

        String secret(ChannelSecrets secrets) {
            return secretSealed == null ? null : secrets.open(view.id(), secretSealed);
        }
    }

    /** The live channel, its row locked until the transaction ends. */
    private Optional<Stored> stored(UUID id) {
        List<Stored> out = new ArrayList<>(1);
        query(
                "SELECT " + COLUMNS + " FROM alert_channel WHERE id = ? AND deleted_at IS NULL FOR UPDATE",
                id,
                rs -> out.add(new Stored(view(rs), rs.getBytes("url_sealed"), rs.getBytes("secret_sealed"))));
        return out.stream().findFirst();
    }

    private ChannelView view(ResultSet rs) throws SQLException {
        return new ChannelView(
                rs.getObject("id", UUID.class),
                rs.getString("type"),
                rs.getString("name"),
                rs.getString("url_hint"),
                rs.getBytes("secret_sealed") != null,
                strings(rs.getArray("recipients")),
                rs.getBoolean("digest"),
                rs.getTimestamp("created_at").toInstant(),
                null);
    }

    private Channel channel(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        byte[] url = rs.getBytes("url_sealed");
        byte[] secret = rs.getBytes("secret_sealed");
        return new Channel(
                id,
                ChannelType.parse(rs.getString("type")),
                rs.getString("name"),
                url == null ? null : secrets.open(id, url),
                secret == null ? null : secrets.open(id, secret),
                strings(rs.getArray("recipients")),
                rs.getBoolean("digest"));
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? null : List.of((String[]) a.getArray());
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Object param, RowReader reader) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setObject(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading alert channels", e);
        }
    }

    // ---- validation ------------------------------------------------------------------------------

    /**
     * What a channel of {@code type} stores, checked: its URL, secret and recipients.
     *
     * @param generated the secret made for a webhook given none (also in {@code secret}), else null
     */
    private record Fields(String url, String secret, String generated, List<String> to) {}

    /** The create's rules for each type's fields; an update checks the channel it would store with them too. */
    private static Fields fields(ChannelType type, NewChannel req) {
        return switch (type) {
            case SLACK -> {
                String url = url(req.url());
                forbid(req.secret() != null, "secret: only webhook channels have a secret");
                forbid(req.to() != null, "to: only email channels have recipients");
                yield new Fields(url, null, null, null);
            }
            case WEBHOOK -> {
                String url = url(req.url());
                forbid(req.to() != null, "to: only email channels have recipients");
                if (req.secret() == null) {
                    String generated = generateSecret();
                    yield new Fields(url, generated, generated, null);
                }
                forbid(
                        req.secret().strip().length() < MIN_SECRET,
                        "secret: at least " + MIN_SECRET + " characters (or leave it out and Tally generates one)");
                yield new Fields(url, req.secret(), null, null);
            }
            case EMAIL -> {
                forbid(req.url() != null, "url: email channels have recipients (to), not a url");
                forbid(req.secret() != null, "secret: only webhook channels have a secret");
                yield new Fields(null, null, null, recipients(req.to()));
            }
        };
    }

    private static void forbid(boolean condition, String detail) {
        if (condition) {
            throw ApiException.badRequest(detail);
        }
    }

    static String url(String value) {
        forbid(value == null || value.isBlank(), "url: required for slack and webhook channels");
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("url: not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        forbid(!scheme.equals("https") && !scheme.equals("http"), "url: must start with https:// (or http://)");
        forbid(uri.getHost() == null, "url: has no host");
        forbid(uri.getUserInfo() != null, "url: must not carry a user name or password");
        return uri.toString();
    }

    /** Scheme and host only: what a Slack webhook URL may show without giving its token away. */
    static String hint(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/…";
    }

    static List<String> recipients(List<String> to) {
        forbid(to == null || to.isEmpty(), "to: at least one e-mail address for an email channel");
        List<String> out = new ArrayList<>(to.size());
        for (int i = 0; i < to.size(); i++) {
            String a = to.get(i) == null ? "" : to.get(i).strip();
            forbid(
                    a.length() > 254 || !ADDRESS.matcher(a).matches(),
                    "to[" + i + "]: '" + a + "' is not an e-mail address");
            out.add(a);
        }
        return List.copyOf(out);
    }

    private static String generateSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
