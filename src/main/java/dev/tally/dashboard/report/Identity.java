package dev.tally.dashboard.report;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tally.dashboard.report.Report.TeamInfo;
import dev.tally.platform.ApiException;

/**
 * The teams in name order with their members, and whether demo data exists: what every report
 * shows beside its figures. Read in one round trip and cached under {@code identity_version}, which a
 * trigger moves in every transaction that changes {@code team}, {@code employee} or
 * {@code dashboard_demo_team} (V1550), whoever the writer.
 */
record Identity(
        List<TeamInfo> teams,
        Map<UUID, Set<UUID>> members,
        Map<UUID, UUID> teamOf,
        Map<UUID, String> departmentOf,
        boolean demo) {

    private static final String SQL = "SELECT t.id, t.name, t.department, e.ids AS members, d.demo FROM"
            + " (SELECT EXISTS (SELECT 1 FROM dashboard_demo_team) AS demo) d LEFT JOIN team t ON true"
            + " LEFT JOIN (SELECT team_id, array_agg(id) ids FROM employee GROUP BY team_id) e ON e.team_id = t.id"
            + " ORDER BY t.name";

    /** The current members of {@code team}. */
    Set<UUID> members(UUID team) {
        return members.getOrDefault(team, Set.of());
    }

    /** How many current members {@code team} has, or how many employees when null. */
    int memberCount(UUID team) {
        return team == null ? teamOf.size() : members(team).size();
    }

    /** Whether {@code person} is a current member of {@code team}, or an employee at all when null. */
    boolean isMember(UUID team, UUID person) {
        UUID now = teamOf.get(person);
        return team == null ? now != null : team.equals(now);
    }

    /** The department of {@code person}'s current team; null when they are no employee now. */
    String departmentOfPerson(UUID person) {
        UUID now = teamOf.get(person);
        return now == null ? null : departmentOf.get(now);
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
        Map<UUID, Set<UUID>> members = new HashMap<>();
        Map<UUID, UUID> teamOf = new HashMap<>();
        Map<UUID, String> departmentOf = new HashMap<>();
        boolean[] demo = {false};
        RollupReader.query(c, SQL, rs -> {
            demo[0] = rs.getBoolean("demo");
            UUID id = rs.getObject("id", UUID.class);
            if (id != null) {
                TeamInfo t = new TeamInfo(id, rs.getString("name"), rs.getString("department"));
                teams.add(t);
                departmentOf.put(id, t.department());
                Array ids = rs.getArray("members");
                UUID[] people = ids == null ? new UUID[0] : (UUID[]) ids.getArray();
                members.put(id, Set.of(people));
                for (UUID person : people) {
                    teamOf.put(person, id);
                }
            }
        });
        return new Identity(
                List.copyOf(teams), Map.copyOf(members), Map.copyOf(teamOf), Map.copyOf(departmentOf), demo[0]);
    }
}
