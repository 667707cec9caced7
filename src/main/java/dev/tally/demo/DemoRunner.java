package dev.tally.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import javax.sql.DataSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServer;

import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.events.CloudEvent;
import dev.tally.events.EventPublisher;
import dev.tally.events.Topics;
import dev.tally.gateway.Api;
import dev.tally.identity.EmployeeView;
import dev.tally.identity.IdentityService;
import dev.tally.identity.KeyView;
import dev.tally.identity.NewEmployee;
import dev.tally.identity.NewKey;
import dev.tally.identity.NewTeam;
import dev.tally.identity.TeamView;
import dev.tally.platform.time.OrgCalendar;

/**
 * The demo ({@code TALLY_DEMO_ENABLED=true}): seeds the example org through the identity service
 * (what the admin API calls), publishes {@code tally.demo.history-days} of past usage and outcomes once, then
 * keeps calling the real gateway with the demo employees' keys (the gateway answers from its
 * simulated provider in demo mode) and publishing live outcomes. Runs on its own thread; failures
 * are logged and retried, never fatal to the app.
 */
@ApplicationScoped
public class DemoRunner {

    private static final Logger LOG = Logger.getLogger(DemoRunner.class);

    private final DemoConfig config;
    private final IdentityService identity;
    private final EventPublisher publisher;
    private final DataSource dataSource;
    private final ObjectMapper json;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Instance<HttpServer> httpServer;
    private volatile boolean running;
    private Thread thread;

    private final OrgCalendar calendar;
    private final DemoBudgets budgets;

    public DemoRunner(
            DemoConfig config,
            IdentityService identity,
            EventPublisher publisher,
            DataSource dataSource,
            ObjectMapper json,
            Instance<HttpServer> httpServer,
            OrgCalendar calendar,
            DemoBudgets budgets) {
        this.config = config;
        this.budgets = budgets;
        this.calendar = calendar;
        this.httpServer = httpServer;
        this.identity = identity;
        this.publisher = publisher;
        this.dataSource = dataSource;
        this.json = json;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "tally-demo");
        thread.setDaemon(true);
        thread.start();
        LOG.info(
                "demo: enabled — seeding an example org and driving simulated traffic (every page shows a demo banner)");
    }

    /** The stop begins: no more demo calls (before the gateway's drain, which observes later), so none is refused. */
    void stopAsTheShutdownBegins(@Observes @Priority(1) ShutdownDelayInitiatedEvent event) {
        halt();
    }

    void stop(@Observes ShutdownEvent event) {
        halt();
    }

    private void halt() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                // A call in flight ends within its timeout; wait a little so no demo traffic outlives the app.
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("demo: traffic thread still finishing a call after 5 s");
            }
        }
    }

    /** Whether the traffic thread is alive (it ends on shutdown). */
    boolean trafficRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    private void run() {
        List<SeededTeam> teams = null;
        Map<UUID, String> keys = new HashMap<>();
        while (running && teams == null) {
            try {
                teams = seed(keys);
            } catch (RuntimeException e) {
                LOG.warnf("demo: seeding failed (%s); retrying in 10 s", e.getMessage());
                if (!pause(Duration.ofSeconds(10))) {
                    return;
                }
            }
        }
        if (teams == null) {
            return;
        }
        try {
            history(teams);
        } catch (Exception e) {
            LOG.warnf("demo: history not published: %s", e.getMessage());
        }
        try {
            budgets.seed(teams);
        } catch (RuntimeException e) {
            LOG.warnf("demo: budgets not created: %s", e.getMessage());
        }
        try {
            waitForHttp();
        } catch (IOException e) {
            LOG.warnf("demo: %s does not answer (%s); live traffic goes on trying", baseUrl(), e.getMessage());
        } catch (InterruptedException e) {
            return;
        }
        live(teams, keys);
    }

    /**
     * Creates (or finds, after a restart) the demo teams and employees through the identity
     * service, and a fresh key per employee (the previous demo keys are revoked: keys are shown
     * only once, so a restarted demo cannot reuse them).
     */
    List<SeededTeam> seed(Map<UUID, String> keys) {
        List<SeededTeam> out = new ArrayList<>();
        int person = 0;
        for (DemoOrg.TeamProfile p : DemoOrg.TEAMS) {
            UUID teamId = identity.teamByName(p.name())
                    .map(TeamView::id)
                    .orElseGet(() -> identity.createTeam(new NewTeam(p.name(), p.department()))
                            .id());
            markDemo(teamId);
            List<UUID> employees = new ArrayList<>();
            for (int i = 0; i < p.people(); i++, person++) {
                String first = DemoOrg.FIRST.get(person % DemoOrg.FIRST.size());
                String last = DemoOrg.LAST.get((person * 7 + 3) % DemoOrg.LAST.size());
                String email = (first + "." + last + "." + person)
                                .toLowerCase(Locale.ROOT)
                                .replace("é", "e") + "@demo.tally.example";
                final UUID team = teamId;
                UUID id = identity.employeeByEmail(email)
                        .map(EmployeeView::id)
                        .orElseGet(() -> identity.createEmployee(new NewEmployee(email, first + " " + last, team, null))
                                .id());
                employees.add(id);
                for (KeyView k : identity.keys(id)) {
                    if (DEMO_KEY.equals(k.name()) && k.revokedAt() == null) {
                        identity.revokeKey(k.id());
                    }
                }
                keys.put(id, identity.createKey(NewKey.of(id, DEMO_KEY)).key());
            }
            membersSinceTheEpoch(employees);
            out.add(new SeededTeam(p, teamId, employees));
        }
        DemoWorkloads.seedKeys(identity, out, workloadKeys);
        LOG.infof("demo: %d teams, %d employees with keys, %d service keys", out.size(), person, workloadKeys.size());
        return out;
    }

    private static final String DEMO_KEY = "demo";

    /** The service key of each demo workload, by workload name. */
    private final Map<String, String> workloadKeys = new ConcurrentHashMap<>();

    /** Publishes the days not yet published (all of history at first start). */
    void history(List<SeededTeam> teams) throws SQLException {
        LocalDate yesterday = calendar.today().minusDays(1);
        LocalDate first = yesterday.minusDays(config.historyDays() - 1L);
        String done = state("history_through");
        LocalDate from = done == null ? first : LocalDate.parse(done).plusDays(1);
        if (from.isBefore(first)) {
            from = first;
        }
        long total = ChronoUnit.DAYS.between(first, yesterday) + 1;
        int[] events = {0};
        for (LocalDate d = from; !d.isAfter(yesterday) && running; d = d.plusDays(1)) {
            double ramp = (double) (ChronoUnit.DAYS.between(first, d) + 1) / total;
            Consumer<CloudEvent<?>> sink = e -> {
                publisher.publish(e.type().equals(CloudEvent.USAGE_TYPE) ? Topics.USAGE : Topics.OUTCOMES, e);
                events[0]++;
            };
            DemoHistory.day(teams, d, ramp, sink);
            DemoWorkloads.day(teams, d, sink);
        }
        state("history_through", yesterday.toString());
        if (events[0] > 0) {
            LOG.infof("demo: published %d history events (%s .. %s)", events[0], from, yesterday);
        }
    }

    private void live(List<SeededTeam> teams, Map<UUID, String> keys) {
        Random rnd = new Random();
        long nextOutcomes = 0;
        int failures = 0;
        while (running) {
            SeededTeam t = pickTeam(teams, rnd);
            if (!t.employees().isEmpty()) {
                int person = rnd.nextInt(t.employees().size());
                UUID employee = t.employees().get(person);
                String client = DemoHistory.clientOf(t, person);
                List<String> models = DemoHistory.modelsOf(client, t.profile().models());
                String model = models.get(rnd.nextInt(models.size()));
                try {
                    int status = call(keys.get(employee), client, model, rnd, null);
                    if (rnd.nextDouble() < 0.15) {
                        // now and then a workload's service key: the review bot, tonight's loop, finance
                        DemoWorkloads.Workload w = DemoWorkloads.ALL.get(rnd.nextInt(DemoWorkloads.ALL.size()));
                        call(
                                workloadKeys.get(w.name()),
                                w.client(),
                                DemoWorkloads.model(teams, w, model),
                                rnd,
                                w.runsPerDay() == 0 ? null : "live-" + w.name() + "-" + calendar.today());
                    }
                    if (status / 100 != 2 && ++failures % 50 == 1) {
                        LOG.warnf(
                                "demo: the gateway answered %d for %s (is the gateway role on, with its simulated provider?)",
                                status, model);
                    }
                } catch (IOException e) {
                    if (++failures % 50 == 1) {
                        LOG.warnf("demo: gateway call failed: %s", e.getMessage());
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (System.nanoTime() > nextOutcomes) {
                // Live outcomes run faster than a real day (live-speedup) so the pages move while someone watches.
                double slice = config.liveSpeedup() * config.outcomeInterval().toMillis() / 86_400_000.0;
                LocalDate today = calendar.today();
                for (SeededTeam team : teams) {
                    DemoHistory.outcomes(
                            team,
                            today,
                            1.0,
                            rnd,
                            e -> publisher.publish(Topics.OUTCOMES, e),
                            "live-" + UUID.randomUUID().toString().substring(0, 8),
                            slice);
                }
                nextOutcomes = System.nanoTime() + config.outcomeInterval().toNanos();
            }
            if (!pause(config.callInterval())) {
                return;
            }
        }
    }

    private static SeededTeam pickTeam(List<SeededTeam> teams, Random rnd) {
        double total = teams.stream()
                .mapToDouble(t -> t.profile().people() * t.profile().spendPerActiveDay())
                .sum();
        double r = rnd.nextDouble() * total;
        for (SeededTeam t : teams) {
            r -= t.profile().people() * t.profile().spendPerActiveDay();
            if (r <= 0) {
                return t;
            }
        }
        return teams.get(teams.size() - 1);
    }

    private static final String[] PROMPTS = {
        "Summarise this design doc in five bullets.",
        "Write a unit test for the retry policy.",
        "Draft a reply to the customer about the refund.",
        "Explain this stack trace.",
        "Suggest a SQL index for this query."
    };

    /**
     * One call through the gateway as {@code client} makes it: its User-Agent, and its API for the
     * model's provider (Codex's Responses API, else chat completions or messages); {@code runId}
     * names its run, or null.
     */
    private int call(String key, String client, String model, Random rnd, String runId)
            throws IOException, InterruptedException {
        if (key == null) {
            return 0;
        }
        String prompt = PROMPTS[rnd.nextInt(PROMPTS.length)];
        Api api = DemoHistory.api(client, model);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + api.path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("User-Agent", DemoHistory.userAgent(client));
        Map<String, Object> body = api == Api.RESPONSES
                ? Map.of("model", model, "max_output_tokens", 256, "input", prompt)
                : Map.of(
                        "model",
                        model,
                        "max_tokens",
                        256,
                        "messages",
                        List.of(Map.of("role", "user", "content", prompt)));
        if (runId != null) {
            b.header("x-tally-run-id", runId);
        }
        if (api == Api.MESSAGES) {
            b.header("x-api-key", key).header("anthropic-version", "2023-06-01");
        } else {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<Void> r = http.send(
                b.POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }

    private void waitForHttp() throws InterruptedException, IOException {
        for (int i = 0; running; i++) {
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/login")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 500) {
                    return;
                }
            } catch (IOException e) {
                if (i > 120) {
                    throw e;
                }
            }
            Thread.sleep(500);
        }
    }

    private String baseUrl() {
        // The port the server actually bound (a random one in tests), not the configured one.
        return config.baseUrl()
                .orElseGet(() -> "http://127.0.0.1:" + httpServer.get().getPort());
    }

    private void markDemo(UUID team) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO dashboard_demo_team (team_id) VALUES (?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, team);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The demo publishes months of past usage for people it creates today: each is a member of their
     * team since the epoch (their first stay begins then), so the demo's past months count its whole
     * teams, not only those who used AI (as V1680 backfilled the demo's people).
     */
    private void membersSinceTheEpoch(List<UUID> employees) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE team_membership m SET valid_from = 'epoch'"
                                + " WHERE m.employee_id = ANY (?) AND m.valid_from > 'epoch' AND NOT EXISTS (SELECT 1"
                                + " FROM team_membership o WHERE o.employee_id = m.employee_id AND o.valid_from < m.valid_from)")) {
            ps.setArray(1, c.createArrayOf("uuid", employees.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String state(String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT value FROM dashboard_demo_state WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void state(String key, String value) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO dashboard_demo_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    private boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
