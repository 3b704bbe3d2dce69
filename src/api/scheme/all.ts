// Every kind k8ts serves, in discovery order. Adding a kind is adding it to its group's list.
import '../schema/meta.js';
import type { KindDefinition } from './kind.js';
import { coreKinds } from '../core/v1/kinds.js';
import { podKinds } from '../core/v1/pod/kinds.js';
import { appsKinds } from '../apps/v1/kinds.js';
import { batchKinds } from '../batch/v1/kinds.js';
import { autoscalingV1Kinds } from '../autoscaling/v1/kinds.js';
import { autoscalingV2Kinds } from '../autoscaling/v2/kinds.js';
import { policyKinds } from '../policy/v1/kinds.js';
import { networkingKinds } from '../networking/v1/kinds.js';
import { rbacKinds } from '../rbac/v1/kinds.js';
import { coordinationKinds } from '../coordination/v1/kinds.js';
import { discoveryKinds } from '../discovery/v1/kinds.js';
import { storageKinds } from '../storage/v1/kinds.js';
import { schedulingKinds } from '../scheduling/v1/kinds.js';
import { eventsKinds } from '../events/v1/kinds.js';
import { authenticationKinds } from '../authentication/v1/kinds.js';
import { authorizationKinds } from '../authorization/v1/kinds.js';
import { admissionRegistrationKinds } from '../admissionregistration/v1/kinds.js';
import { certificatesKinds } from '../certificates/v1/kinds.js';
import { apiextensionsKinds } from '../apiextensions/v1/kinds.js';
import { apiRegistrationKinds } from '../apiregistration/v1/kinds.js';

export const allKinds: readonly KindDefinition[] = [
  ...podKinds,
  ...coreKinds,
  ...appsKinds,
  ...batchKinds,
  // v2 first: it owns the storage that v1 converts to and from.
  ...autoscalingV2Kinds,
  ...autoscalingV1Kinds,
  ...policyKinds,
  ...networkingKinds,
  ...rbacKinds,
  ...coordinationKinds,
  ...discoveryKinds,
  ...storageKinds,
  ...schedulingKinds,
  ...eventsKinds,
  ...authenticationKinds,
  ...authorizationKinds,
  ...certificatesKinds,
  ...admissionRegistrationKinds,
  ...apiextensionsKinds,
  ...apiRegistrationKinds,
] as readonly KindDefinition[];

/** The version discovery prefers where a group serves several. */
export const PREFERRED_VERSIONS: Record<string, string> = { autoscaling: 'v2' };
