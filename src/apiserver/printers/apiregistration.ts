// APIServices, as kube-aggregator's table convertor prints them: the service (or Local) and
// whether the group version is available, with the reason when it is not.
import { ageColumn, ageOf, column, nameColumn, nameOf, printer } from './columns.js';

interface APIServiceShape {
  spec?: { service?: { namespace?: string; name?: string } | null };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

export const apiServicePrinter = printer<APIServiceShape>(
  [nameColumn(), column('Service', 'string', 'The reference to the service that hosts this API endpoint.'), column('Available', 'string', 'Whether this service is available.'), ageColumn()],
  (s, now) => {
    const svc = s.spec?.service;
    const service = svc ? `${svc.namespace ?? ''}/${svc.name ?? ''}` : 'Local';
    const c = s.status?.conditions?.find((x) => x.type === 'Available');
    const available = !c ? 'Unknown' : c.status === 'True' ? 'True' : `${c.status} (${c.reason ?? ''})`;
    return [nameOf(s), service, available, ageOf(s, now)];
  },
);
