package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.tally.dashboard.report.Report.TeamInfo;
import dev.tally.platform.ApiException;

/**
 * The teams in name order, who was a member of which team when ({@code team_membership}, V1680), and
 * whether demo data exists: what every report shows beside its figures. Read in one snapshot and cached
 * under {@code identity_version}, which a trigger moves in every transaction that changes {@code team},
 * {@code employee} (and with it the membership history), {@code team_membership} or
 * {@code dashboard_demo_team} (V1550, V1680), whoever the writer.
 *
 * <p>A scope's members in a period are those who were a member at any time in it: a person who moved
 * teams within it is a member of both (and one person of the organisation), one who left or was deleted
 * is still a member of the months before.
 */
record Identity(
        List<TeamInfo> teams,
        Map<UUID, List<Stay>> byTeam,
        Map<UUID, List<Stay>> byPerson,
        boolean demo,
        Map<List<Object>, Object> memo) {

    /**
     * Answers kept per scope and span at most (the reports ask for the same few periods, this version of
     * the identity over and over, after every write too): past it the memo starts again.
     */
    static final int MEMO = 2048;

    /**
     * One stay of {@code person} in {@code team}: from {@code from}, until {@code to} (exclusive; null: a
     * member now). {@code only}: the person's only stay, so a count needs no set to count them once.
     */
    record Stay(UUID person, UUID team, Instant from, Instant to, boolean only) {

        /** Whether the stay lasted into {@code [start, end)}; an empty stay (begun and ended at once) never does. */
        boolean during(Instant start, Instant end) {
            return from.isBefore(end) && (to == null || to.isAfter(start) && to.isAfter(from));
        }

        /** Whether the stay lasted over the whole of {@code [start, end)} (a non-empty span). */
        boolean covers(Instant start, Instant end) {
            return !from.isAfter(start) && (to == null || !to.isBefore(end)) && start.isBefore(end);
        }
    }

    private static final String TEAMS = "SELECT t.id, t.name, t.department, d.demo FROM"
            + " (SELECT EXISTS (SELECT 1 FROM dashboard_demo_team) AS demo) d LEFT JOIN team t ON true"
            + " ORDER BY t.name";

    private static final String STAYS =
            "SELECT employee_id, team_id, valid_from, valid_to FROM team_membership ORDER BY employee_id, valid_from";

    /**
     * How many people were members of any of {@code teams} (every team when null) at some time in
     * {@code [start, end)}, each once.
     */
    int memberCount(Collection<UUID> teams, Instant start, Instant end) {
        return (Integer) remembered(
                Arrays.asList("count", teams == null ? null : Set.copyOf(teams), start, end),
                () -> countMembers(teams, start, end));
    }

    private int countMembers(Collection<UUID> teams, Instant start, Instant end) {
        int n = 0;
        Set<UUID> movers = new HashSet<>();
        for (List<Stay> stays : teams == null ? byTeam.values() : stays(teams)) {
            for (Stay s : stays) {
                if (s.during(start, end)) {
                    if (s.only()) {
                        n++;
                    } else {
                        movers.add(s.person());
                    }
                }
            }
        }
        return n + movers.size();
    }

    /**
     * {@link #memberCount} for each window {@code [starts[w], ends[w])} at once, in one pass over the
     * stays: a person's only stay that spans every window (the usual case) counts in each without a
     * check per window, so the delivery trend's twelve weeks cost about one period's count.
     */
    int[] memberCounts(Collection<UUID> teams, Instant[] starts, Instant[] ends) {
        int windows = starts.length;
        Instant first = starts[0];
        Instant last = ends[0];
        for (int w = 1; w < windows; w++) {
            first = starts[w].isBefore(first) ? starts[w] : first;
            last = ends[w].isAfter(last) ? ends[w] : last;
        }
        int everywhere = 0;
        int[] n = new int[windows];
        List<Set<UUID>> movers = new ArrayList<>(windows);
        for (int w = 0; w < windows; w++) {
            movers.add(new HashSet<>());
        }
        for (List<Stay> stays : teams == null ? byTeam.values() : stays(teams)) {
            for (Stay s : stays) {
                if (s.only() && s.covers(first, last)) {
                    everywhere++;
                    continue;
                }
                for (int w = 0; w < windows; w++) {
                    if (s.during(starts[w], ends[w])) {
                        if (s.only()) {
                            n[w]++;
                        } else {
                            movers.get(w).add(s.person());
                        }
                    }
                }
            }
        }
        for (int w = 0; w < windows; w++) {
            n[w] += everywhere + movers.get(w).size();
        }
        return n;
    }

    /**
     * Whether {@code person} was a member of one of {@code teams} (of any team when null) throughout
     * {@code [start, end)}, in one stay: then they are a member in every window inside it.
     */
    boolean memberThroughout(Collection<UUID> teams, UUID person, Instant start, Instant end) {
        for (Stay s : byPerson.getOrDefault(person, List.of())) {
            if ((teams == null || teams.contains(s.team())) && s.covers(start, end)) {
                return true;
            }
        }
        return false;
    }

    /** The members of {@code team} at some time in {@code [start, end)}. */
    @SuppressWarnings("unchecked")
    Set<UUID> members(UUID team, Instant start, Instant end) {
        return (Set<UUID>) remembered(Arrays.asList("members", team, start, end), () -> listMembers(team, start, end));
    }

    /** What {@code compute} answers for {@code key}, computed once for this version of the identity. */
    private Object remembered(List<Object> key, java.util.function.Supplier<Object> compute) {
        Object known = memo.get(key);
        if (known != null) {
            return known;
        }
        if (memo.size() >= MEMO) {
            memo.clear();
        }
        Object v = compute.get();
        memo.put(key, v);
        return v;
    }

    private Set<UUID> listMembers(UUID team, Instant start, Instant end) {
        Set<UUID> out = new HashSet<>();
        for (Stay s : byTeam.getOrDefault(team, List.of())) {
            if (s.during(start, end)) {
                out.add(s.person());
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /** Whether {@code person} was a member of one of {@code teams} (of any team when null) in {@code [start, end)}. */
    boolean wasMember(Collection<UUID> teams, UUID person, Instant start, Instant end) {
        for (Stay s : byPerson.getOrDefault(person, List.of())) {
            if ((teams == null || teams.contains(s.team())) && s.during(start, end)) {
                return true;
            }
        }
        return false;
    }

    private List<List<Stay>> stays(Collection<UUID> teams) {
        List<List<Stay>> out = new ArrayList<>(teams.size());
        for (UUID t : teams) {
            out.add(byTeam.getOrDefault(t, List.of()));
        }
        return out;
    }

    /** Every team (null), or the one team of a team's report: a team that does not exist is a 404. */
    List<TeamInfo> teams(UUID teamId) {
        if (teamId == null) {
            return teams;
        }
        List<TeamInfo> one = teams.stream().filter(t -> t.id().equals(teamId)).toList();
        if (one.isEmpty()) {
            throw ApiException.notFound("team " + teamId + " does not exist");
        }
        return one;
    }

    static Identity read(Connection c) throws SQLException {
        List<TeamInfo> teams = new ArrayList<>();
        boolean[] demo = {false};
        RollupReader.query(c, TEAMS, rs -> {
            demo[0] = rs.getBoolean("demo");
            UUID id = rs.getObject("id", UUID.class);
            if (id != null) {
                teams.add(new TeamInfo(id, rs.getString("name"), rs.getString("department")));
            }
        });
        List<Stay> all = new ArrayList<>();
        Map<UUID, Integer> count = new HashMap<>();
        RollupReader.query(c, STAYS, rs -> {
            UUID person = rs.getObject("employee_id", UUID.class);
            OffsetDateTime to = rs.getObject("valid_to", OffsetDateTime.class);
            all.add(new Stay(
                    person,
                    rs.getObject("team_id", UUID.class),
                    rs.getObject("valid_from", OffsetDateTime.class).toInstant(),
                    to == null ? null : to.toInstant(),
                    false));
            count.merge(person, 1, Integer::sum);
        });
        Map<UUID, List<Stay>> byTeam = new HashMap<>();
        Map<UUID, List<Stay>> byPerson = new HashMap<>();
        for (Stay s : all) {
            Stay stay = count.get(s.person()) == 1 ? new Stay(s.person(), s.team(), s.from(), s.to(), true) : s;
            byTeam.computeIfAbsent(stay.team(), k -> new ArrayList<>()).add(stay);
            byPerson.computeIfAbsent(stay.person(), k -> new ArrayList<>()).add(stay);
        }
        byTeam.replaceAll((k, v) -> List.copyOf(v));
        byPerson.replaceAll((k, v) -> List.copyOf(v));
        return new Identity(
                List.copyOf(teams), Map.copyOf(byTeam), Map.copyOf(byPerson), demo[0], new ConcurrentHashMap<>());
    }
}
