// Namespaces, ConfigMaps, Secrets, ServiceAccounts, ResourceQuotas and ComponentStatuses.
import { ageColumn, ageOf, column, nameColumn, nameOf, printer } from './columns.js';
import { countKeys, quantity } from './format.js';

export const namespacePrinter = printer<{ status?: { phase?: string } }>(
  [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
  (ns, now) => [nameOf(ns), ns.status?.phase ?? '', ageOf(ns, now)],
);

export const configMapPrinter = printer<{ data?: unknown; binaryData?: unknown }>(
  [nameColumn(), column('Data', 'string', 'Number of entries in data and binaryData.'), ageColumn()],
  (cm, now) => [nameOf(cm), countKeys(cm.data) + countKeys(cm.binaryData), ageOf(cm, now)],
);

export const secretPrinter = printer<{ type?: string; data?: unknown }>(
  [
    nameColumn(),
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'string', 'Number of entries in data.'),
    ageColumn(),
  ],
  (s, now) => [nameOf(s), s.type || 'Opaque', countKeys(s.data), ageOf(s, now)],
);

export const serviceAccountPrinter = printer<{ secrets?: unknown[] }>(
  [nameColumn(), column('Secrets', 'string', 'Number of secrets listed for pods running as this service account.'), ageColumn()],
  (sa, now) => [nameOf(sa), (sa.secrets ?? []).length, ageOf(sa, now)],
);

interface QuotaShape { status?: { hard?: Record<string, unknown>; used?: Record<string, unknown> } }

/** Request and Limit columns: "name: used/hard" pairs sorted by name, "limits.*" going to Limit. */
export function quotaColumns(q: QuotaShape): [string, string] {
  const hard = q.status?.hard ?? {};
  const used = q.status?.used ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${quantity(used[name])}/${quantity(hard[name])}`;
    const dot = name.indexOf('.');
    (dot > 0 && name.slice(0, dot) === 'limits' ? limits : requests).push(text);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaPrinter = printer<QuotaShape>(
  [
    nameColumn(),
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageColumn(),
  ],
  (q, now) => {
    const [req, lim] = quotaColumns(q);
    return [nameOf(q), req, lim, ageOf(q, now)];
  },
);

interface ComponentStatusShape { conditions?: { type: string; status: string; message?: string; error?: string }[] }

export const componentStatusPrinter = printer<ComponentStatusShape>(
  [
    nameColumn(),
    column('Status', 'string', 'Status of the component conditions'),
    column('Message', 'string', 'Message of the component conditions'),
    column('Error', 'string', 'Error of the component conditions'),
  ],
  (cs) => {
    const healthy = (cs.conditions ?? []).find((c) => c.type === 'Healthy');
    const status = healthy ? (healthy.status === 'True' ? 'Healthy' : 'Unhealthy') : 'Unknown';
    return [nameOf(cs), status, healthy?.message ?? '', healthy?.error ?? ''];
  },
);
