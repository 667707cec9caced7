-- Budgets made without a name were named by scope, id and period ('team a0885454-… month'), and that
-- is what the Alerts page, a refused call's message and the digest showed. Name them as a budget made
-- without a name is named now (BudgetService#defaultName): 'Checkout team, monthly', 'Ada, weekly',
-- 'key laptop (Ada), daily', 'Engineering department, quarterly', 'Organisation, monthly'. A budget
-- whose name was given, or whose scope no longer exists, keeps its name.
WITH named AS (
    SELECT b.id,
           CASE b.scope
               WHEN 'org' THEN 'Organisation'
               WHEN 'department' THEN b.scope_id || ' department'
               WHEN 'team' THEN (SELECT t.name || ' team' FROM team t WHERE t.id::text = b.scope_id)
               WHEN 'employee' THEN (SELECT e.name FROM employee e WHERE e.id::text = b.scope_id)
               WHEN 'key' THEN (SELECT 'key ' || coalesce(k.name, k.prefix) || ' (' || coalesce(e.name, 'service') || ')'
                                  FROM api_key k LEFT JOIN employee e ON e.id = k.employee_id
                                 WHERE k.id::text = b.scope_id)
           END || ', ' || CASE b.period
                              WHEN 'day' THEN 'daily'
                              WHEN 'week' THEN 'weekly'
                              WHEN 'month' THEN 'monthly'
                              ELSE 'quarterly'
                          END AS name
      FROM budget b
     WHERE b.name = b.scope || coalesce(' ' || b.scope_id, '') || ' ' || b.period
)
UPDATE budget b
   SET name = CASE WHEN length(n.name) <= 200 THEN n.name ELSE left(n.name, 199) || '…' END
  FROM named n
 WHERE n.id = b.id AND n.name IS NOT NULL;

-- gateways hold budgets in memory and reload them when this moves
UPDATE budget_version SET version = version + 1;
