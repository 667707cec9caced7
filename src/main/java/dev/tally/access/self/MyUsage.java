package dev.tally.access.self;

import java.util.List;
import java.util.UUID;

import io.quarkus.qute.TemplateData;

import dev.tally.dashboard.report.Period;
import dev.tally.identity.KeyView;

/**
 * What an employee sees of themselves: their spend and calls by model over a period, and their keys.
 *
 * @param employeeId null when the signed-in person has no employee record (then nothing else is set)
 */
@TemplateData
public record MyUsage(
        UUID employeeId,
        String name,
        String email,
        String team,
        Period period,
        UsageRow total,
        List<UsageRow> byModel,
        List<KeyView> keys) {}
