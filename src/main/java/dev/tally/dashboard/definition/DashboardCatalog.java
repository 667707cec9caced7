package dev.tally.dashboard.definition;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.tally.dashboard.DashboardConfig;
import dev.tally.dashboard.roi.RoiModel;

/**
 * The dashboard definitions in force: loaded from {@code tally.dashboards.dir} at start and again
 * when a file there changes. A set with any bad file is refused as a whole — the error (file, line,
 * problem) is logged and kept for the operations page — and the last good set keeps serving.
 */
@ApplicationScoped
public class DashboardCatalog {

    private static final Logger LOG = Logger.getLogger(DashboardCatalog.class);

    /** The pages need these; the packaged copies are the fallback when the directory is absent. */
    public static final List<String> REQUIRED = List.of("org", "team", "models");

    private static final List<String> PACKAGED = List.of("org.yaml", "team.yaml", "models.yaml", "roi.yaml");

    /** The definitions in force. */
    public record DefinitionSet(RoiModel roi, Map<String, Dashboard> dashboards, String origin) {
        public Dashboard dashboard(String name) {
            return dashboards.get(name);
        }
    }

    private final Path dir;
    private volatile DefinitionSet current;
    private volatile String lastError;
    private volatile String signature = "";

    public DashboardCatalog(DashboardConfig config) {
        this.dir = Path.of(config.dir());
        reload();
        if (current == null) {
            // Nothing good on disk at first start: the packaged defaults are the last good set.
            current = load(packaged(), "packaged defaults");
        }
    }

    public DefinitionSet current() {
        return current;
    }

    /** The error that made the latest change be refused, or empty when the files in force are the newest. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Scheduled(
            every = "${tally.dashboards.reload-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        reload();
    }

    /** Loads the directory (or the packaged defaults) if anything changed; true when a new set is in force. */
    public synchronized boolean reload() {
        Map<String, String> files = Files.isDirectory(dir) ? readDir() : packaged();
        String sig = Integer.toHexString(files.hashCode());
        if (sig.equals(signature)) {
            return false;
        }
        signature = sig;
        try {
            String origin =
                    Files.isDirectory(dir) ? dir.toAbsolutePath().normalize().toString() : "packaged defaults";
            DefinitionSet set = load(files, origin);
            current = set;
            lastError = null;
            LOG.infof("dashboards: %d dashboards from %s", set.dashboards().size(), origin);
            return true;
        } catch (DefinitionException e) {
            lastError = e.getMessage();
            LOG.errorf("dashboards: %s — keeping the last good set", e.getMessage());
            return false;
        }
    }

    static DefinitionSet load(Map<String, String> files, String origin) {
        RoiModel roi = RoiModel.defaults();
        Map<String, Dashboard> dashboards = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            if (f.getKey().equals("roi.yaml")) {
                roi = DefinitionParser.roi(f.getKey(), f.getValue());
            } else {
                Dashboard d = DefinitionParser.dashboard(f.getKey(), f.getValue());
                dashboards.put(d.name(), d);
            }
        }
        for (String name : REQUIRED) {
            if (!dashboards.containsKey(name)) {
                throw new DefinitionException(name + ".yaml", 0, "missing: the " + name + " page needs it");
            }
        }
        return new DefinitionSet(roi, Map.copyOf(dashboards), origin);
    }

    private Map<String, String> readDir() {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p :
                    s.filter(p -> p.getFileName().toString().endsWith(".yaml")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            LOG.warnf("dashboards: cannot read %s: %s", dir, e.getMessage());
        }
        return files;
    }

    static Map<String, String> packaged() {
        Map<String, String> files = new TreeMap<>();
        for (String name : PACKAGED) {
            try (InputStream in = DashboardCatalog.class.getClassLoader().getResourceAsStream("dashboards/" + name)) {
                if (in != null) {
                    files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    static List<String> names(Map<String, String> files) {
        return new ArrayList<>(files.keySet());
    }
}
