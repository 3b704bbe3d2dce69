// Cluster plumbing kinds: Lease, PodDisruptionBudget, PriorityClass, RuntimeClass, admission
// configurations, CertificateSigningRequest and API priority-and-fairness objects.
import { ageColumn, ageOf, column, nameColumn, nameOf, printer } from './columns.js';
import { humanDuration } from './duration.js';
import { int, intOrString } from './format.js';

export const leasePrinter = printer<{ spec?: { holderIdentity?: string | null } }>(
  [nameColumn(), column('Holder', 'string', 'The identity of the current holder of the lease.'), ageColumn()],
  (l, now) => [nameOf(l), l.spec?.holderIdentity ?? '', ageOf(l, now)],
);

interface PDBShape { spec?: { minAvailable?: number | string; maxUnavailable?: number | string }; status?: { disruptionsAllowed?: number } }

export const podDisruptionBudgetPrinter = printer<PDBShape>(
  [
    nameColumn(),
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn(),
  ],
  (pdb, now) => {
    const spec = pdb.spec ?? {};
    const min = spec.minAvailable === undefined || spec.minAvailable === null ? 'N/A' : intOrString(spec.minAvailable);
    const max = spec.maxUnavailable === undefined || spec.maxUnavailable === null ? 'N/A' : intOrString(spec.maxUnavailable);
    return [nameOf(pdb), min, max, int(pdb.status?.disruptionsAllowed), ageOf(pdb, now)];
  },
);

export const priorityClassPrinter = printer<{ value?: number; globalDefault?: boolean; preemptionPolicy?: string }>(
  [
    nameColumn(),
    column('Value', 'integer', 'The priority pods of this class receive.'),
    column('Global-Default', 'boolean', 'Whether this class applies to pods that name no priority class.'),
    ageColumn(),
    column('PreemptionPolicy', 'string', 'Whether pods of this class may preempt lower-priority pods.'),
  ],
  (pc, now) => [nameOf(pc), int(pc.value), pc.globalDefault ?? false, ageOf(pc, now), pc.preemptionPolicy ?? ''],
);

export const runtimeClassPrinter = printer<{ handler?: string }>(
  [nameColumn(), column('Handler', 'string', 'The CRI handler that runs pods of this class.'), ageColumn()],
  (rc, now) => [nameOf(rc), rc.handler ?? '', ageOf(rc, now)],
);

export const webhookConfigurationPrinter = printer<{ webhooks?: unknown[] | null }>(
  [nameColumn(), column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), ageColumn()],
  (w, now) => [nameOf(w), (w.webhooks ?? []).length, ageOf(w, now)],
);

interface VAPShape { spec?: { validations?: unknown[]; paramKind?: { apiVersion?: string; kind?: string } | null } }

export const validatingAdmissionPolicyPrinter = printer<VAPShape>(
  [
    nameColumn(),
    column('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    ageColumn(),
  ],
  (p, now) => {
    const pk = p.spec?.paramKind;
    return [nameOf(p), (p.spec?.validations ?? []).length, pk ? `${pk.apiVersion ?? ''}/${pk.kind ?? ''}` : '<unset>', ageOf(p, now)];
  },
);

interface VAPBShape { spec?: { policyName?: string; paramRef?: { name?: string; namespace?: string; selector?: unknown } | null } }

export const validatingAdmissionPolicyBindingPrinter = printer<VAPBShape>(
  [
    nameColumn(),
    column('PolicyName', 'string', 'The policy this binding applies.'),
    column('ParamRef', 'string', 'The parameter resource this binding configures the policy with.'),
    ageColumn(),
  ],
  (b, now) => {
    const ref = b.spec?.paramRef;
    let param = '<unset>';
    // Without a namespace the parameter may be cluster-scoped or per-namespace; upstream writes "*/name".
    if (ref?.name) param = `${ref.namespace || '*'}/${ref.name}`;
    return [nameOf(b), b.spec?.policyName ?? '', param, ageOf(b, now)];
  },
);

interface CSRShape {
  spec?: { signerName?: string; username?: string; expirationSeconds?: number };
  status?: { conditions?: { type: string }[]; certificate?: string };
}

/** "Approved,Issued", "Denied", "Pending", with ",Failed" when signing failed. */
export function csrCondition(csr: CSRShape): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (csr.status?.certificate) status += ',Issued';
  return status;
}

export const certificateSigningRequestPrinter = printer<CSRShape>(
  [
    nameColumn(),
    ageColumn(),
    column('SignerName', 'string', 'The signer asked to sign the certificate.'),
    column('Requestor', 'string', 'The user that created the request.'),
    column('RequestedDuration', 'string', 'The validity duration requested for the certificate.'),
    column('Condition', 'string', 'Approval and issuance state of the request.'),
  ],
  (csr, now) => {
    const spec = csr.spec ?? {};
    const duration = typeof spec.expirationSeconds === 'number' ? humanDuration(spec.expirationSeconds * 1000) : '<none>';
    return [nameOf(csr), ageOf(csr, now), spec.signerName || '<none>', spec.username ?? '', duration, csrCondition(csr)];
  },
);

interface FlowSchemaShape {
  spec?: { priorityLevelConfiguration?: { name?: string }; matchingPrecedence?: number; distinguisherMethod?: { type?: string } | null };
  status?: { conditions?: { type: string; status: string }[] };
}

export const flowSchemaPrinter = printer<FlowSchemaShape>(
  [
    nameColumn(),
    column('PriorityLevel', 'string', 'The priority level requests matching this schema are assigned to.'),
    column('MatchingPrecedence', 'string', 'Lower values are matched first.'),
    column('DistinguisherMethod', 'string', 'How matching requests are split into flows.'),
    ageColumn(),
    column('MissingPL', 'string', 'references a broken or non-existent PriorityLevelConfiguration'),
  ],
  (fs, now) => {
    const spec = fs.spec ?? {};
    const dangling = (fs.status?.conditions ?? []).find((c) => c.type === 'Dangling');
    return [
      nameOf(fs), spec.priorityLevelConfiguration?.name ?? '', int(spec.matchingPrecedence),
      spec.distinguisherMethod?.type ?? '<none>', ageOf(fs, now), dangling?.status ?? '?',
    ];
  },
);

interface PLCShape {
  spec?: {
    type?: string;
    limited?: { nominalConcurrencyShares?: number; limitResponse?: { queuing?: { queues?: number; handSize?: number; queueLengthLimit?: number } | null } } | null;
  };
}

export const priorityLevelConfigurationPrinter = printer<PLCShape>(
  [
    nameColumn(),
    column('Type', 'string', 'Exempt or Limited.'),
    column('NominalConcurrencyShares', 'string', 'This level\'s share of the server\'s concurrency limit.'),
    column('Queues', 'string', 'Number of queues for this priority level.'),
    column('HandSize', 'string', 'Number of queues each flow is shuffle-sharded over.'),
    column('QueueLengthLimit', 'string', 'Maximum requests waiting in one queue.'),
    ageColumn(),
  ],
  (pl, now) => {
    const limited = pl.spec?.limited;
    const queuing = limited?.limitResponse?.queuing;
    const orNone = (v: number | undefined, present: boolean): unknown => (present ? v ?? 0 : '<none>');
    return [
      nameOf(pl), pl.spec?.type ?? '', orNone(limited?.nominalConcurrencyShares, !!limited),
      orNone(queuing?.queues, !!queuing), orNone(queuing?.handSize, !!queuing), orNone(queuing?.queueLengthLimit, !!queuing), ageOf(pl, now),
    ];
  },
);
